import Foundation

/// Where a classifier's input was cut from: the resized image and the centred crop taken from it.
public struct CenterCropTransform: Equatable {
    public let sourceWidth: Int
    public let sourceHeight: Int
    public let inputWidth: Int
    public let inputHeight: Int
    public let resizedWidth: Int
    public let resizedHeight: Int
    /// Crop offset inside the resized image.
    public let top: Int
    public let left: Int

    /// torchvision's Resize(size) + CenterCrop(size) as Ultralytics' classify_transforms builds them: a square input
    /// resizes the shorter side (the longer one truncated, as torchvision does), a non-square one resizes to it.
    public init(sourceWidth: Int, sourceHeight: Int, inputWidth: Int, inputHeight: Int) {
        var resizedWidth = inputWidth
        var resizedHeight = inputHeight
        if inputWidth == inputHeight {
            let size = Double(inputHeight)
            if sourceWidth <= sourceHeight {
                resizedHeight = Int((size * Double(sourceHeight) / Double(sourceWidth)).rounded(.towardZero))
            } else {
                resizedWidth = Int((size * Double(sourceWidth) / Double(sourceHeight)).rounded(.towardZero))
            }
        }
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.resizedWidth = resizedWidth
        self.resizedHeight = resizedHeight
        self.top = pythonRound(Double(resizedHeight - inputHeight) / 2)
        self.left = pythonRound(Double(resizedWidth - inputWidth) / 2)
    }
}

/// Resize (Pillow bilinear, antialiased) then crop the centre: the classification predictor's preprocessing.
public func shortestEdgeCenterCrop(
    _ image: RGBImage, inputWidth: Int, inputHeight: Int
) -> (image: RGBImage, transform: CenterCropTransform) {
    let transform = CenterCropTransform(
        sourceWidth: image.width, sourceHeight: image.height, inputWidth: inputWidth, inputHeight: inputHeight)
    let resized = resizePillowBilinear(image, width: transform.resizedWidth, height: transform.resizedHeight)
    var out = RGBImage(width: inputWidth, height: inputHeight, fill: 0)
    let rowBytes = inputWidth * 3
    for y in 0..<inputHeight {
        let from = ((y + transform.top) * resized.width + transform.left) * 3
        out.pixels.replaceSubrange((y * rowBytes)..<((y + 1) * rowBytes), with: resized.pixels[from..<(from + rowBytes)])
    }
    return (out, transform)
}
