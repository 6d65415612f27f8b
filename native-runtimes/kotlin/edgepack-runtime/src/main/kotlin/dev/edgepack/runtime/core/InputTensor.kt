package dev.edgepack.runtime.core

/**
 * A float32 input tensor (batch of one) written from RGB pixels, in NCHW (ONNX, the vectors) or NHWC (TFLite).
 * Each of the 256 values per channel is normalised once into a table, as metadata.json's `preprocessing` says.
 */
class InputTensor(val width: Int, val height: Int, val layout: Layout, norm: Preprocessing) {
    val data = FloatArray(width * height * 3)
    private val table = FloatArray(3 * 256)

    /** Output channel of source channel R, G, B (BGR models take them reversed). */
    private val channelOf = IntArray(3) { if (norm.bgr) 2 - it else it }

    init {
        // Division, not multiplication by 1/255, so values equal torch's `im / 255` bit for bit.
        val divisor = if (Math.abs(norm.scale - 1.0 / 255) < 1e-12) 255.0 else 1.0 / norm.scale
        val plain = norm.mean.all { it == 0.0 } && norm.std.all { it == 1.0 }
        for (source in 0 until 3) {
            val c = channelOf[source]
            for (v in 0 until 256) {
                val value = v / divisor
                table[source * 256 + v] = (if (plain) value else (value - norm.mean[c]) / norm.std[c]).toFloat()
            }
        }
    }

    /** Index of (channel, pixel position y × width + x) in `data`. */
    private fun index(channel: Int, position: Int): Int =
        if (layout == Layout.NCHW) channel * width * height + position else position * 3 + channel

    /** Every pixel set to grey `value` (the letterbox padding). */
    fun fill(value: Int) {
        for (position in 0 until width * height) {
            for (source in 0 until 3) data[index(channelOf[source], position)] = table[source * 256 + value]
        }
    }

    /** `count` RGB pixels from `pixels` (from byte `offset`) written at pixel position `at` (y × width + x). */
    fun row(pixels: ByteArray, offset: Int, count: Int, at: Int) {
        for (i in 0 until count) {
            for (source in 0 until 3) {
                val byte = pixels[offset + i * 3 + source].toInt() and 0xff
                data[index(channelOf[source], at + i)] = table[source * 256 + byte]
            }
        }
    }

    /** The tensor's little-endian bytes (what the vectors' `input.sha256` is of). */
    fun littleEndianBytes(): ByteArray {
        val buffer = java.nio.ByteBuffer.allocate(data.size * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        buffer.asFloatBuffer().put(data)
        return buffer.array()
    }
}
