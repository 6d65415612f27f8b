package dev.edgepack.runtime.core

/** An 8-bit, 3-channel, row-major RGB image (HWC), as cv2.imread's pixels after BGR → RGB. */
class RgbImage(val width: Int, val height: Int, val data: ByteArray) {
    init {
        require(width > 0 && height > 0) { "an image needs at least one pixel (got ${width}×$height)" }
        require(data.size == width * height * 3) { "${width}×$height RGB needs ${width * height * 3} bytes, got ${data.size}" }
    }

    companion object {
        /** From packed ARGB ints (Android's Bitmap.getPixels, java.awt's getRGB); alpha is dropped. */
        fun fromArgb(pixels: IntArray, width: Int, height: Int): RgbImage {
            if (width <= 0 || height <= 0 || pixels.size < width * height) {
                throw EdgepackError(
                    EdgepackError.INVALID_IMAGE,
                    "The image is ${width}×$height with ${pixels.size} pixels given.",
                    "Pass a decoded, non-empty image.",
                )
            }
            val data = ByteArray(width * height * 3)
            for (i in 0 until width * height) {
                val p = pixels[i]
                data[i * 3] = (p shr 16).toByte()
                data[i * 3 + 1] = (p shr 8).toByte()
                data[i * 3 + 2] = p.toByte()
            }
            return RgbImage(width, height, data)
        }
    }
}
