import dev.edgepack.runtime.core.FloatTensor
import dev.edgepack.runtime.core.Json
import dev.edgepack.runtime.core.ModelMetadata
import dev.edgepack.runtime.core.Task

/**
 * A vector as Edgepack's TFLite export would present it (trainers/ultralytics/formats/tflite.py): an NHWC input,
 * mask prototypes NHWC and listed first, box (and keypoint x/y) channels divided by the input size; and the
 * export's metadata.json with the TFLite document under `formats`.
 */
object TfliteShapes {
    fun metadata(v: Vector): ModelMetadata = ModelMetadata.parse(metadataText(v), v.metadataPath, "tflite")

    /** The export's metadata.json text: the ONNX document at the top, the TFLite one under `formats`. */
    fun metadataText(v: Vector): String {
        @Suppress("UNCHECKED_CAST")
        val onnx = LinkedHashMap(Json.parse(v.metadataText) as Map<String, Any?>).apply { remove("formats") }
        val m = v.metadata
        val tflite = LinkedHashMap(onnx)
        tflite["format"] = "tflite"
        tflite["model_file"] = "model.tflite"
        tflite["input"] = linkedMapOf("name" to "serving_default_images:0", "shape" to listOf(1, m.inputHeight, m.inputWidth, 3), "dtype" to "float32", "layout" to "NHWC")
        tflite["outputs"] = outputs(v).map { (name, t) -> linkedMapOf("name" to name, "shape" to t.shape.asList(), "dtype" to "float32") }
        val export = LinkedHashMap(onnx).apply { put("formats", linkedMapOf("onnx" to onnx, "tflite" to tflite)) }
        return Json.write(export)
    }

    fun replay(v: Vector): ReplayInterpreter {
        val m = v.metadata
        val input = ReplayTensor("serving_default_images:0", intArrayOf(1, m.inputHeight, m.inputWidth, 3))
        return ReplayInterpreter(input, outputs(v).map { (name, t) -> ReplayTensor(name, t.shape) to t.data })
    }

    /** The recorded outputs in TFLite's shapes and order (prototypes first). */
    private fun outputs(v: Vector): List<Pair<String, FloatTensor>> =
        v.outputs.mapIndexed { i, t ->
            "StatefulPartitionedCall:$i" to when {
                t.shape.size == 4 -> nchwToNhwc(t)
                t.shape.size == 3 -> divideCoordinates(t, v.metadata)
                else -> t
            }
        }.sortedBy { it.second.shape.size != 4 }

    private fun nchwToNhwc(t: FloatTensor): FloatTensor {
        val (c, h, w) = Triple(t.shape[1], t.shape[2], t.shape[3])
        val out = FloatArray(t.data.size)
        for (ch in 0 until c) for (y in 0 until h) for (x in 0 until w) out[(y * w + x) * c + ch] = t.data[(ch * h + y) * w + x]
        return FloatTensor(out, intArrayOf(1, h, w, c))
    }

    fun nhwcToNchw(data: FloatArray, h: Int, w: Int): FloatArray {
        val out = FloatArray(data.size)
        for (y in 0 until h) for (x in 0 until w) for (ch in 0 until 3) out[(ch * h + y) * w + x] = data[(y * w + x) * 3 + ch]
        return out
    }

    /** What Ultralytics' LiteRT export does to the predictions: box and keypoint x/y channels ÷ the input size. */
    private fun divideCoordinates(t: FloatTensor, m: ModelMetadata): FloatTensor {
        val anchors = t.shape[2]
        val size = m.inputHeight.toFloat()
        val kptStart = 4 + m.numClasses
        val perPoint = m.keypointShape?.get(1) ?: 0
        val out = t.data.copyOf()
        for (ch in 0 until t.shape[1]) {
            val coordinate = ch < 4 || (m.task == Task.POSE && ch >= kptStart && (ch - kptStart) % perPoint < 2)
            if (coordinate) for (a in 0 until anchors) out[ch * anchors + a] = out[ch * anchors + a] / size
        }
        return FloatTensor(out, t.shape)
    }
}
