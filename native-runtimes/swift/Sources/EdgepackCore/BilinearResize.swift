import Foundation

// cv2.resize(..., interpolation=cv2.INTER_LINEAR) on 8-bit RGB, byte for byte: the port of the reference's
// resize.ts (OpenCV's fixed-point resizeGeneric and its vectorised vertical pass).

private let coefficientScale: Float = 2048

/// cvRound for a float value: round half to even, saturated to a short, as saturate_cast<short>(float) does.
private func roundHalfEvenToShort(_ value: Float) -> Int {
    let rounded = Int(Double(value).rounded(.toNearestOrEven))
    return max(-32768, min(32767, rounded))
}

/// Source index and fixed-point weights for each destination coordinate, in float32 as OpenCV computes them
/// (half-pixel centres). Columns clamp their weights at the edges; rows keep them and clamp the row index instead.
private struct AxisTaps {
    var index: [Int]
    var weight0: [Int]
    var weight1: [Int]

    init(sourceSize: Int, destSize: Int, clampWeights: Bool) {
        let scale = 1 / (Double(destSize) / Double(sourceSize))
        index = [Int](repeating: 0, count: destSize)
        weight0 = [Int](repeating: 0, count: destSize)
        weight1 = [Int](repeating: 0, count: destSize)
        for d in 0..<destSize {
            var f = Float((Double(d) + 0.5) * scale - 0.5)
            var s = Int(Double(f).rounded(.down))
            f = Float(Double(f) - Double(s))
            if clampWeights && s < 0 {
                f = 0
                s = 0
            }
            if clampWeights && s >= sourceSize - 1 {
                f = 0
                s = sourceSize - 1
            }
            index[d] = s
            weight0[d] = roundHalfEvenToShort(Float(1 - Double(f)) * coefficientScale)
            weight1[d] = roundHalfEvenToShort(f * coefficientScale)
        }
    }
}

/// OpenCV's vertical pass (VResizeLinearVec_32s8u): 16-bit high products, then a rounding shift.
private func verticalBlend(_ upper: Int, _ lower: Int, _ b0: Int, _ b1: Int) -> UInt8 {
    UInt8(((((upper >> 4) * b0) >> 16) + (((lower >> 4) * b1) >> 16) + 2) >> 2)
}

/// The whole image resized to width × height as cv2.resize(INTER_LINEAR) resizes it.
public func resizeBilinear(_ source: RGBImage, width: Int, height: Int) -> RGBImage {
    if source.width == width && source.height == height { return source }
    if source.width == width * 2 && source.height == height * 2 { return halve(source) }
    let columns = AxisTaps(sourceSize: source.width, destSize: width, clampWeights: true)
    let rows = AxisTaps(sourceSize: source.height, destSize: height, clampWeights: false)
    let src = source.pixels
    let sourceStride = source.width * 3
    let lastRow = source.height - 1
    let lastColumn = source.width - 1
    var out = RGBImage(width: width, height: height, fill: 0)
    var upper = [Int](repeating: 0, count: width * 3)
    var lower = [Int](repeating: 0, count: width * 3)

    /// OpenCV's horizontal pass over one source row: two taps per pixel, kept as fixed-point ints.
    func horizontalPass(_ row: Int, into buffer: inout [Int]) {
        let base = row * sourceStride
        for x in 0..<width {
            let s = columns.index[x]
            let s0 = base + s * 3
            let s1 = base + (s < lastColumn ? s + 1 : s) * 3
            let a0 = columns.weight0[x]
            let a1 = columns.weight1[x]
            for c in 0..<3 {
                buffer[x * 3 + c] = Int(src[s0 + c]) * a0 + Int(src[s1 + c]) * a1
            }
        }
    }

    for y in 0..<height {
        let top = rows.index[y]
        let row0 = min(max(top, 0), lastRow)
        let row1 = min(max(top + 1, 0), lastRow)
        horizontalPass(row0, into: &upper)
        horizontalPass(row1, into: &lower)
        let b0 = rows.weight0[y]
        let b1 = rows.weight1[y]
        let at = y * width * 3
        for i in 0..<(width * 3) {
            out.pixels[at + i] = verticalBlend(upper[i], lower[i], b0, b1)
        }
    }
    return out
}

/// OpenCV switches INTER_LINEAR to INTER_AREA for an exact 2× shrink: each pixel is its 2×2 block's mean.
private func halve(_ source: RGBImage) -> RGBImage {
    let width = source.width / 2
    let height = source.height / 2
    let stride = source.width * 3
    let src = source.pixels
    var out = RGBImage(width: width, height: height, fill: 0)
    for y in 0..<height {
        for x in 0..<width {
            let s = y * 2 * stride + x * 6
            let o = (y * width + x) * 3
            for c in 0..<3 {
                let sum = Int(src[s + c]) + Int(src[s + 3 + c]) + Int(src[s + stride + c]) + Int(src[s + stride + 3 + c])
                out.pixels[o + c] = UInt8((sum + 2) >> 2)
            }
        }
    }
    return out
}
