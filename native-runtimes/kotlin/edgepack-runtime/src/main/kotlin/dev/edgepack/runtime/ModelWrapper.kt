package dev.edgepack.runtime

import android.content.res.AssetManager
import android.graphics.Bitmap
import dev.edgepack.runtime.core.EdgepackError
import dev.edgepack.runtime.core.FloatTensor
import dev.edgepack.runtime.core.Layout
import dev.edgepack.runtime.core.LiteRtTensors
import dev.edgepack.runtime.core.ModelMetadata
import dev.edgepack.runtime.core.OutputCheck
import dev.edgepack.runtime.core.Postprocess
import dev.edgepack.runtime.core.PostprocessOptions
import dev.edgepack.runtime.core.Prediction
import dev.edgepack.runtime.core.Preprocess
import dev.edgepack.runtime.core.RgbImage
import org.tensorflow.lite.DataType
import org.tensorflow.lite.InterpreterApi
import org.tensorflow.lite.Tensor
import java.io.File
import java.io.IOException
import java.nio.ByteBuffer
import java.nio.ByteOrder

/**
 * An Edgepack TFLite export on Android through LiteRT's InterpreterApi: Bitmap → letterboxed input buffer →
 * interpreter → predictions in Edgepack's vocabulary, every constant from metadata.json. The only file of this
 * module that touches Android or LiteRT; the pre/post-processing is the plain-Kotlin core (dev.edgepack.runtime.core).
 */
class ModelWrapper(private val interpreter: InterpreterApi, val metadata: ModelMetadata) : AutoCloseable {
    private val input: Tensor = interpreter.getInputTensor(0)
    private val layout: Layout = inputLayout(input.shape())
    private val outputTensors: List<Tensor> = (0 until interpreter.getOutputTensorCount()).map { interpreter.getOutputTensor(it) }

    init {
        if (interpreter.getInputTensorCount() != 1) refuse("The model has ${interpreter.getInputTensorCount()} inputs; an Edgepack export has one.")
        if (input.dataType() !in SUPPORTED_TYPES) refuse("The model's input is ${input.dataType()}; this wrapper feeds float32, uint8 or int8.")
        OutputCheck.checkDeclared(metadata, outputTensors.map { it.shape() })
    }

    /** The class names, by class id (metadata.json's `names`). */
    val labels: List<String> get() = metadata.names

    /** Runs the model on a bitmap (upright as the user sees it); predictions are in the bitmap's pixels. */
    fun predict(bitmap: Bitmap, options: PostprocessOptions = PostprocessOptions()): List<Prediction> {
        val width = bitmap.width
        val height = bitmap.height
        val pixels = IntArray(width * height)
        bitmap.getPixels(pixels, 0, width, 0, 0, width, height)
        return predict(RgbImage.fromArgb(pixels, width, height), options)
    }

    /** Runs the model on RGB pixels (e.g. a camera frame already converted). */
    fun predict(image: RgbImage, options: PostprocessOptions = PostprocessOptions()): List<Prediction> {
        val prepared = Preprocess.prepare(image, metadata, layout)
        val buffers = outputTensors.map { ByteBuffer.allocateDirect(it.numBytes()).order(ByteOrder.nativeOrder()) }
        interpreter.runForMultipleInputsOutputs(arrayOf<Any>(inputBuffer(prepared.tensor.data)), buffers.indices.associateWith { buffers[it] })
        val raw = outputTensors.mapIndexed { i, t -> FloatTensor(readFloats(t, buffers[i]), t.shape()) }
        return Postprocess.run(metadata, LiteRtTensors.toDecoderLayout(metadata, raw), prepared, options)
    }

    override fun close() = interpreter.close()

    private fun inputLayout(shape: IntArray): Layout {
        val expected = if (metadata.inputLayout == Layout.NHWC) {
            intArrayOf(1, metadata.inputHeight, metadata.inputWidth, 3)
        } else {
            intArrayOf(1, 3, metadata.inputHeight, metadata.inputWidth)
        }
        if (!shape.contentEquals(expected)) {
            refuse("The model's input is ${shape.contentToString()} but metadata.json says ${expected.contentToString()} (${metadata.inputLayout}).")
        }
        return metadata.inputLayout
    }

    private fun inputBuffer(values: FloatArray): ByteBuffer {
        val type = input.dataType()
        if (type == DataType.FLOAT32) {
            val buffer = ByteBuffer.allocateDirect(values.size * 4).order(ByteOrder.nativeOrder())
            buffer.asFloatBuffer().put(values)
            return buffer
        }
        val q = input.quantizationParams()
        val (min, max) = if (type == DataType.UINT8) 0 to 255 else -128 to 127
        val buffer = ByteBuffer.allocateDirect(values.size).order(ByteOrder.nativeOrder())
        for (v in values) buffer.put(LiteRtTensors.quantize(v, q.scale, q.zeroPoint, min, max).toByte())
        buffer.rewind()
        return buffer
    }

    private fun readFloats(tensor: Tensor, buffer: ByteBuffer): FloatArray {
        buffer.rewind()
        val count = tensor.numElements()
        return when (tensor.dataType()) {
            DataType.FLOAT32 -> FloatArray(count).also { buffer.asFloatBuffer().get(it) }
            DataType.UINT8, DataType.INT8 -> {
                val q = tensor.quantizationParams()
                val unsigned = tensor.dataType() == DataType.UINT8
                FloatArray(count) {
                    val b = buffer.get().toInt()
                    LiteRtTensors.dequantize(if (unsigned) b and 0xff else b, q.scale, q.zeroPoint)
                }
            }
            else -> refuse("The model's output \"${tensor.name()}\" holds ${tensor.dataType()} values; this wrapper decodes float32, uint8 or int8.")
        }
    }

    private fun refuse(message: String): Nothing = throw EdgepackError(
        EdgepackError.UNSUPPORTED_MODEL_OUTPUT,
        message,
        "Use the model.tflite and metadata.json of one Edgepack TFLite export, side by side and unchanged.",
    )

    companion object {
        private val SUPPORTED_TYPES = setOf(DataType.FLOAT32, DataType.UINT8, DataType.INT8)

        /**
         * From an app's assets: `folder/metadata.json` and the model it names for `format` (`model_file`,
         * model.tflite for an Edgepack TFLite export), e.g. the bundle's files copied to `src/main/assets/edgepack/`.
         */
        fun fromAssets(
            assets: AssetManager,
            folder: String = "edgepack",
            options: InterpreterApi.Options = InterpreterApi.Options(),
            format: String = "tflite",
        ): ModelWrapper {
            val prefix = if (folder.isEmpty()) "" else "$folder/"
            val metadata = ModelMetadata.parse(readAsset(assets, "${prefix}metadata.json").toString(Charsets.UTF_8), "${prefix}metadata.json", format)
            val bytes = readAsset(assets, "$prefix${metadata.modelFile}")
            val model = ByteBuffer.allocateDirect(bytes.size).order(ByteOrder.nativeOrder())
            model.put(bytes).rewind()
            return ModelWrapper(InterpreterApi.create(model, options), metadata)
        }

        /** From a folder on disk holding metadata.json and its model (an unzipped bundle's root, a download). */
        fun fromFolder(
            folder: File,
            options: InterpreterApi.Options = InterpreterApi.Options(),
            format: String = "tflite",
        ): ModelWrapper {
            val metadataFile = File(folder, "metadata.json")
            if (!metadataFile.isFile) throw missing(metadataFile.path, "no such file")
            val metadata = ModelMetadata.parse(metadataFile.readText(), metadataFile.path, format)
            val model = File(folder, metadata.modelFile)
            if (!model.isFile) throw missing(model.path, "no such file; metadata.json names it in \"model_file\"")
            return ModelWrapper(InterpreterApi.create(model, options), metadata)
        }

        private fun readAsset(assets: AssetManager, path: String): ByteArray = try {
            assets.open(path).use { it.readBytes() }
        } catch (e: IOException) {
            throw missing("assets/$path", e.message ?: "cannot be read")
        }

        private fun missing(path: String, why: String) = EdgepackError(
            EdgepackError.MISSING_FILE,
            "Cannot read $path ($why).",
            "Put the export's model file and its metadata.json side by side, unchanged (for an app: in its assets folder).",
        )
    }
}
