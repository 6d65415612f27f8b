package dev.edgepack.runtime.core

/**
 * cv2.resize(..., interpolation=cv2.INTER_LINEAR) on 8-bit RGB, byte for byte: OpenCV's fixed-point arithmetic
 * (11-bit weights computed in float32, a vectorised vertical pass) ported from the reference's resize.ts.
 */
internal object CvResize {
    private const val COEF_BITS = 11
    private const val COEF_SCALE = 1 shl COEF_BITS

    /** Hands each output row (RGB, width × 3 bytes, reused for the next row) to `sink`. */
    fun resizeRows(source: RgbImage, width: Int, height: Int, sink: (y: Int, row: ByteArray) -> Unit) {
        val rowLength = width * 3
        if (source.width == width && source.height == height) {
            val row = ByteArray(rowLength)
            for (y in 0 until height) sink(y, row.also { System.arraycopy(source.data, y * rowLength, it, 0, rowLength) })
            return
        }
        if (source.width == width * 2 && source.height == height * 2) return halveRows(source, sink)
        val columns = columnTaps(source.width, width)
        val rows = AxisTaps(source.height, height, clampWeights = false)
        val lastRow = source.height - 1
        var upper = IntArray(rowLength)
        var lower = IntArray(rowLength)
        var upperRow = -1
        var lowerRow = -1
        val out = ByteArray(rowLength)
        for (y in 0 until height) {
            val top = rows.index[y]
            val row0 = top.coerceIn(0, lastRow)
            val row1 = (top + 1).coerceIn(0, lastRow)
            if (row0 != upperRow) {
                if (row0 == lowerRow) {
                    upper = lower.also { lower = upper }
                    lowerRow = -1
                } else {
                    horizontalPass(source, row0, columns, upper)
                }
                upperRow = row0
            }
            if (row1 != lowerRow) {
                horizontalPass(source, row1, columns, lower)
                lowerRow = row1
            }
            val b0 = rows.weight0[y]
            val b1 = rows.weight1[y]
            for (i in 0 until rowLength) out[i] = verticalBlend(upper[i], lower[i], b0, b1).toByte()
            sink(y, out)
        }
    }

    /** OpenCV's VResizeLinearVec_32s8u: 16-bit high products, then a rounding shift (always within 0–255). */
    private fun verticalBlend(upper: Int, lower: Int, b0: Int, b1: Int): Int =
        ((((upper shr 4) * b0) shr 16) + (((lower shr 4) * b1) shr 16) + 2) shr 2

    /** Source index and fixed-point weights per destination coordinate, in float32 as OpenCV's resizeGeneric. */
    private class AxisTaps(sourceSize: Int, destSize: Int, clampWeights: Boolean) {
        val index = IntArray(destSize)
        val weight0 = IntArray(destSize)
        val weight1 = IntArray(destSize)

        init {
            val scale = 1.0 / (destSize.toDouble() / sourceSize)
            for (d in 0 until destSize) {
                var f = ((d + 0.5) * scale - 0.5).toFloat()
                var s = Math.floor(f.toDouble()).toInt()
                f = (f.toDouble() - s).toFloat()
                // Columns clamp their weights at the edges; rows keep them and clamp the row index instead.
                if (clampWeights && s < 0) {
                    f = 0f
                    s = 0
                }
                if (clampWeights && s >= sourceSize - 1) {
                    f = 0f
                    s = sourceSize - 1
                }
                index[d] = s
                weight0[d] = roundHalfEvenToShort(((1.0 - f).toFloat().toDouble() * COEF_SCALE).toFloat())
                weight1[d] = roundHalfEvenToShort((f.toDouble() * COEF_SCALE).toFloat())
            }
        }
    }

    /** cvRound for a float32 value: round half to even, saturated to a short. */
    private fun roundHalfEvenToShort(value: Float): Int = Math.rint(value.toDouble()).coerceIn(-32768.0, 32767.0).toInt()

    /** Per output pixel: byte offsets of both source taps within a row (right one clamped) and their weights. */
    private fun columnTaps(sourceWidth: Int, width: Int): IntArray {
        val xs = AxisTaps(sourceWidth, width, clampWeights = true)
        val taps = IntArray(width * 4)
        for (x in 0 until width) {
            val s = xs.index[x]
            taps[x * 4] = s * 3
            taps[x * 4 + 1] = (if (s < sourceWidth - 1) s + 1 else s) * 3
            taps[x * 4 + 2] = xs.weight0[x]
            taps[x * 4 + 3] = xs.weight1[x]
        }
        return taps
    }

    private fun horizontalPass(source: RgbImage, row: Int, taps: IntArray, into: IntArray) {
        val src = source.data
        val base = row * source.width * 3
        var o = 0
        var t = 0
        while (t < taps.size) {
            val s0 = base + taps[t]
            val s1 = base + taps[t + 1]
            val a0 = taps[t + 2]
            val a1 = taps[t + 3]
            for (c in 0 until 3) into[o + c] = (src[s0 + c].toInt() and 0xff) * a0 + (src[s1 + c].toInt() and 0xff) * a1
            o += 3
            t += 4
        }
    }

    /** OpenCV switches INTER_LINEAR to INTER_AREA for an exact 2× shrink: each pixel is its 2×2 block's mean. */
    private fun halveRows(source: RgbImage, sink: (y: Int, row: ByteArray) -> Unit) {
        val width = source.width / 2
        val stride = source.width * 3
        val src = source.data
        val out = ByteArray(width * 3)
        for (y in 0 until source.height / 2) {
            val rowStart = y * 2 * stride
            for (i in 0 until width * 3) {
                val s = rowStart + (i / 3) * 6 + i % 3
                val sum = (src[s].toInt() and 0xff) + (src[s + 3].toInt() and 0xff) +
                    (src[s + stride].toInt() and 0xff) + (src[s + stride + 3].toInt() and 0xff)
                out[i] = ((sum + 2) shr 2).toByte()
            }
            sink(y, out)
        }
    }
}
