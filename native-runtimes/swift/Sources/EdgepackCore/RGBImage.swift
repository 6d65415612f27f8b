import Foundation

/// An 8-bit, 3-channel, row-major RGB image (HWC), as cv2.imread gives it after BGR → RGB.
public struct RGBImage: Equatable {
    public let width: Int
    public let height: Int
    /// width × height × 3 bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, pixels.count == width * height * 3 else {
            throw EdgepackError(
                .notAnImage,
                "An RGB image of \(width)×\(height) needs \(max(0, width * height * 3)) bytes; \(pixels.count) were given.",
                hint: "Pass 3 bytes a pixel, row by row, with no row padding.")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image of one grey value (the letterbox's canvas).
    public init(width: Int, height: Int, fill: UInt8) {
        self.width = width
        self.height = height
        self.pixels = [UInt8](repeating: fill, count: width * height * 3)
    }

    /// The order of a 4-byte pixel's channels in memory.
    public enum FourChannelOrder {
        case rgba, bgra, argb, abgr

        /// Byte offsets of R, G and B within a pixel.
        var offsets: (Int, Int, Int) {
            switch self {
            case .rgba: return (0, 1, 2)
            case .bgra: return (2, 1, 0)
            case .argb: return (1, 2, 3)
            case .abgr: return (3, 2, 1)
            }
        }
    }

    /// From 4-byte pixels (e.g. a CGImage's or CVPixelBuffer's), rows `bytesPerRow` apart. Alpha is dropped, not
    /// blended, as cv2.imread(IMREAD_COLOR) drops it.
    public init(fourChannel bytes: [UInt8], width: Int, height: Int, bytesPerRow: Int, order: FourChannelOrder) throws {
        guard width > 0, height > 0, bytesPerRow >= width * 4, bytes.count >= bytesPerRow * (height - 1) + width * 4 else {
            throw EdgepackError(
                .notAnImage,
                "A \(width)×\(height) image with \(bytesPerRow) bytes a row does not fit in \(bytes.count) bytes.",
                hint: "Pass the pixel buffer's own width, height and bytes per row.")
        }
        let (r, g, b) = order.offsets
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let row = y * bytesPerRow
            for x in 0..<width {
                let s = row + x * 4
                let o = (y * width + x) * 3
                pixels[o] = bytes[s + r]
                pixels[o + 1] = bytes[s + g]
                pixels[o + 2] = bytes[s + b]
            }
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
