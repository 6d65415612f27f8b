import android.graphics.Bitmap
import dev.edgepack.runtime.ModelWrapper
import dev.edgepack.runtime.core.Json
import dev.edgepack.runtime.core.Layout
import dev.edgepack.runtime.core.OutputCheck
import dev.edgepack.runtime.core.Postprocess
import dev.edgepack.runtime.core.Prediction
import dev.edgepack.runtime.core.Preprocess
import dev.edgepack.runtime.core.predictionsToJson
import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder
import kotlin.system.exitProcess

/**
 * The Kotlin runtime's suite on the JVM: every conformance vector through the core (pre-processing from decoded.png,
 * post-processing from the recorded outputs) and through ModelWrapper.kt (a Bitmap in, a replayed interpreter), then
 * the core's errors. Args: the conformance folder, a folder for each case's predictions (test.mjs re-reads them).
 */
fun main(args: Array<String>) {
    val root = File(args[0])
    val out = File(args[1]).apply { mkdirs() }
    val suite = Suite()
    val names = Json.parse(File(root, "index.json").readText()).list("cases").map { it as String }
    val vectors = names.mapNotNull { name ->
        var vector: Vector? = null
        suite.part("$name: load") { vector = Vector(root, name) }
        vector
    }
    for (v in vectors) {
        suite.part("${v.name}: core") { coreCase(suite, v, out) }
        suite.part("${v.name}: ModelWrapper (NCHW)") { wrapperCase(suite, v, tflite = false) }
        suite.part("${v.name}: ModelWrapper (TFLite layout)") { wrapperCase(suite, v, tflite = true) }
    }
    suite.equal("every case of index.json ran", names.size, vectors.size)
    suite.part("errors") { ErrorChecks(suite, vectors).run() }
    var int8Predictions = 0
    vectors.filter { it.task == "detect" || it.task == "segment" }.forEach { v -> suite.part("${v.name}: INT8") { int8Predictions += QuantizedChecks(suite, v).run() } }
    suite.check("the INT8 replays decode some predictions", int8Predictions > 0)
    val withBoxes = vectors.filter { it.task != "classify" && it.case.list("predictions").isNotEmpty() }
    withBoxes.forEach { v -> suite.part("${v.name}: end-to-end") { EndToEndChecks(suite, v).run() } }
    withBoxes.forEach { v -> suite.part("${v.name}: Android example") { ExampleChecks(suite, v).run() } }
    suite.check("end-to-end rows checked for every task with boxes", withBoxes.map { it.task }.toSet() == setOf("detect", "segment", "pose"))
    println("kotlin core: ${vectors.size} conformance vectors (${vectors.groupingBy { it.task }.eachCount()})")
    exitProcess(suite.finish())
}

private fun coreCase(suite: Suite, v: Vector, out: File) {
    val decoded = v.case.obj("decoded")
    val image = v.image
    suite.equal("${v.name}: decoded.png size", "${decoded.int("width")}x${decoded.int("height")}", "${image.width}x${image.height}")
    suite.equal("${v.name}: decoded pixels sha256", decoded.str("sha256"), sha256(image.data))
    val prepared = Preprocess.prepare(image, v.metadata, Layout.NCHW)
    suite.equal("${v.name}: placement", placementOf(v.case.obj("preprocess")), placementOf(prepared, v.metadata.preprocessing.padValue))
    checkTensor(suite, v, "${v.name}: input tensor", prepared.tensor.data)
    OutputCheck.checkDeclared(v.metadata, v.outputs.map { it.shape })
    val predictions = Postprocess.run(v.metadata, v.outputs, prepared, v.options)
    val json = predictionsToJson(predictions)
    File(out, "${v.name}.json").writeText(json)
    suite.check("${v.name}: predictions", canonical(Json.parse(json)) == v.expectedPredictions) {
        "\n  expected ${v.expectedPredictions.take(600)}\n  got      ${canonical(Json.parse(json)).take(600)}"
    }
}

/** The vector's placement fields, from case.json's `preprocess` or from the core's, in one comparable string. */
private fun placementOf(p: Any?): String = if (p.str("mode") == "letterbox") {
    val pad = p.obj("pad")
    "letterbox ${p.int("input_width")}x${p.int("input_height")} resized ${p.int("resized_width")}x${p.int("resized_height")} " +
        "pad t${pad.int("top")} b${pad.int("bottom")} l${pad.int("left")} r${pad.int("right")} value ${p.int("pad_value")}"
} else {
    val crop = p.obj("crop")
    "crop ${p.int("input_width")}x${p.int("input_height")} resized ${p.int("resized_width")}x${p.int("resized_height")} at ${crop.int("left")},${crop.int("top")}"
}

private fun placementOf(prepared: dev.edgepack.runtime.core.PreparedInput, padValue: Int): String {
    val t = prepared.tensor
    prepared.letterbox?.let { l ->
        return "letterbox ${l.inputWidth}x${l.inputHeight} resized ${l.resizedWidth}x${l.resizedHeight} " +
            "pad t${l.top} b${l.bottom} l${l.left} r${l.right} value $padValue"
    }
    val c = prepared.centerCrop!!
    return "crop ${t.width}x${t.height} resized ${c.resizedWidth}x${c.resizedHeight} at ${c.left},${c.top}"
}

/** The NCHW float32 tensor's little-endian bytes against the vector's sha256 (sum and samples shown on a mismatch). */
private fun checkTensor(suite: Suite, v: Vector, name: String, nchw: FloatArray) {
    val input = v.case.obj("input")
    val bytes = ByteBuffer.allocate(nchw.size * 4).order(ByteOrder.LITTLE_ENDIAN).also { it.asFloatBuffer().put(nchw) }.array()
    suite.check(name, sha256(bytes) == input.str("sha256")) {
        val samples = input.list("samples").joinToString { s ->
            val (i, value) = (s as List<*>).map { it as Double }
            "[$i] expected $value got ${nchw[i.toInt()]}"
        }
        "sha256 differs; sum expected ${input.field("sum")} got ${nchw.sumOf { it.toDouble() }}; $samples"
    }
}

/**
 * ModelWrapper.kt end to end on the vector: a Bitmap of decoded.png in, the interpreter replaying the recorded
 * outputs. `tflite`: the document and tensors as Edgepack's TFLite export has them (NHWC input, prototypes NHWC
 * and first, box channels divided by the input size), so the wrapper's TFLite path is what runs.
 */
private fun wrapperCase(suite: Suite, v: Vector, tflite: Boolean) {
    val label = "${v.name}: ModelWrapper${if (tflite) " (TFLite layout)" else ""}"
    val replay = if (tflite) TfliteShapes.replay(v) else nchwReplay(v)
    val metadata = if (tflite) TfliteShapes.metadata(v) else v.metadata
    val wrapper = ModelWrapper(replay, metadata)
    val predictions: List<Prediction> = wrapper.predict(Bitmap.createBitmap(v.argb, v.width, v.height, Bitmap.Config.ARGB_8888), v.options)
    val fed = replay.lastInput!!
    checkTensor(suite, v, "$label: input buffer", if (tflite) TfliteShapes.nhwcToNchw(fed, metadata.inputHeight, metadata.inputWidth) else fed)
    val got = canonical(Json.parse(predictionsToJson(predictions)))
    suite.check("$label: predictions", got == v.expectedPredictions) { "\n  expected ${v.expectedPredictions.take(600)}\n  got      ${got.take(600)}" }
    suite.equal("$label: labels", v.metadata.names, wrapper.labels)
}

private fun nchwReplay(v: Vector): ReplayInterpreter {
    val m = v.metadata
    val input = ReplayTensor(m.inputName, intArrayOf(1, 3, m.inputHeight, m.inputWidth))
    return ReplayInterpreter(input, v.outputs.mapIndexed { i, t -> ReplayTensor(v.outputNames[i], t.shape) to t.data })
}
