import CoreML
import CoreVideo
import EdgepackCore
import Foundation

/// Between the core's plain arrays and CoreML's types: the input pixel buffer or multi-array, the outputs' values.
enum CoreMLBuffers {
    /// The letterboxed picture as a 32BGRA pixel buffer, what an image-typed CoreML input takes (the model applies
    /// its own scale, 1/255 for Ultralytics' exports, and channel order).
    static func pixelBuffer(_ image: RGBImage) throws -> CVPixelBuffer {
        var created: CVPixelBuffer?
        let attributes = [kCVPixelBufferCGImageCompatibilityKey: true, kCVPixelBufferCGBitmapContextCompatibilityKey: true] as CFDictionary
        let status = CVPixelBufferCreate(kCFAllocatorDefault, image.width, image.height, kCVPixelFormatType_32BGRA, attributes, &created)
        guard status == kCVReturnSuccess, let buffer = created else {
            throw EdgepackError(
                .invalidModelFile, "A \(image.width)×\(image.height) pixel buffer could not be made (CoreVideo status \(status)).",
                hint: "Check the model's input size in metadata.json.")
        }
        CVPixelBufferLockBaseAddress(buffer, [])
        defer { CVPixelBufferUnlockBaseAddress(buffer, []) }
        guard let base = CVPixelBufferGetBaseAddress(buffer) else {
            throw EdgepackError(.invalidModelFile, "The pixel buffer has no memory.", hint: "Try again; the device may be out of memory.")
        }
        let bytesPerRow = CVPixelBufferGetBytesPerRow(buffer)
        let destination = base.assumingMemoryBound(to: UInt8.self)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let s = (y * image.width + x) * 3
                let d = y * bytesPerRow + x * 4
                destination[d] = image.pixels[s + 2]
                destination[d + 1] = image.pixels[s + 1]
                destination[d + 2] = image.pixels[s]
                destination[d + 3] = 255
            }
        }
        return buffer
    }

    /// The normalised tensor as a float32 multi-array of shape [1, 3, H, W] (NCHW) or [1, H, W, 3] (NHWC).
    static func multiArray(_ input: PreparedInput, layout: String) throws -> MLMultiArray {
        let width = input.image.width
        let height = input.image.height
        let nhwc = layout == "NHWC"
        let shape = nhwc ? [1, height, width, 3] : [1, 3, height, width]
        let array = try MLMultiArray(shape: shape.map { NSNumber(value: $0) }, dataType: .float32)
        let tensor = input.tensor
        let plane = width * height
        let destination = array.dataPointer.assumingMemoryBound(to: Float.self)
        let strides = array.strides.map { $0.intValue }
        for c in 0..<3 {
            for p in 0..<plane {
                let (y, x) = (p / width, p % width)
                let offset = nhwc
                    ? y * strides[1] + x * strides[2] + c * strides[3]
                    : c * strides[1] + y * strides[2] + x * strides[3]
                destination[offset] = tensor[c * plane + p]
            }
        }
        return array
    }

    /// An output's values in C order (whatever its strides and number type), checked against metadata.json's shape.
    static func tensor(_ array: MLMultiArray, name: String, expected: [Dimension]) throws -> Tensor {
        let shape = array.shape.map { $0.intValue }
        let strides = array.strides.map { $0.intValue }
        let matches = shape.count == expected.count && zip(shape, expected).allSatisfy { length, dimension in
            if case .fixed(let expectedLength) = dimension { return length == expectedLength }
            return true
        }
        guard matches else {
            throw EdgepackError(
                .unsupportedModelOutput, "The model's output \"\(name)\" is \(shape); metadata.json says \(expected).",
                hint: "Keep the model and the metadata.json of the same export together.")
        }
        let read: (Int) -> Float
        switch array.dataType {
        case .float32:
            let p = array.dataPointer.assumingMemoryBound(to: Float.self)
            read = { p[$0] }
        case .float16:
            let p = array.dataPointer.assumingMemoryBound(to: UInt16.self)
            read = { halfToFloat(p[$0]) }
        case .double:
            let p = array.dataPointer.assumingMemoryBound(to: Double.self)
            read = { Float(p[$0]) }
        case .int32:
            let p = array.dataPointer.assumingMemoryBound(to: Int32.self)
            read = { Float(p[$0]) }
        default:
            throw EdgepackError(
                .unsupportedModelOutput, "The model's output \"\(name)\" holds values of a type this wrapper cannot read.",
                hint: "Export the model with float outputs (Ultralytics exports do).")
        }
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        for flat in 0..<count {
            var offset = 0
            for axis in 0..<shape.count { offset += index[axis] * strides[axis] }
            values[flat] = read(offset)
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return try Tensor(shape: shape, values: values)
    }

    /// A CoreML classifier's {label: probability} as probabilities by class id (labels are metadata.json's names).
    static func probabilities(_ dictionary: [AnyHashable: NSNumber], names: [String]) throws -> Tensor {
        var probabilities = [Float](repeating: .nan, count: names.count)
        for (label, probability) in dictionary {
            let classId: Int?
            if let text = label as? String {
                classId = names.firstIndex(of: text)
            } else if let number = label as? Int64 {
                classId = Int(number)
            } else {
                classId = label as? Int
            }
            guard let id = classId, probabilities.indices.contains(id) else {
                throw EdgepackError(
                    .unsupportedModelOutput, "The classifier answers a label \(label) that metadata.json's names do not have.",
                    hint: "Keep the model and the metadata.json of the same export together.")
            }
            probabilities[id] = probability.floatValue
        }
        if let missing = probabilities.firstIndex(where: { $0.isNaN }) {
            throw EdgepackError(
                .unsupportedModelOutput, "The classifier gives no probability for \"\(names[missing])\".",
                hint: "Keep the model and the metadata.json of the same export together.")
        }
        return try Tensor(shape: [1, names.count], values: probabilities)
    }
}
