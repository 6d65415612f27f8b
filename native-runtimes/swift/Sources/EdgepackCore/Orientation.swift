import Foundation

extension RGBImage {
    /// The image turned upright as its EXIF orientation (1–8) says, as cv2.imread applies it: pixel (x, y) of the
    /// result is read from the stored pixel `source(x, y)` maps it to.
    public func applyingExifOrientation(_ orientation: Int) throws -> RGBImage {
        guard (1...8).contains(orientation) else {
            throw EdgepackError(
                .notAnImage, "EXIF orientation \(orientation) is not one of 1–8.",
                hint: "Pass the image's orientation tag as read (1 when it has none).")
        }
        if orientation == 1 { return self }
        let w = width
        let h = height
        let swapsAxes = orientation >= 5
        let outWidth = swapsAxes ? h : w
        let outHeight = swapsAxes ? w : h
        let source: (Int, Int) -> (Int, Int)
        switch orientation {
        case 2: source = { x, y in (w - 1 - x, y) }
        case 3: source = { x, y in (w - 1 - x, h - 1 - y) }
        case 4: source = { x, y in (x, h - 1 - y) }
        case 5: source = { x, y in (y, x) }
        case 6: source = { x, y in (y, h - 1 - x) }
        case 7: source = { x, y in (w - 1 - y, h - 1 - x) }
        default: source = { x, y in (w - 1 - y, x) }
        }
        var out = RGBImage(width: outWidth, height: outHeight, fill: 0)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                let (sx, sy) = source(x, y)
                let s = (sy * w + sx) * 3
                let o = (y * outWidth + x) * 3
                out.pixels[o] = pixels[s]
                out.pixels[o + 1] = pixels[s + 1]
                out.pixels[o + 2] = pixels[s + 2]
            }
        }
        return out
    }
}
