import CoreGraphics
import CoreVideo
import EdgepackCore
import Foundation
import ImageIO

/// Decoded pixels from Apple's image APIs, in the form the core takes: upright 8-bit RGB, with no colour management
/// (cv2.imread ignores embedded ICC profiles, so the pixels are drawn in the image's own colour space) and alpha
/// dropped. ImageIO's JPEG decoder is not libjpeg-turbo, so a JPEG's pixels can differ from the app's by a level
/// here and there; for byte-exact results pass the pixels the app decodes (the conformance vectors' decoded.png).
enum ImageReader {
    static func read(_ url: URL) throws -> RGBImage {
        guard let source = CGImageSourceCreateWithURL(url as CFURL, nil),
            let image = CGImageSourceCreateImageAtIndex(source, 0, nil)
        else {
            throw EdgepackError(
                .notAnImage, "\(url.path) is not an image ImageIO can read.",
                hint: "Pass a JPEG, PNG, HEIC, TIFF, BMP or GIF file.")
        }
        let properties = CGImageSourceCopyPropertiesAtIndex(source, 0, nil) as? [CFString: Any]
        let orientation = (properties?[kCGImagePropertyOrientation] as? NSNumber)?.intValue ?? 1
        return try rgb(image).applyingExifOrientation(orientation)
    }

    /// A CGImage's pixels as stored: drawn into a bitmap of its own colour space (RGB), or of device grey
    /// replicated to three channels (grey images, as cv2 replicates them).
    static func rgb(_ image: CGImage) throws -> RGBImage {
        let width = image.width
        let height = image.height
        let grey = image.colorSpace?.model == .monochrome
        let space = grey ? CGColorSpaceCreateDeviceGray() : (image.colorSpace.flatMap { $0.model == .rgb ? $0 : nil } ?? CGColorSpaceCreateDeviceRGB())
        let channels = grey ? 1 : 4
        let bytesPerRow = width * channels
        var bytes = [UInt8](repeating: 0, count: bytesPerRow * height)
        let info = grey ? CGImageAlphaInfo.none.rawValue : CGImageAlphaInfo.noneSkipLast.rawValue
        let drawn = bytes.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) -> Bool in
            guard let context = CGContext(
                data: buffer.baseAddress, width: width, height: height, bitsPerComponent: 8, bytesPerRow: bytesPerRow,
                space: space, bitmapInfo: info)
            else { return false }
            context.interpolationQuality = .none
            context.draw(image, in: CGRect(x: 0, y: 0, width: width, height: height))
            return true
        }
        guard drawn else {
            throw EdgepackError(.notAnImage, "The image's pixels could not be read (\(width)×\(height)).", hint: "Pass an 8-bit RGB or grey image.")
        }
        if grey {
            var pixels = [UInt8](repeating: 0, count: width * height * 3)
            for (i, value) in bytes.enumerated() {
                pixels[i * 3] = value
                pixels[i * 3 + 1] = value
                pixels[i * 3 + 2] = value
            }
            return try RGBImage(width: width, height: height, pixels: pixels)
        }
        return try RGBImage(fourChannel: bytes, width: width, height: height, bytesPerRow: bytesPerRow, order: .rgba)
    }

    /// A 32BGRA (or 32ARGB) pixel buffer's pixels.
    static func rgb(_ buffer: CVPixelBuffer) throws -> RGBImage {
        let format = CVPixelBufferGetPixelFormatType(buffer)
        let order: RGBImage.FourChannelOrder
        switch format {
        case kCVPixelFormatType_32BGRA: order = .bgra
        case kCVPixelFormatType_32ARGB: order = .argb
        case kCVPixelFormatType_32RGBA: order = .rgba
        default:
            throw EdgepackError(
                .notAnImage, "The pixel buffer's format (\(format)) is not 32BGRA, 32ARGB or 32RGBA.",
                hint: "Ask the camera output for kCVPixelFormatType_32BGRA.")
        }
        CVPixelBufferLockBaseAddress(buffer, .readOnly)
        defer { CVPixelBufferUnlockBaseAddress(buffer, .readOnly) }
        let width = CVPixelBufferGetWidth(buffer)
        let height = CVPixelBufferGetHeight(buffer)
        let bytesPerRow = CVPixelBufferGetBytesPerRow(buffer)
        guard let base = CVPixelBufferGetBaseAddress(buffer) else {
            throw EdgepackError(.notAnImage, "The pixel buffer has no pixels.", hint: "Pass a frame with its memory in place.")
        }
        let bytes = [UInt8](UnsafeRawBufferPointer(start: base, count: bytesPerRow * height))
        return try RGBImage(fourChannel: bytes, width: width, height: height, bytesPerRow: bytesPerRow, order: order)
    }
}
