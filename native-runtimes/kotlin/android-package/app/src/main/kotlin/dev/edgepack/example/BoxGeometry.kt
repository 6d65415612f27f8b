package dev.edgepack.example

import dev.edgepack.runtime.core.Detection
import dev.edgepack.runtime.core.ModelMetadata
import dev.edgepack.runtime.core.Prediction
import kotlin.math.min

/** A box to draw, in the view's pixels, with its label. */
class DrawnBox(val left: Float, val top: Float, val right: Float, val bottom: Float, val label: String)

/** How a photo of `imageWidth`×`imageHeight` sits, scaled to fit and centred, in a view of `viewWidth`×`viewHeight`. */
class FitTransform(imageWidth: Int, imageHeight: Int, viewWidth: Int, viewHeight: Int) {
    val scale: Float = min(viewWidth.toFloat() / imageWidth, viewHeight.toFloat() / imageHeight)
    val offsetX: Float = (viewWidth - imageWidth * scale) / 2f
    val offsetY: Float = (viewHeight - imageHeight * scale) / 2f

    /** The detections' boxes (photo pixels) placed on the view; a classifier's predictions have no box. */
    fun boxes(predictions: List<Prediction>): List<DrawnBox> = predictions.filterIsInstance<Detection>().map {
        DrawnBox(
            left = offsetX + it.bbox[0].toFloat() * scale,
            top = offsetY + it.bbox[1].toFloat() * scale,
            right = offsetX + it.bbox[2].toFloat() * scale,
            bottom = offsetY + it.bbox[3].toFloat() * scale,
            label = "${it.className} ${"%.2f".format(it.confidence)}",
        )
    }
}

/** What metadata.json says about the model, one line: task, classes, input size and thresholds. */
fun modelSummary(metadata: ModelMetadata): String =
    "${metadata.task.name.lowercase()}, ${metadata.names.size} classes, input ${metadata.inputWidth}×${metadata.inputHeight}, " +
        "conf ${metadata.nms.conf}, IoU ${metadata.nms.iou}"

/** The result line under the photo. */
fun resultSummary(predictions: List<Prediction>): String = when {
    predictions.isEmpty() -> "Nothing found above the confidence threshold."
    predictions.none { it is Detection } -> predictions.joinToString { "${it.className} ${"%.2f".format(it.confidence)}" }
    else -> "${predictions.size} found."
}
