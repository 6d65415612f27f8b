package dev.edgepack.runtime.core

/** The model input made from a photo, and where the photo went (to map predictions back). */
class PreparedInput(
    val tensor: InputTensor,
    /** Letterbox placement (detect, segment, pose); null for a classifier's centre crop. */
    val letterbox: LetterboxPlacement?,
    /** Centre crop (classify); null for a letterbox. */
    val centerCrop: CenterCropPlacement?,
    val sourceWidth: Int,
    val sourceHeight: Int,
)

/** Pre-processing as metadata.json says: letterbox (cv2-exact) or shortest edge + centre crop (Pillow-exact). */
object Preprocess {
    fun prepare(image: RgbImage, metadata: ModelMetadata, layout: Layout = metadata.inputLayout): PreparedInput {
        val width = metadata.inputWidth
        val height = metadata.inputHeight
        val tensor = InputTensor(width, height, layout, metadata.preprocessing)
        if (metadata.preprocessing.resize == ResizeMode.SHORTEST_EDGE_CENTER_CROP) {
            val crop = CenterCropPlacement.of(image.width, image.height, width, height)
            val cropped = PilResize.resize(image, crop.resizedWidth, crop.resizedHeight, crop.left, crop.top, width, height)
            tensor.row(cropped.data, 0, width * height, 0)
            return PreparedInput(tensor, null, crop, image.width, image.height)
        }
        val placement = LetterboxPlacement.of(image.width, image.height, width, height)
        tensor.fill(metadata.preprocessing.padValue)
        CvResize.resizeRows(image, placement.resizedWidth, placement.resizedHeight) { y, row ->
            tensor.row(row, 0, placement.resizedWidth, (y + placement.top) * width + placement.left)
        }
        return PreparedInput(tensor, placement, null, image.width, image.height)
    }
}
