package dev.edgepack.runtime.core

/**
 * Pillow's Image.resize(size, Image.BILINEAR) on 8-bit RGB, bit for bit (the reference's resize-pil.ts, plain integer
 * path): antialiasing "triangle" taps in 22-bit fixed point, two passes each rounded to bytes, the vertical pass first
 * where Pillow 13 runs it first. Given a region, computes only that rectangle of the resized image (a centre crop).
 */
internal object PilResize {
    private const val PRECISION_BITS = 22
    private const val ONE = 1 shl PRECISION_BITS
    private const val HALF = 1 shl (PRECISION_BITS - 1)

    /** One axis's taps: first source index, count and `stride` fixed-point weights per output index. */
    private class Taps(val start: IntArray, val count: IntArray, val weights: IntArray, val stride: Int) {
        /** Source indices [first, last) that output indices [from, from + n) read. */
        fun span(from: Int, n: Int): IntArray {
            var lo = Int.MAX_VALUE
            var hi = 0
            for (i in from until from + n) {
                lo = minOf(lo, start[i])
                hi = maxOf(hi, start[i] + count[i])
            }
            return intArrayOf(lo, hi)
        }
    }

    /** precompute_coeffs + normalize_coeffs_8bpc for the bilinear filter; doubles throughout, as in C. */
    private fun taps(inSize: Int, outSize: Int): Taps {
        val scale = inSize.toDouble() / outSize
        val support = maxOf(scale, 1.0)
        val inverse = 1.0 / support
        val stride = Math.ceil(support).toInt() * 2 + 1
        val start = IntArray(outSize)
        val count = IntArray(outSize)
        val weights = IntArray(outSize * stride)
        val raw = DoubleArray(stride)
        for (out in 0 until outSize) {
            val center = (out + 0.5) * scale
            val min = maxOf(truncate(center - support + 0.5), 0)
            val max = minOf(truncate(center + support + 0.5), inSize) - min
            var total = 0.0
            for (k in 0 until max) {
                val distance = Math.abs((k + min - center + 0.5) * inverse)
                raw[k] = if (distance < 1) 1 - distance else 0.0
                total += raw[k]
            }
            for (k in 0 until max) {
                val w = if (total != 0.0) raw[k] / total else raw[k]
                weights[out * stride + k] = (if (w < 0) -0.5 + w * ONE else 0.5 + w * ONE).toLong().toInt()
            }
            start[out] = min
            count[out] = max
        }
        return Taps(start, count, weights, stride)
    }

    private fun truncate(v: Double): Int = v.toLong().toInt()

    private fun clip8(value: Int): Byte =
        (if (value <= 0) 0 else if (value.toLong() >= ONE.toLong() * 256) 255 else value shr PRECISION_BITS).toByte()

    /** The rectangle [left, left + w) × [top, top + h) of `source` resized to width × height. */
    fun resize(source: RgbImage, width: Int, height: Int, left: Int, top: Int, w: Int, h: Int): RgbImage {
        require(w >= 1 && h >= 1 && left >= 0 && top >= 0 && left + w <= width && top + h <= height) {
            "region $left,$top ${w}×$h is not inside ${width}×$height"
        }
        val horizontal = if (width != source.width) taps(source.width, width) else null
        val vertical = if (height != source.height) taps(source.height, height) else null
        val stride = source.width * 3
        // Pillow 13 runs the vertical pass first when the height shrinks by more than twice what the width shrinks by.
        val shrinkY = source.height - height
        val data = when {
            horizontal != null && vertical != null && shrinkY > 0 && shrinkY > 2 * (source.width - width) -> {
                val (cols0, cols1) = horizontal.span(left, w).let { it[0] to it[1] }
                val columns = cols1 - cols0
                val mid = verticalPass(source.data, cols0 * 3, stride, columns * 3, vertical, top, h, 0)
                horizontalPass(mid, 0, columns * 3, h, horizontal, left, w, cols0)
            }
            horizontal != null && vertical != null -> {
                val (rows0, rows1) = vertical.span(top, h).let { it[0] to it[1] }
                val mid = horizontalPass(source.data, rows0 * stride, stride, rows1 - rows0, horizontal, left, w, 0)
                verticalPass(mid, 0, w * 3, w * 3, vertical, top, h, rows0)
            }
            horizontal != null -> horizontalPass(source.data, top * stride, stride, h, horizontal, left, w, 0)
            vertical != null -> verticalPass(source.data, left * 3, stride, w * 3, vertical, top, h, 0)
            else -> crop(source, left, top, w, h)
        }
        return RgbImage(w, h, data)
    }

    private fun crop(source: RgbImage, left: Int, top: Int, w: Int, h: Int): ByteArray {
        val out = ByteArray(w * h * 3)
        for (y in 0 until h) System.arraycopy(source.data, ((top + y) * source.width + left) * 3, out, y * w * 3, w * 3)
        return out
    }

    /** Output columns [x0, x0 + count) over `rows` rows of `src`; source columns counted from `colOffset`. */
    private fun horizontalPass(
        src: ByteArray, srcOffset: Int, srcStride: Int, rows: Int, t: Taps, x0: Int, count: Int, colOffset: Int,
    ): ByteArray {
        val out = ByteArray(count * rows * 3)
        var o = 0
        for (y in 0 until rows) {
            val row = srcOffset + y * srcStride
            for (x in x0 until x0 + count) {
                var r = HALF
                var g = HALF
                var b = HALF
                var at = row + (t.start[x] - colOffset) * 3
                for (k in x * t.stride until x * t.stride + t.count[x]) {
                    val w = t.weights[k]
                    r += (src[at].toInt() and 0xff) * w
                    g += (src[at + 1].toInt() and 0xff) * w
                    b += (src[at + 2].toInt() and 0xff) * w
                    at += 3
                }
                out[o++] = clip8(r)
                out[o++] = clip8(g)
                out[o++] = clip8(b)
            }
        }
        return out
    }

    /** Output rows [y0, y0 + count), `rowBytes` each, from `src`; source rows counted from `rowOffset`. */
    private fun verticalPass(
        src: ByteArray, srcOffset: Int, srcStride: Int, rowBytes: Int, t: Taps, y0: Int, count: Int, rowOffset: Int,
    ): ByteArray {
        val out = ByteArray(rowBytes * count)
        val sums = IntArray(rowBytes)
        var o = 0
        for (y in y0 until y0 + count) {
            sums.fill(HALF)
            for (k in 0 until t.count[y]) {
                val w = t.weights[y * t.stride + k]
                var s = srcOffset + (t.start[y] + k - rowOffset) * srcStride
                for (i in 0 until rowBytes) sums[i] += (src[s++].toInt() and 0xff) * w
            }
            for (i in 0 until rowBytes) out[o + i] = clip8(sums[i])
            o += rowBytes
        }
        return out
    }
}
