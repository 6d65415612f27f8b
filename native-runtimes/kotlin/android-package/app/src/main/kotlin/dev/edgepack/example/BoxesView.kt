package dev.edgepack.example

import android.content.Context
import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.Paint
import android.view.View
import dev.edgepack.runtime.core.Prediction

/** The photo, fitted to the view, with the predictions' boxes and labels drawn on it. */
class BoxesView(context: Context) : View(context) {
    private var bitmap: Bitmap? = null
    private var predictions: List<Prediction> = emptyList()
    private val boxPaint = Paint().apply {
        color = Color.YELLOW
        style = Paint.Style.STROKE
        strokeWidth = 4f
    }
    private val labelPaint = Paint().apply {
        color = Color.YELLOW
        textSize = 36f
    }

    fun show(photo: Bitmap, found: List<Prediction>) {
        bitmap = photo
        predictions = found
        invalidate()
    }

    override fun onDraw(canvas: Canvas) {
        super.onDraw(canvas)
        val photo = bitmap ?: return
        val fit = FitTransform(photo.width, photo.height, width, height)
        canvas.save()
        canvas.translate(fit.offsetX, fit.offsetY)
        canvas.scale(fit.scale, fit.scale)
        canvas.drawBitmap(photo, 0f, 0f, null)
        canvas.restore()
        for (box in fit.boxes(predictions)) {
            canvas.drawRect(box.left, box.top, box.right, box.bottom, boxPaint)
            canvas.drawText(box.label, box.left, maxOf(box.top - 8f, labelPaint.textSize), labelPaint)
        }
    }
}
