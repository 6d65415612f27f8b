import Foundation

// Pillow's Image.resize(size, Image.BILINEAR) on 8-bit RGB, byte for byte: the port of the reference's
// resize-pil.ts (its plain integer path). torchvision's Resize on PIL images, what Ultralytics' classification
// predictor runs, is exactly this.

/// Pillow's fixed-point precision for 8-bit resampling (Resample.c: 32 - 8 - 2).
private let precisionBits = 22
private let one = 1 << precisionBits
private let half = 1 << (precisionBits - 1)

/// One axis's resampling taps as Pillow's precompute_coeffs + normalize_coeffs_8bpc compute them for the bilinear
/// ("triangle") filter: when shrinking, the filter widens with the scale (Pillow's antialiasing). Doubles, as in C.
private struct PillowTaps {
    let start: [Int]
    let count: [Int]
    let weights: [Int]
    let stride: Int

    init(inSize: Int, outSize: Int) {
        let scale = Double(inSize) / Double(outSize)
        let support = max(scale, 1)
        let inverse = 1 / support
        let stride = Int(support.rounded(.up)) * 2 + 1
        var start = [Int](repeating: 0, count: outSize)
        var count = [Int](repeating: 0, count: outSize)
        var weights = [Int](repeating: 0, count: outSize * stride)
        var raw = [Double](repeating: 0, count: stride)
        for out in 0..<outSize {
            let center = (Double(out) + 0.5) * scale
            let low = max(Int((center - support + 0.5).rounded(.towardZero)), 0)
            let taps = max(min(Int((center + support + 0.5).rounded(.towardZero)), inSize) - low, 0)
            var total = 0.0
            for k in 0..<taps {
                let distance = abs((Double(k + low) - center + 0.5) * inverse)
                let w = distance < 1 ? 1 - distance : 0
                raw[k] = w
                total += w
            }
            for k in 0..<taps {
                let w = total != 0 ? raw[k] / total : raw[k]
                let fixed = w < 0 ? -0.5 + w * Double(one) : 0.5 + w * Double(one)
                weights[out * stride + k] = Int(fixed.rounded(.towardZero))
            }
            start[out] = low
            count[out] = taps
        }
        self.start = start
        self.count = count
        self.weights = weights
        self.stride = stride
    }
}

/// Rounds a fixed-point sum to a byte as Pillow's clip8 does.
private func clip8(_ value: Int) -> UInt8 {
    value <= 0 ? 0 : value >= one * 256 ? 255 : UInt8(value >> precisionBits)
}

private func horizontalPass(_ source: RGBImage, _ taps: PillowTaps, width: Int) -> RGBImage {
    var out = RGBImage(width: width, height: source.height, fill: 0)
    for y in 0..<source.height {
        let row = y * source.width * 3
        for x in 0..<width {
            var sums = [half, half, half]
            for k in 0..<taps.count[x] {
                let w = taps.weights[x * taps.stride + k]
                let at = row + (taps.start[x] + k) * 3
                for c in 0..<3 { sums[c] += Int(source.pixels[at + c]) * w }
            }
            let o = (y * width + x) * 3
            for c in 0..<3 { out.pixels[o + c] = clip8(sums[c]) }
        }
    }
    return out
}

private func verticalPass(_ source: RGBImage, _ taps: PillowTaps, height: Int) -> RGBImage {
    let rowBytes = source.width * 3
    var out = RGBImage(width: source.width, height: height, fill: 0)
    for y in 0..<height {
        var sums = [Int](repeating: half, count: rowBytes)
        for k in 0..<taps.count[y] {
            let w = taps.weights[y * taps.stride + k]
            let from = (taps.start[y] + k) * rowBytes
            for i in 0..<rowBytes { sums[i] += Int(source.pixels[from + i]) * w }
        }
        for i in 0..<rowBytes { out.pixels[y * rowBytes + i] = clip8(sums[i]) }
    }
    return out
}

/// Pillow's Image.resize(size, Image.BILINEAR): horizontal pass then vertical, each rounded to bytes — or vertical
/// first where Pillow 13 does so (the height shrinks by more than twice what the width shrinks by).
public func resizePillowBilinear(_ source: RGBImage, width: Int, height: Int) -> RGBImage {
    let horizontal = width != source.width ? PillowTaps(inSize: source.width, outSize: width) : nil
    let vertical = height != source.height ? PillowTaps(inSize: source.height, outSize: height) : nil
    let shrinkY = source.height - height
    switch (horizontal, vertical) {
    case (nil, nil):
        return source
    case (let h?, nil):
        return horizontalPass(source, h, width: width)
    case (nil, let v?):
        return verticalPass(source, v, height: height)
    case (let h?, let v?):
        if shrinkY > 0 && shrinkY > 2 * (source.width - width) {
            return horizontalPass(verticalPass(source, v, height: height), h, width: width)
        }
        return verticalPass(horizontalPass(source, h, width: width), v, height: height)
    }
}
