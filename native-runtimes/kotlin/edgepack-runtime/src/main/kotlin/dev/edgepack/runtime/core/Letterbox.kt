package dev.edgepack.runtime.core

/** Where the photo sits in the model input (Ultralytics' LetterBox(auto=False, center=True)); maps boxes back too. */
class LetterboxPlacement(
    val sourceWidth: Int,
    val sourceHeight: Int,
    val inputWidth: Int,
    val inputHeight: Int,
    val resizedWidth: Int,
    val resizedHeight: Int,
    val top: Int,
    val bottom: Int,
    val left: Int,
    val right: Int,
) {
    companion object {
        /** LetterBox.get_params, including Python's rounding (scale-up allowed, as the predictor does). */
        fun of(sourceWidth: Int, sourceHeight: Int, inputWidth: Int, inputHeight: Int): LetterboxPlacement {
            val ratio = minOf(inputHeight.toDouble() / sourceHeight, inputWidth.toDouble() / sourceWidth)
            val resizedWidth = maxOf(pythonRound(sourceWidth * ratio), 1)
            val resizedHeight = maxOf(pythonRound(sourceHeight * ratio), 1)
            val dw = (inputWidth - resizedWidth) / 2.0
            val dh = (inputHeight - resizedHeight) / 2.0
            return LetterboxPlacement(
                sourceWidth, sourceHeight, inputWidth, inputHeight, resizedWidth, resizedHeight,
                top = pythonRound(dh - 0.1),
                bottom = pythonRound(dh + 0.1),
                left = pythonRound(dw - 0.1),
                right = pythonRound(dw + 0.1),
            )
        }
    }

    /** Ultralytics' scale_coords for one point: model-input pixels to the photo's, clipped to it. */
    fun toSource(x: Double, y: Double): DoubleArray {
        val gainX = resizedWidth.toDouble() / sourceWidth
        val gainY = resizedHeight.toDouble() / sourceHeight
        return doubleArrayOf(clamp((x - left) / gainX, sourceWidth.toDouble()), clamp((y - top) / gainY, sourceHeight.toDouble()))
    }

    private fun clamp(value: Double, max: Double): Double = if (value < 0) 0.0 else if (value > max) max else value
}

/** torchvision's Resize(size) + CenterCrop(size) as Ultralytics' classify_transforms builds them. */
class CenterCropPlacement(
    val resizedWidth: Int,
    val resizedHeight: Int,
    /** Crop offset inside the resized image. */
    val left: Int,
    val top: Int,
) {
    companion object {
        /** A square input resizes the shorter side (the longer truncated, as torchvision does); else resizes exactly. */
        fun of(sourceWidth: Int, sourceHeight: Int, inputWidth: Int, inputHeight: Int): CenterCropPlacement {
            var resizedWidth = inputWidth
            var resizedHeight = inputHeight
            if (inputWidth == inputHeight) {
                val size = inputHeight.toLong()
                if (sourceWidth <= sourceHeight) {
                    resizedHeight = (size * sourceHeight / sourceWidth).toInt()
                } else {
                    resizedWidth = (size * sourceWidth / sourceHeight).toInt()
                }
            }
            return CenterCropPlacement(
                resizedWidth, resizedHeight,
                left = pythonRound((resizedWidth - inputWidth) / 2.0),
                top = pythonRound((resizedHeight - inputHeight) / 2.0),
            )
        }
    }
}
