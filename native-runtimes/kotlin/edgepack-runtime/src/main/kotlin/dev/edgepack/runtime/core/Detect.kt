package dev.edgepack.runtime.core

/** A model output as float32, C order, with its shape. */
class FloatTensor(val data: FloatArray, val shape: IntArray) {
    init {
        require(shape.fold(1L) { n, d -> n * d } == data.size.toLong()) {
            "shape ${shape.contentToString()} does not hold ${data.size} values"
        }
    }
}

/** A box [x1, y1, x2, y2] in model-input pixels, its score and class, and its extra channels (mask coefficients or keypoints). */
class RawDetection(val box: DoubleArray, val score: Double, val classId: Int, val extra: FloatArray)

class DetectOptions(
    /** Keep boxes whose best class score is strictly above this (Ultralytics' `conf`). */
    val conf: Double,
    val iou: Double,
    val maxDet: Int,
    val agnostic: Boolean,
    /** Keep only these class ids (null: all). */
    val classes: Set<Int>?,
    val numClasses: Int,
    val endToEnd: Boolean,
)

/** Ultralytics' detection heads: [1, 4 + nc + extra, anchors] through NMS, or end-to-end [1, N, 6 + extra] rows. */
internal object Detect {
    /** Ultralytics caps the boxes entering NMS at this many, highest scores first. */
    private const val MAX_NMS_INPUT = 30_000

    fun decode(output: FloatTensor, options: DetectOptions): List<RawDetection> {
        val endToEnd = options.endToEnd || output.shape[2] == 6
        return if (endToEnd) decodeEndToEnd(output, options) else decodeAnchors(output, options)
    }

    private fun decodeAnchors(output: FloatTensor, options: DetectOptions): List<RawDetection> {
        val data = output.data
        val channels = output.shape[1]
        val anchors = output.shape[2]
        val numClasses = options.numClasses
        val extraCount = channels - 4 - numClasses
        var candidates = ArrayList<RawDetection>()
        for (a in 0 until anchors) {
            var best = Float.NEGATIVE_INFINITY
            var bestClass = 0
            for (c in 0 until numClasses) {
                val score = data[(4 + c) * anchors + a]
                if (score > best) {
                    best = score
                    bestClass = c
                }
            }
            if (!(best > options.conf)) continue
            if (options.classes != null && bestClass !in options.classes) continue
            val extra = FloatArray(extraCount) { data[(4 + numClasses + it) * anchors + a] }
            val box = xywhToXyxy(data[a].toDouble(), data[anchors + a].toDouble(), data[2 * anchors + a].toDouble(), data[3 * anchors + a].toDouble())
            candidates.add(RawDetection(box, best.toDouble(), bestClass, extra))
        }
        if (candidates.size > MAX_NMS_INPUT) {
            candidates = ArrayList(candidates.sortedByDescending { it.score }.subList(0, MAX_NMS_INPUT))
        }
        return Nms.suppress(candidates, options.iou, options.agnostic, options.maxDet)
    }

    private fun decodeEndToEnd(output: FloatTensor, options: DetectOptions): List<RawDetection> {
        val data = output.data
        val rows = output.shape[1]
        val width = output.shape[2]
        val detections = ArrayList<RawDetection>()
        var r = 0
        while (r < rows && detections.size < options.maxDet) {
            val o = r * width
            r++
            val score = data[o + 4].toDouble()
            val classId = jsRound(data[o + 5].toDouble()).toInt()
            if (!(score > options.conf)) continue
            if (options.classes != null && classId !in options.classes) continue
            val box = DoubleArray(4) { data[o + it].toDouble() }
            detections.add(RawDetection(box, score, classId, data.copyOfRange(o + 6, o + width)))
        }
        return detections
    }

    private fun xywhToXyxy(cx: Double, cy: Double, w: Double, h: Double): DoubleArray {
        val halfW = w / 2
        val halfH = h / 2
        return doubleArrayOf(cx - halfW, cy - halfH, cx + halfW, cy + halfH)
    }
}

/** Greedy NMS as torchvision.ops.nms with Ultralytics' per-class offset (the reference's nms.ts). */
internal object Nms {
    /** Boxes of different classes are moved this far apart so they never overlap. */
    private const val CLASS_OFFSET = 7680.0

    /** Kept candidates in descending score order (ties: input order), at most `maxDet`. */
    fun suppress(candidates: List<RawDetection>, iouThreshold: Double, agnostic: Boolean, maxDet: Int): List<RawDetection> {
        val order = candidates.withIndex()
            .sortedWith(compareByDescending<IndexedValue<RawDetection>> { it.value.score }.thenBy { it.index })
            .map { it.value }
        val shifted = order.map { d ->
            val offset = if (agnostic) 0.0 else d.classId * CLASS_OFFSET
            if (agnostic) d.box else DoubleArray(4) { d.box[it] + offset }
        }
        val suppressed = BooleanArray(order.size)
        val kept = ArrayList<RawDetection>()
        var i = 0
        while (i < order.size && kept.size < maxDet) {
            if (!suppressed[i]) {
                kept.add(order[i])
                for (j in i + 1 until order.size) {
                    if (!suppressed[j] && iou(shifted[i], shifted[j]) > iouThreshold) suppressed[j] = true
                }
            }
            i++
        }
        return kept
    }

    private fun area(b: DoubleArray): Double = maxOf(0.0, b[2] - b[0]) * maxOf(0.0, b[3] - b[1])

    private fun iou(a: DoubleArray, b: DoubleArray): Double {
        val width = minOf(a[2], b[2]) - maxOf(a[0], b[0])
        val height = minOf(a[3], b[3]) - maxOf(a[1], b[1])
        if (width <= 0 || height <= 0) return 0.0
        val intersection = width * height
        return intersection / (area(a) + area(b) - intersection)
    }
}
