package dev.edgepack.example

import android.graphics.Bitmap
import android.graphics.ImageDecoder
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.provider.MediaStore
import android.widget.Button
import android.widget.LinearLayout
import android.widget.TextView
import androidx.activity.ComponentActivity
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import dev.edgepack.runtime.ModelWrapper
import java.util.concurrent.Executors

/** Pick a photo, see the packaged model's boxes on it (the model and metadata.json are in assets/edgepack/). */
class MainActivity : ComponentActivity() {
    private val worker = Executors.newSingleThreadExecutor()
    private lateinit var wrapper: ModelWrapper
    private lateinit var boxes: BoxesView
    private lateinit var status: TextView

    private val pickPhoto = registerForActivityResult(ActivityResultContracts.PickVisualMedia()) { uri ->
        if (uri != null) detect(uri)
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        boxes = BoxesView(this)
        status = TextView(this)
        val summary = TextView(this)
        val pick = Button(this).apply {
            text = "Choose a photo"
            setOnClickListener {
                pickPhoto.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageOnly))
            }
        }
        setContentView(LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            addView(pick)
            addView(status)
            addView(summary)
            addView(boxes, LinearLayout.LayoutParams(LinearLayout.LayoutParams.MATCH_PARENT, 0, 1f))
        })
        wrapper = ModelWrapper.fromAssets(assets)
        summary.text = modelSummary(wrapper.metadata)
        status.text = "Pick a photo."
    }

    private fun detect(uri: Uri) {
        status.text = "Running…"
        worker.execute {
            val result = runCatching {
                val photo = decodeUpright(uri)
                photo to wrapper.predict(photo)
            }
            runOnUiThread {
                result.onSuccess { (photo, found) ->
                    boxes.show(photo, found)
                    status.text = resultSummary(found)
                }.onFailure { status.text = "Prediction failed: ${it.message}" }
            }
        }
    }

    /** The photo as the person sees it (EXIF orientation applied), in ARGB_8888 so its pixels can be read. */
    private fun decodeUpright(uri: Uri): Bitmap =
        if (Build.VERSION.SDK_INT >= 28) {
            ImageDecoder.decodeBitmap(ImageDecoder.createSource(contentResolver, uri)) { decoder, _, _ ->
                decoder.allocator = ImageDecoder.ALLOCATOR_SOFTWARE
            }
        } else {
            @Suppress("DEPRECATION")
            MediaStore.Images.Media.getBitmap(contentResolver, uri)
        }

    override fun onDestroy() {
        worker.shutdown()
        wrapper.close()
        super.onDestroy()
    }
}
