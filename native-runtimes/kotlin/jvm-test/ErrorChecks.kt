import android.content.res.AssetManager
import dev.edgepack.runtime.ModelWrapper
import dev.edgepack.runtime.core.EdgepackError
import dev.edgepack.runtime.core.FloatTensor
import dev.edgepack.runtime.core.Json
import dev.edgepack.runtime.core.ModelMetadata
import dev.edgepack.runtime.core.OutputCheck
import dev.edgepack.runtime.core.Postprocess
import dev.edgepack.runtime.core.Preprocess
import dev.edgepack.runtime.core.RgbImage
import java.io.File
import java.nio.file.Files

/** Bad input, each a clear error: metadata.json missing a field or broken, outputs that are not the metadata's model. */
class ErrorChecks(private val suite: Suite, private val vectors: List<Vector>) {
    private val META = EdgepackError.INVALID_MODEL_METADATA
    private val OUTPUT = EdgepackError.UNSUPPORTED_MODEL_OUTPUT

    fun run() {
        val detect = vectors.first { it.task == "detect" }
        missingFields(detect)
        suite.expectError("metadata.json not JSON", META, "models/detect/metadata.json", "not valid JSON") {
            ModelMetadata.parse(detect.metadataText.dropLast(2), "models/detect/metadata.json")
        }
        suite.expectError("metadata.json of another format", META, "no tflite model") {
            ModelMetadata.parse(detect.metadataText, "metadata.json", "tflite")
        }
        suite.expectError("num_classes against names", META, "postprocessing.decoder.num_classes") {
            ModelMetadata.parse(edit(detect) { it.put("names", listOf("only")) }, "metadata.json")
        }
        mismatchedOutputs(detect)
        wrapperRefusals(detect)
        suite.expectError("an empty image", EdgepackError.INVALID_IMAGE, "0×0") { RgbImage.fromArgb(IntArray(0), 0, 0) }
    }

    /** Each required field removed in turn: the error names the file and the field's path. */
    private fun missingFields(v: Vector) {
        val fields = listOf(
            "task", "names", "format", "model_file", "input.shape", "input.layout", "preprocessing.scale", "preprocessing.mean",
            "preprocessing.std", "preprocessing.color_order", "preprocessing.resize.mode", "preprocessing.resize.pad_value",
            "postprocessing.decoder.type", "postprocessing.decoder.num_classes", "postprocessing.nms.conf",
            "postprocessing.nms.iou", "postprocessing.nms.max_det", "postprocessing.nms.agnostic", "postprocessing.nms.embedded", "outputs",
        )
        for (path in fields) {
            suite.expectError("metadata.json without $path", META, "models/detect/metadata.json", "\"$path\"") {
                ModelMetadata.parse(edit(v) { remove(it, path) }, "models/detect/metadata.json")
            }
        }
        vectors.firstOrNull { it.task == "segment" }?.let { s ->
            suite.expectError("segment metadata without mask coefficients", META, "\"postprocessing.decoder.masks.coefficients\"") {
                ModelMetadata.parse(edit(s) { remove(it, "postprocessing.decoder.masks") }, "metadata.json")
            }
        }
        vectors.firstOrNull { it.task == "pose" }?.let { p ->
            suite.expectError("pose metadata without keypoint shape", META, "\"postprocessing.decoder.keypoints.shape\"") {
                ModelMetadata.parse(edit(p) { remove(it, "postprocessing.decoder.keypoints") }, "metadata.json")
            }
        }
    }

    /** Another model's outputs given to this metadata: refused, never decoded. */
    private fun mismatchedOutputs(detect: Vector) {
        val prepared = Preprocess.prepare(detect.image, detect.metadata)
        for (other in vectors.filter { it.task != detect.task }.distinctBy { it.task }) {
            suite.expectError("${other.task} outputs with detect metadata", OUTPUT, "this model") {
                Postprocess.run(detect.metadata, other.outputs, prepared)
            }
            val otherPrepared = Preprocess.prepare(other.image, other.metadata)
            suite.expectError("detect outputs with ${other.task} metadata", OUTPUT, "this model") {
                Postprocess.run(other.metadata, detect.outputs, otherPrepared)
            }
        }
        val first = detect.outputs[0]
        val fewerChannels = FloatTensor(first.data.copyOf(first.shape[2] * (first.shape[1] - 1)), intArrayOf(1, first.shape[1] - 1, first.shape[2]))
        suite.expectError("detect output one channel short", OUTPUT, "(${first.shape[1]})", "has ${first.shape[1] - 1}") {
            Postprocess.run(detect.metadata, listOf(fewerChannels), prepared)
        }
        suite.expectError("declared output shapes", OUTPUT, "metadata.json declares") {
            OutputCheck.checkDeclared(detect.metadata, listOf(fewerChannels.shape))
        }
        suite.expectError("declared output count", OUTPUT, "2 outputs") {
            OutputCheck.checkDeclared(detect.metadata, listOf(first.shape, first.shape))
        }
    }

    private fun wrapperRefusals(detect: Vector) {
        val m = detect.metadata
        val wrongInput = ReplayInterpreter(ReplayTensor("images", intArrayOf(1, 3, m.inputHeight * 2, m.inputWidth * 2)), listOf(ReplayTensor("output0", detect.outputs[0].shape) to detect.outputs[0].data))
        suite.expectError("ModelWrapper: input size not the metadata's", OUTPUT, "${m.inputHeight * 2}", "metadata.json says") { ModelWrapper(wrongInput, m) }
        val root = Files.createTempDirectory("edgepack-assets").toFile()
        val bundle = File(root, "edgepack")
        try {
            suite.expectError("fromAssets: no metadata.json", EdgepackError.MISSING_FILE, "assets/edgepack/metadata.json") {
                ModelWrapper.fromAssets(AssetManager(root))
            }
            suite.expectError("fromFolder: no metadata.json", EdgepackError.MISSING_FILE, "edgepack/metadata.json") {
                ModelWrapper.fromFolder(bundle)
            }
            bundle.mkdirs()
            File(bundle, "metadata.json").writeText(TfliteShapes.metadataText(detect))
            suite.expectError("fromAssets: no model file", EdgepackError.MISSING_FILE, "assets/edgepack/model.tflite") {
                ModelWrapper.fromAssets(AssetManager(root))
            }
            suite.expectError("fromFolder: no model file", EdgepackError.MISSING_FILE, "edgepack/model.tflite", "model_file") {
                ModelWrapper.fromFolder(bundle)
            }
            // With both files present the wrapper gets as far as LiteRT's InterpreterApi.create, a stub here.
            File(bundle, "model.tflite").writeBytes(ByteArray(16))
            for ((name, open) in listOf<Pair<String, () -> Unit>>(
                "fromAssets" to { ModelWrapper.fromAssets(AssetManager(root)) },
                "fromFolder" to { ModelWrapper.fromFolder(bundle) },
            )) {
                val reached = try {
                    open()
                    false
                } catch (e: UnsupportedOperationException) {
                    e.message?.startsWith("STUB") == true
                }
                suite.check("$name: both files found, the interpreter created from them", reached)
            }
        } finally {
            root.deleteRecursively()
        }
    }

    /** The vector's metadata.json with `change` applied to its parsed document, as text. */
    private fun edit(v: Vector, change: (MutableMap<String, Any?>) -> Unit): String {
        @Suppress("UNCHECKED_CAST")
        val doc = deepCopy(Json.parse(v.metadataText)) as MutableMap<String, Any?>
        doc.remove("formats")
        change(doc)
        return Json.write(doc)
    }

    @Suppress("UNCHECKED_CAST")
    private fun remove(doc: MutableMap<String, Any?>, path: String) {
        val keys = path.split('.')
        var node = doc
        for (key in keys.dropLast(1)) node = node[key] as MutableMap<String, Any?>
        node.remove(keys.last())
    }

    private fun deepCopy(value: Any?): Any? = when (value) {
        is Map<*, *> -> value.entries.associateTo(LinkedHashMap<String, Any?>()) { it.key.toString() to deepCopy(it.value) }
        is List<*> -> value.map { deepCopy(it) }
        else -> value
    }
}
