import dev.edgepack.runtime.core.DetectOptions
import dev.edgepack.runtime.core.Detect
import dev.edgepack.runtime.core.FloatTensor
import dev.edgepack.runtime.core.Json
import dev.edgepack.runtime.core.ModelMetadata
import dev.edgepack.runtime.core.Postprocess
import dev.edgepack.runtime.core.Preprocess
import dev.edgepack.runtime.core.predictionsToJson

/**
 * End-to-end outputs (a model that ran NMS itself: [1, max_det, 6 + extra] rows of x1, y1, x2, y2, score, class,
 * extras) made from a vector's own NMS result, with metadata.json saying `nms_applied`: the predictions must be the
 * vector's. No conformance model is end-to-end, so this is how that decoder is held to the reference.
 */
class EndToEndChecks(private val suite: Suite, private val v: Vector) {
    fun run() {
        val m = v.metadata
        val o = v.options
        val kept = Detect.decode(
            v.outputs[0],
            DetectOptions(o.conf!!, o.iou!!, o.maxDet!!, o.agnostic!!, o.classes, m.numClasses, endToEnd = false),
        )
        val width = 6 + (v.outputs[0].shape[1] - 4 - m.numClasses)
        val rows = o.maxDet + 2 // padded with empty rows, as an end-to-end head pads to max_det
        val data = FloatArray(rows * width)
        kept.forEachIndexed { r, d ->
            val row = floatArrayOf(d.box[0].toFloat(), d.box[1].toFloat(), d.box[2].toFloat(), d.box[3].toFloat(), d.score.toFloat(), d.classId.toFloat())
            System.arraycopy(row, 0, data, r * width, 6)
            System.arraycopy(d.extra, 0, data, r * width + 6, d.extra.size)
        }
        val outputs = listOf(FloatTensor(data, intArrayOf(1, rows, width))) + v.outputs.drop(1)
        val metadata = endToEndMetadata(v, outputs)
        val got = Postprocess.run(metadata, outputs, Preprocess.prepare(v.image, metadata), o)
        suite.equal("${v.name}: end-to-end rows", v.expectedPredictions, canonical(Json.parse(predictionsToJson(got))))
    }

    private fun endToEndMetadata(v: Vector, outputs: List<FloatTensor>): ModelMetadata {
        @Suppress("UNCHECKED_CAST")
        val doc = Json.parse(v.metadataText) as MutableMap<String, Any?>
        doc.remove("formats")
        @Suppress("UNCHECKED_CAST")
        val post = doc["postprocessing"] as MutableMap<String, Any?>
        @Suppress("UNCHECKED_CAST")
        (post["decoder"] as MutableMap<String, Any?>)["nms_applied"] = true
        @Suppress("UNCHECKED_CAST")
        (post["nms"] as MutableMap<String, Any?>)["embedded"] = true
        doc["outputs"] = outputs.mapIndexed { i, t -> mapOf("name" to "output$i", "shape" to t.shape.asList(), "dtype" to "float32") }
        return ModelMetadata.parse(Json.write(doc), v.metadataPath)
    }
}
