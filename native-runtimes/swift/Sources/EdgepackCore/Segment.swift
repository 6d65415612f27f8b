import Foundation

/// A binary instance mask in model-input pixels, stored only over the rectangle its box covers.
struct InstanceMask {
    let x: Int
    let y: Int
    let width: Int
    let height: Int
    /// width × height, row-major, 1 inside the instance.
    let bits: [UInt8]
}

/// Source indices and weights of PyTorch's upsample_bilinear2d (align_corners=False) for outputs [from, from + n),
/// in float32 as PyTorch computes them.
private struct AxisSamples {
    var first: [Int] = []
    var second: [Int] = []
    var weight0: [Float] = []
    var weight1: [Float] = []

    init(inSize: Int, outSize: Int, from: Int, count: Int) {
        let scale = Float(Double(inSize) / Double(outSize))
        for i in 0..<count {
            var source = Float(Double(scale) * (Double(from + i) + 0.5) - 0.5)
            if source < 0 { source = 0 }
            let index = Int(source)
            let lambda = Float(Double(source) - Double(index))
            first.append(index)
            second.append(index < inSize - 1 ? index + 1 : index)
            weight0.append(1 - lambda)
            weight1.append(lambda)
        }
    }
}

/// Ultralytics' process_mask(upsample=True) for one detection: coefficients × prototypes, bilinear upsampling to the
/// model input, > 0, cropped to the box. Only the pixels inside the box are computed. Nil when nothing of the
/// instance is left (Ultralytics drops such detections).
func instanceMask(_ prototypes: Tensor, coefficients: [Float], box: [Double], inputWidth: Int, inputHeight: Int) throws
    -> InstanceMask?
{
    let dims = prototypes.shape
    guard dims.count == 4, dims[0] == 1, dims[1] == coefficients.count else {
        throw EdgepackError(
            .unsupportedModelOutput,
            "Mask prototypes must be [1, \(coefficients.count), height, width]; this model's are \(dims).",
            hint: "Export the segmentation model with batch size 1; its second output holds the prototypes.")
    }
    let protoHeight = dims[2]
    let protoWidth = dims[3]
    let plane = protoHeight * protoWidth
    let protos = prototypes.values
    // Accumulated as the reference does: each step in double precision, stored as float32.
    var low = [Float](repeating: 0, count: plane)
    for c in 0..<coefficients.count {
        let k = Double(coefficients[c])
        let offset = c * plane
        for p in 0..<plane {
            low[p] = Float(Double(low[p]) + k * Double(protos[offset + p]))
        }
    }
    let x0 = max(0, Int(box[0].rounded(.up)))
    let y0 = max(0, Int(box[1].rounded(.up)))
    let x1 = min(inputWidth, Int(box[2].rounded(.up)))
    let y1 = min(inputHeight, Int(box[3].rounded(.up)))
    let width = max(0, x1 - x0)
    let height = max(0, y1 - y0)
    if width == 0 || height == 0 { return nil }
    let columns = AxisSamples(inSize: protoWidth, outSize: inputWidth, from: x0, count: width)
    let rows = AxisSamples(inSize: protoHeight, outSize: inputHeight, from: y0, count: height)
    var bits = [UInt8](repeating: 0, count: width * height)
    var any = false
    for r in 0..<height {
        let top = rows.first[r] * protoWidth
        let bottom = rows.second[r] * protoWidth
        let wy0 = Double(rows.weight0[r])
        let wy1 = Double(rows.weight1[r])
        for c in 0..<width {
            let left = columns.first[c]
            let right = columns.second[c]
            let wx0 = Double(columns.weight0[c])
            let wx1 = Double(columns.weight1[c])
            let upper = wx0 * Double(low[top + left]) + wx1 * Double(low[top + right])
            let lower = wx0 * Double(low[bottom + left]) + wx1 * Double(low[bottom + right])
            if wy0 * upper + wy1 * lower > 0 {
                bits[r * width + c] = 1
                any = true
            }
        }
    }
    return any ? InstanceMask(x: x0, y: y0, width: width, height: height, bits: bits) : nil
}

/// Photo positions whose centres land in [from, from + size) of the input, and where in it they land.
private func sourceSpan(from: Int, size: Int, offset: Int, scale: Double, sourceSize: Int) -> (first: Int, indices: [Int]) {
    let start = max(0, Int(((Double(from - offset)) / scale - 0.5).rounded(.down)) - 1)
    let end = min(sourceSize, Int(((Double(from + size - offset)) / scale - 0.5).rounded(.up)) + 1)
    var indices: [Int] = []
    var first = -1
    if start < end {
        for u in start..<end {
            let at = Int((Double(offset) + (Double(u) + 0.5) * scale).rounded(.down)) - from
            if at < 0 || at >= size { continue }
            if first < 0 { first = u }
            indices.append(at)
        }
    }
    return (first, indices)
}

/// Run lengths (starting with 0s) of one input row of a mask, sampled at the given columns.
private func sampledRowRuns(_ mask: InstanceMask, row inputRow: Int, columns: [Int]) -> [Int] {
    let row = inputRow * mask.width
    var runs: [Int] = []
    var bit: UInt8 = 0
    var length = 0
    for c in columns {
        if mask.bits[row + c] == bit {
            length += 1
        } else {
            runs.append(length)
            bit = mask.bits[row + c]
            length = 1
        }
    }
    runs.append(length)
    return runs
}

/// Carries an instance mask from model-input pixels to the photo's: photo pixel (u, v) is inside when the input
/// pixel its centre falls on is (nearest neighbour through the letterbox), run-length encoded row by row. Nil when
/// no photo pixel lands on the mask (a sliver in the padding).
func maskToSource(_ mask: InstanceMask, _ transform: LetterboxTransform) -> Mask? {
    let columns = sourceSpan(
        from: mask.x, size: mask.width, offset: transform.left,
        scale: Double(transform.resizedWidth) / Double(transform.sourceWidth), sourceSize: transform.sourceWidth)
    let rows = sourceSpan(
        from: mask.y, size: mask.height, offset: transform.top,
        scale: Double(transform.resizedHeight) / Double(transform.sourceHeight), sourceSize: transform.sourceHeight)
    if columns.indices.isEmpty || rows.indices.isEmpty { return nil }
    var runs: [Int] = []
    var bit = 0
    var length = 0
    var rowRuns: [Int] = []
    var lastInputRow = -1
    for inputRow in rows.indices {
        if inputRow != lastInputRow {
            rowRuns = sampledRowRuns(mask, row: inputRow, columns: columns.indices)
            lastInputRow = inputRow
        }
        for (i, n) in rowRuns.enumerated() where n != 0 {
            if i % 2 == bit {
                length += n
            } else {
                runs.append(length)
                bit = i % 2
                length = n
            }
        }
    }
    runs.append(length)
    return Mask(x: columns.first, y: rows.first, width: columns.indices.count, height: rows.indices.count, runs: runs)
}
