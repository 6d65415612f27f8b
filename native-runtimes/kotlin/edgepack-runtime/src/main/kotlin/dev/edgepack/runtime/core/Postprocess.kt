package dev.edgepack.runtime.core

/**
 * Everything after inference, per task, in the photo's pixels (the reference's postprocess.ts): decoding, NMS,
 * masks, keypoints, top-k — every constant from metadata.json. Outputs are in the model's order, as float32.
 */
object Postprocess {
    fun run(metadata: ModelMetadata, outputs: List<FloatTensor>, input: PreparedInput, options: PostprocessOptions = PostprocessOptions()): List<Prediction> {
        OutputCheck.check(metadata, outputs)
        if (metadata.task == Task.CLASSIFY) {
            val probabilities = Classify.probabilities(outputs[0].data)
            return Classify.topK(probabilities, options.topK, options.classes).map { (id, score) ->
                ClassPrediction(className(metadata, id), id, roundTo(score, 5))
            }
        }
        val placement = input.letterbox ?: throw IllegalArgumentException("a ${metadata.task.name.lowercase()} model's input is letterboxed")
        val detections = Detect.decode(
            outputs[0],
            DetectOptions(
                conf = options.conf ?: metadata.nms.conf,
                iou = options.iou ?: metadata.nms.iou,
                maxDet = options.maxDet ?: metadata.nms.maxDet,
                agnostic = options.agnostic ?: metadata.nms.agnostic,
                classes = options.classes,
                numClasses = metadata.numClasses,
                endToEnd = metadata.endToEnd,
            ),
        )
        val prototypes = if (metadata.task == Task.SEGMENT) outputs[1] else null
        val predictions = ArrayList<Prediction>()
        for (d in detections) {
            val (x1, y1) = placement.toSource(d.box[0], d.box[1]).let { it[0] to it[1] }
            val (x2, y2) = placement.toSource(d.box[2], d.box[3]).let { it[0] to it[1] }
            val bbox = doubleArrayOf(pixel(x1), pixel(y1), pixel(x2), pixel(y2))
            var mask: Mask? = null
            if (prototypes != null) {
                val instance = Segment.instanceMask(prototypes, d.extra, d.box, metadata.inputWidth, metadata.inputHeight) ?: continue
                mask = Segment.toSource(instance, placement)
            }
            val keypoints = metadata.keypointShape?.let { keypoints(d.extra, it, placement) }
            predictions.add(
                Detection(className(metadata, d.classId), d.classId, roundTo(d.score, 5), bbox, prototypes != null, mask, keypoints),
            )
        }
        return predictions
    }

    /** A pose detection's keypoints (x, y[, visibility] per point, model-input pixels) in the photo's pixels. */
    private fun keypoints(values: FloatArray, shape: IntArray, placement: LetterboxPlacement): List<Keypoint> =
        (0 until shape[0]).map { k ->
            val at = k * shape[1]
            val point = placement.toSource(values[at].toDouble(), values[at + 1].toDouble())
            Keypoint(pixel(point[0]), pixel(point[1]), if (shape[1] >= 3) roundTo(values[at + 2].toDouble(), 4) else null)
        }

    private fun className(metadata: ModelMetadata, id: Int): String = metadata.names.getOrNull(id) ?: id.toString()

    /** Photo coordinates to 0.01 px. */
    private fun pixel(value: Double): Double = roundTo(value, 2)
}
