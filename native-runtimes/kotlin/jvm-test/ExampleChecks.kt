import dev.edgepack.example.FitTransform
import dev.edgepack.example.modelSummary
import dev.edgepack.example.resultSummary
import dev.edgepack.runtime.core.Detection
import dev.edgepack.runtime.core.Layout
import dev.edgepack.runtime.core.Postprocess
import dev.edgepack.runtime.core.Preprocess
import kotlin.math.abs

/**
 * The Android package's example app, its plain-Kotlin part (android-package/app/.../BoxGeometry.kt) on a vector's
 * real predictions: each detection's box lands on the fitted photo in the view, labels and summaries read right.
 */
class ExampleChecks(private val suite: Suite, private val v: Vector) {
    fun run() {
        val prepared = Preprocess.prepare(v.image, v.metadata, Layout.NCHW)
        val predictions = Postprocess.run(v.metadata, v.outputs, prepared, v.options)
        val detections = predictions.filterIsInstance<Detection>()
        // A view twice as wide as the photo and exactly as tall: the photo is centred horizontally at scale 1.
        val fit = FitTransform(v.image.width, v.image.height, v.image.width * 2, v.image.height)
        suite.equal("${v.name}: example fit scale", 1f, fit.scale)
        suite.equal("${v.name}: example fit offset", v.image.width / 2f, fit.offsetX)
        val boxes = fit.boxes(predictions)
        suite.equal("${v.name}: example draws a box per detection", detections.size, boxes.size)
        detections.zip(boxes).forEach { (d, b) ->
            suite.check("${v.name}: example box placed", abs(b.left - (fit.offsetX + d.bbox[0].toFloat())) < 1e-3f && abs(b.bottom - d.bbox[3].toFloat()) < 1e-3f) {
                "bbox ${d.bbox.toList()} drawn at ${b.left},${b.top},${b.right},${b.bottom}"
            }
            suite.check("${v.name}: example label", b.label.startsWith("${d.className} ")) { b.label }
        }
        val summary = modelSummary(v.metadata)
        suite.check("${v.name}: example summary", "input ${v.metadata.inputWidth}×${v.metadata.inputHeight}" in summary && "${v.metadata.names.size} classes" in summary) { summary }
        suite.equal("${v.name}: example result line", if (detections.isEmpty()) "Nothing found above the confidence threshold." else "${predictions.size} found.", resultSummary(predictions))
    }
}
