import org.tensorflow.lite.DataType
import org.tensorflow.lite.InterpreterApi
import org.tensorflow.lite.Tensor
import java.nio.ByteBuffer
import java.nio.ByteOrder

/** A tensor's facts, for the replay below: float32, or INT8 with a scale and zero point. */
class ReplayTensor(
    private val name: String,
    private val shape: IntArray,
    private val type: DataType = DataType.FLOAT32,
    private val quantization: Tensor.QuantizationParams = Tensor.QuantizationParams(0f, 0),
) : Tensor {
    override fun dataType(): DataType = type
    override fun shape(): IntArray = shape.clone()
    override fun numElements(): Int = shape.fold(1) { n, d -> n * d }
    override fun numBytes(): Int = numElements() * (if (type == DataType.FLOAT32) 4 else 1)
    override fun name(): String = name
    override fun quantizationParams(): Tensor.QuantizationParams = quantization
}

/**
 * The InterpreterApi of a model that already ran: LiteRT's runtime cannot run on this JVM, so ModelWrapper.kt is
 * driven by the conformance vectors' recorded outputs instead. It keeps the input buffer it was given (to compare
 * with the vector's input tensor) and writes the recorded outputs into the caller's buffers, as LiteRT does:
 * float32 values, or for an INT8 output the bytes of `quantizedOutputs`.
 */
class ReplayInterpreter(
    private val input: ReplayTensor,
    private val outputs: List<Pair<ReplayTensor, FloatArray>>,
    private val quantizedOutputs: Map<Int, ByteArray> = emptyMap(),
) : InterpreterApi {
    var lastInput: FloatArray? = null
        private set

    /** The input as the raw bytes it was given in (an INT8 input). */
    var lastInputBytes: ByteArray? = null
        private set

    override fun run(input: Any?, output: Any?) = runForMultipleInputsOutputs(arrayOf(input), mapOf(0 to output))

    override fun runForMultipleInputsOutputs(inputs: Array<Any?>, outputs: Map<Int, Any?>) {
        check(inputs.size == 1) { "one input expected, got ${inputs.size}" }
        val buffer = (inputs[0] as ByteBuffer).duplicate().order(ByteOrder.nativeOrder())
        buffer.rewind()
        check(buffer.remaining() == input.numBytes()) { "input buffer holds ${buffer.remaining()} bytes, the tensor ${input.numBytes()}" }
        if (input.dataType() == DataType.FLOAT32) {
            lastInput = FloatArray(input.numElements()).also { buffer.asFloatBuffer().get(it) }
        } else {
            lastInputBytes = ByteArray(input.numElements()).also { buffer.get(it) }
        }
        for ((index, target) in outputs) {
            val out = target as ByteBuffer
            check(out.isDirect && out.order() == ByteOrder.nativeOrder()) { "output $index: a direct, native-order buffer" }
            val quantized = quantizedOutputs[index]
            if (quantized != null) out.put(quantized) else out.asFloatBuffer().put(this.outputs[index].second)
        }
    }

    override fun getInputTensorCount(): Int = 1
    override fun getOutputTensorCount(): Int = outputs.size
    override fun getInputTensor(inputIndex: Int): Tensor = input
    override fun getOutputTensor(outputIndex: Int): Tensor = outputs[outputIndex].first
    override fun close() {}
}
