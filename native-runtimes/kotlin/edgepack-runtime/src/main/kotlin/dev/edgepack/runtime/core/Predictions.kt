package dev.edgepack.runtime.core

/**
 * The one prediction vocabulary of Edgepack (`class`, `class_id`, `confidence`, `bbox`, `mask`, `keypoints`), with
 * the reference's rounding: confidence to 5 decimals, photo coordinates to 0.01 px, keypoint visibility to 4.
 */
sealed interface Prediction {
    val className: String
    val classId: Int
    val confidence: Double

    /** The object as `edgepack predict --json` writes it (key order included). */
    fun toJson(): Map<String, Any?>
}

/** A class of a classifier's top-k. */
class ClassPrediction(override val className: String, override val classId: Int, override val confidence: Double) : Prediction {
    override fun toJson(): Map<String, Any?> = linkedMapOf("class" to className, "class_id" to classId, "confidence" to confidence)
}

/**
 * A binary mask over the photo's rectangle [x, y, width, height]; `runs` alternate runs of 0s and 1s, row by row,
 * starting with 0s (possibly an empty run).
 */
class Mask(val x: Int, val y: Int, val width: Int, val height: Int, val runs: List<Int>) {
    fun toJson(): Map<String, Any?> = linkedMapOf("x" to x, "y" to y, "width" to width, "height" to height, "runs" to runs)
}

/** [x, y, visibility] in the photo's pixels; visibility null for 2-value keypoints. */
class Keypoint(val x: Double, val y: Double, val visibility: Double?)

/** An object found by a detect, segment or pose model; bbox [x1, y1, x2, y2] in the photo's pixels. */
class Detection(
    override val className: String,
    override val classId: Int,
    override val confidence: Double,
    val bbox: DoubleArray,
    /** Segment only: whether the model has masks at all (a null `mask` then means it lies in the padding). */
    val hasMask: Boolean = false,
    val mask: Mask? = null,
    val keypoints: List<Keypoint>? = null,
) : Prediction {
    override fun toJson(): Map<String, Any?> {
        val json = linkedMapOf<String, Any?>("class" to className, "class_id" to classId, "confidence" to confidence, "bbox" to bbox.asList())
        if (hasMask) json["mask"] = mask?.toJson()
        if (keypoints != null) json["keypoints"] = keypoints.map { listOf(it.x, it.y, it.visibility) }
        return json
    }
}

/** Thresholds and filters; anything left null is metadata.json's default (`postprocessing.nms`). */
class PostprocessOptions(
    val conf: Double? = null,
    val iou: Double? = null,
    val maxDet: Int? = null,
    val agnostic: Boolean? = null,
    /** Keep only these class ids. */
    val classes: Set<Int>? = null,
    /** Classification: how many classes to list. */
    val topK: Int = 5,
)

/** A list of predictions as JSON, as `edgepack predict --json` prints its `predictions`. */
fun predictionsToJson(predictions: List<Prediction>): String = Json.write(predictions.map { it.toJson() })
