import Foundation

/// Where the original image sits inside the model input; also what maps boxes back to the original.
public struct LetterboxTransform: Equatable {
    public let sourceWidth: Int
    public let sourceHeight: Int
    public let inputWidth: Int
    public let inputHeight: Int
    /// Scale applied to the original.
    public let ratio: Double
    public let resizedWidth: Int
    public let resizedHeight: Int
    public let top: Int
    public let bottom: Int
    public let left: Int
    public let right: Int

    /// Ultralytics' LetterBox(auto=False, center=True).get_params, including Python's rounding.
    public init(sourceWidth: Int, sourceHeight: Int, inputWidth: Int, inputHeight: Int, scaleUp: Bool = true) {
        var ratio = min(Double(inputHeight) / Double(sourceHeight), Double(inputWidth) / Double(sourceWidth))
        if !scaleUp { ratio = min(ratio, 1) }
        let resizedWidth = max(pythonRound(Double(sourceWidth) * ratio), 1)
        let resizedHeight = max(pythonRound(Double(sourceHeight) * ratio), 1)
        let dw = Double(inputWidth - resizedWidth) / 2
        let dh = Double(inputHeight - resizedHeight) / 2
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.ratio = ratio
        self.resizedWidth = resizedWidth
        self.resizedHeight = resizedHeight
        self.top = pythonRound(dh - 0.1)
        self.bottom = pythonRound(dh + 0.1)
        self.left = pythonRound(dw - 0.1)
        self.right = pythonRound(dw + 0.1)
    }

    /// Ultralytics' ops.scale_coords for one point: from model-input pixels to the original's, clipped to it
    /// (each axis has its own gain: each side was rounded separately).
    public func pointToSource(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
        let gainX = Double(resizedWidth) / Double(sourceWidth)
        let gainY = Double(resizedHeight) / Double(sourceHeight)
        return (clamp((x - Double(left)) / gainX, Double(sourceWidth)), clamp((y - Double(top)) / gainY, Double(sourceHeight)))
    }

    private func clamp(_ value: Double, _ upper: Double) -> Double {
        value < 0 ? 0 : value > upper ? upper : value
    }
}

/// Resizes keeping the aspect ratio (cv2's bilinear resize, byte-identical) and pads to the model input with
/// `padValue`, centred: Ultralytics' LetterBox, done here and never by Vision's scaling.
public func letterbox(
    _ image: RGBImage, inputWidth: Int, inputHeight: Int, padValue: UInt8 = 114, scaleUp: Bool = true
) -> (image: RGBImage, transform: LetterboxTransform) {
    let transform = LetterboxTransform(
        sourceWidth: image.width, sourceHeight: image.height, inputWidth: inputWidth, inputHeight: inputHeight,
        scaleUp: scaleUp)
    let resized = resizeBilinear(image, width: transform.resizedWidth, height: transform.resizedHeight)
    let outWidth = transform.left + transform.resizedWidth + transform.right
    let outHeight = transform.top + transform.resizedHeight + transform.bottom
    var out = RGBImage(width: outWidth, height: outHeight, fill: padValue)
    let rowBytes = transform.resizedWidth * 3
    for y in 0..<transform.resizedHeight {
        let from = y * rowBytes
        let to = ((y + transform.top) * outWidth + transform.left) * 3
        out.pixels.replaceSubrange(to..<(to + rowBytes), with: resized.pixels[from..<(from + rowBytes)])
    }
    return (out, transform)
}
