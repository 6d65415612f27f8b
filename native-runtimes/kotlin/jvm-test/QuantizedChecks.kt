import android.graphics.Bitmap
import dev.edgepack.runtime.ModelWrapper
import dev.edgepack.runtime.core.FloatTensor
import dev.edgepack.runtime.core.Json
import dev.edgepack.runtime.core.Postprocess
import dev.edgepack.runtime.core.Preprocess
import dev.edgepack.runtime.core.predictionsToJson
import org.tensorflow.lite.DataType
import org.tensorflow.lite.Tensor

/**
 * ModelWrapper on an INT8 model (what Edgepack's TFLite INT8 export gives): the input quantized with the tensor's
 * scale 1/255 and zero point -128 must be each pixel byte - 128 (so it reads back as the vector's input tensor), and
 * INT8 outputs must reach the decoders as (q - zero) × scale.
 */
class QuantizedChecks(private val suite: Suite, private val v: Vector) {
    private val inputScale = 1f / 255
    private val outputScale = 0.25f
    private val outputZero = 3

    /** Returns how many predictions the dequantized outputs gave (the comparison means something only above 0). */
    fun run(): Int {
        val m = v.metadata
        val quantized = v.outputs.map { t -> ByteArray(t.data.size) { i -> quantize(t.data[i]) } }
        val replay = ReplayInterpreter(
            ReplayTensor("images", intArrayOf(1, 3, m.inputHeight, m.inputWidth), DataType.INT8, Tensor.QuantizationParams(inputScale, -128)),
            v.outputs.mapIndexed { i, t -> ReplayTensor(v.outputNames[i], t.shape, DataType.INT8, Tensor.QuantizationParams(outputScale, outputZero)) to t.data },
            quantized.withIndex().associate { (i, q) -> i to q },
        )
        val got = ModelWrapper(replay, m).predict(Bitmap.createBitmap(v.argb, v.width, v.height, Bitmap.Config.ARGB_8888), v.options)
        val fed = replay.lastInputBytes!!
        val asFloats = FloatArray(fed.size) { ((fed[it] + 128) / 255.0).toFloat() }
        suite.check("${v.name}: INT8 input is pixel - 128", sha256(littleEndian(asFloats)) == v.case.obj("input").str("sha256"))
        val dequantized = v.outputs.mapIndexed { i, t -> FloatTensor(FloatArray(t.data.size) { j -> (quantized[i][j] - outputZero) * outputScale }, t.shape) }
        val expected = Postprocess.run(m, dequantized, Preprocess.prepare(v.image, m), v.options)
        suite.equal("${v.name}: INT8 outputs dequantized", canonical(Json.parse(predictionsToJson(expected))), canonical(Json.parse(predictionsToJson(got))))
        return expected.size
    }

    private fun quantize(value: Float): Byte = Math.rint((value / outputScale + outputZero).toDouble()).coerceIn(-128.0, 127.0).toInt().toByte()

    private fun littleEndian(values: FloatArray): ByteArray =
        java.nio.ByteBuffer.allocate(values.size * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).also { it.asFloatBuffer().put(values) }.array()
}
