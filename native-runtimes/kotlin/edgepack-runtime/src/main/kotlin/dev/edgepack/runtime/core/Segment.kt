package dev.edgepack.runtime.core

/** A binary instance mask in model-input pixels over the rectangle its box covers (1 inside, row-major). */
internal class InstanceMask(val x: Int, val y: Int, val width: Int, val height: Int, val data: ByteArray)

/** Masks from prototypes, as Ultralytics' process_mask(upsample=True), carried to the photo (the reference's segment.ts). */
internal object Segment {
    /**
     * Coefficients × prototypes, bilinear upsampling to the model input (PyTorch's align_corners=False, float32),
     * > 0, cropped to the box; only the box's pixels computed. Null when nothing of the instance is left.
     */
    fun instanceMask(prototypes: FloatTensor, coefficients: FloatArray, box: DoubleArray, inputWidth: Int, inputHeight: Int): InstanceMask? {
        val protoHeight = prototypes.shape[2]
        val protoWidth = prototypes.shape[3]
        val plane = protoHeight * protoWidth
        val low = FloatArray(plane)
        for (c in coefficients.indices) {
            val k = coefficients[c].toDouble()
            val offset = c * plane
            for (p in 0 until plane) low[p] = (low[p] + k * prototypes.data[offset + p]).toFloat()
        }
        val x0 = maxOf(0, Math.ceil(box[0]).toInt())
        val y0 = maxOf(0, Math.ceil(box[1]).toInt())
        val x1 = minOf(inputWidth, Math.ceil(box[2]).toInt())
        val y1 = minOf(inputHeight, Math.ceil(box[3]).toInt())
        val width = maxOf(0, x1 - x0)
        val height = maxOf(0, y1 - y0)
        if (width == 0 || height == 0) return null
        val columns = AxisSamples(protoWidth, inputWidth, x0, width)
        val rows = AxisSamples(protoHeight, inputHeight, y0, height)
        val data = ByteArray(width * height)
        var any = false
        for (r in 0 until height) {
            val top = rows.first[r] * protoWidth
            val bottom = rows.second[r] * protoWidth
            val wy0 = rows.weight0[r].toDouble()
            val wy1 = rows.weight1[r].toDouble()
            for (c in 0 until width) {
                val left = columns.first[c]
                val right = columns.second[c]
                val wx0 = columns.weight0[c].toDouble()
                val wx1 = columns.weight1[c].toDouble()
                val value = wy0 * (wx0 * low[top + left] + wx1 * low[top + right]) +
                    wy1 * (wx0 * low[bottom + left] + wx1 * low[bottom + right])
                if (value > 0) {
                    data[r * width + c] = 1
                    any = true
                }
            }
        }
        return if (any) InstanceMask(x0, y0, width, height, data) else null
    }

    /** Source indices and weights of PyTorch's upsample_bilinear2d (align_corners=False) for outputs [from, from + n). */
    private class AxisSamples(inSize: Int, outSize: Int, from: Int, n: Int) {
        val first = IntArray(n)
        val second = IntArray(n)
        val weight0 = FloatArray(n)
        val weight1 = FloatArray(n)

        init {
            val scale = (inSize.toDouble() / outSize).toFloat()
            for (i in 0 until n) {
                var source = (scale * (from + i + 0.5) - 0.5).toFloat()
                if (source < 0) source = 0f
                val index = source.toInt()
                val lambda = (source.toDouble() - index).toFloat()
                first[i] = index
                second[i] = if (index < inSize - 1) index + 1 else index
                weight0[i] = (1.0 - lambda).toFloat()
                weight1[i] = lambda
            }
        }
    }

    /**
     * Photo pixel (u, v) is inside when the input pixel its centre falls on is (nearest neighbour through the
     * letterbox); run-length encoded row by row. Null when no photo pixel lands on the mask.
     */
    fun toSource(mask: InstanceMask, placement: LetterboxPlacement): Mask? {
        val columns = sourceSpan(mask.x, mask.width, placement.left, placement.resizedWidth.toDouble() / placement.sourceWidth, placement.sourceWidth)
        val rows = sourceSpan(mask.y, mask.height, placement.top, placement.resizedHeight.toDouble() / placement.sourceHeight, placement.sourceHeight)
        if (columns.indices.isEmpty() || rows.indices.isEmpty()) return null
        val runs = ArrayList<Int>()
        var bit = 0
        var length = 0
        var rowRuns = IntArray(0)
        var lastInputRow = -1
        for (inputRow in rows.indices) {
            if (inputRow != lastInputRow) {
                rowRuns = sampledRowRuns(mask, inputRow, columns.indices)
                lastInputRow = inputRow
            }
            rowRuns.forEachIndexed { i, n ->
                if (n == 0) return@forEachIndexed
                if (i % 2 == bit) {
                    length += n
                } else {
                    runs.add(length)
                    bit = i % 2
                    length = n
                }
            }
        }
        runs.add(length)
        return Mask(columns.first, rows.first, columns.indices.size, rows.indices.size, runs)
    }

    /** Run lengths (starting with 0s) of one input row of a mask, sampled at the given columns. */
    private fun sampledRowRuns(mask: InstanceMask, inputRow: Int, columns: List<Int>): IntArray {
        val row = inputRow * mask.width
        val runs = ArrayList<Int>()
        var bit = 0
        var length = 0
        for (c in columns) {
            val value = mask.data[row + c].toInt()
            if (value == bit) {
                length++
            } else {
                runs.add(length)
                bit = value
                length = 1
            }
        }
        runs.add(length)
        return runs.toIntArray()
    }

    private class Span(val first: Int, val indices: List<Int>)

    /** Photo positions whose centres land in [from, from + size) of the input, and where in it they land. */
    private fun sourceSpan(from: Int, size: Int, offset: Int, scale: Double, sourceSize: Int): Span {
        val start = maxOf(0, Math.floor((from - offset) / scale - 0.5).toInt() - 1)
        val end = minOf(sourceSize, Math.ceil((from + size - offset) / scale - 0.5).toInt() + 1)
        val indices = ArrayList<Int>()
        var first = -1
        for (u in start until end) {
            val at = Math.floor(offset + (u + 0.5) * scale).toInt() - from
            if (at < 0 || at >= size) continue
            if (first < 0) first = u
            indices.add(at)
        }
        return Span(first, indices)
    }
}
