import Foundation

/// Where the photo went in the model input: letterboxed (detect, segment, pose) or centre-cropped (classify).
public enum InputTransform: Equatable {
    case letterbox(LetterboxTransform)
    case centerCrop(CenterCropTransform)
}

/// The model's input: the resized 8-bit picture (what an image-typed CoreML input takes) and, laid out from it,
/// the NCHW float32 tensor (what a multi-array input takes, and what the conformance vectors hash).
public struct PreparedInput {
    public let image: RGBImage
    public let transform: InputTransform
    public let spec: PreprocessSpec

    /// NCHW float32, batch of one, normalised as metadata.json says, in the model's channel order.
    public var tensor: [Float] { nchwTensor(image, spec) }

    /// The tensor's bytes, little-endian (what `input.sha256` of a conformance vector is taken over).
    public var tensorBytes: [UInt8] {
        var bytes = [UInt8]()
        let values = tensor
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        return bytes
    }
}

/// Letterbox or shortest edge + centre crop, as the model's metadata says.
public func prepareInput(_ image: RGBImage, _ model: ModelFacts) -> PreparedInput {
    let spec = model.preprocess
    switch spec.resize {
    case .shortestEdgeCenterCrop:
        let (cropped, transform) = shortestEdgeCenterCrop(image, inputWidth: model.inputWidth, inputHeight: model.inputHeight)
        return PreparedInput(image: cropped, transform: .centerCrop(transform), spec: spec)
    case .letterbox:
        let (boxed, transform) = letterbox(
            image, inputWidth: model.inputWidth, inputHeight: model.inputHeight, padValue: spec.padValue,
            scaleUp: spec.scaleUp)
        return PreparedInput(image: boxed, transform: .letterbox(transform), spec: spec)
    }
}

/// The 256 values each channel's bytes become, as the reference's NchwWriter computes them: division by 255 (not
/// multiplication by 1/255) so values equal torch's `im / 255` bit for bit, then mean and std when not plain.
func normalisationTable(_ spec: PreprocessSpec) -> [[Float]] {
    let divisor = abs(spec.scale - 1.0 / 255.0) < 1e-12 ? 255.0 : 1 / spec.scale
    let plain = spec.mean.allSatisfy { $0 == 0 } && spec.std.allSatisfy { $0 == 1 }
    return (0..<3).map { (channel: Int) -> [Float] in
        (0..<256).map { (v: Int) -> Float in
            let value = Double(v) / divisor
            return Float(plain ? value : (value - spec.mean[channel]) / spec.std[channel])
        }
    }
}

/// The NCHW float32 tensor of an RGB picture: plane c holds output channel c (R, G, B, or B, G, R for BGR models).
func nchwTensor(_ image: RGBImage, _ spec: PreprocessSpec) -> [Float] {
    let plane = image.width * image.height
    let table = normalisationTable(spec)
    var tensor = [Float](repeating: 0, count: plane * 3)
    for source in 0..<3 {
        let channel = spec.bgr ? 2 - source : source
        let values = table[channel]
        let start = channel * plane
        for p in 0..<plane {
            tensor[start + p] = values[Int(image.pixels[p * 3 + source])]
        }
    }
    return tensor
}
