import org.tensorflow.lite.DataType
import org.tensorflow.lite.InterpreterApi
import org.tensorflow.lite.Tensor
import java.nio.ByteBuffer
import java.nio.ByteOrder

/** A tensor's facts, for the replay below (float32 only: what the vectors hold). */
class ReplayTensor(private val name: String, private val shape: IntArray) : Tensor {
    override fun dataType(): DataType = DataType.FLOAT32
    override fun shape(): IntArray = shape.clone()
    override fun numElements(): Int = shape.fold(1) { n, d -> n * d }
    override fun numBytes(): Int = numElements() * 4
    override fun name(): String = name
    override fun quantizationParams(): Tensor.QuantizationParams = Tensor.QuantizationParams(0f, 0)
}

/**
 * The InterpreterApi of a model that already ran: LiteRT's runtime cannot run on this JVM, so ModelWrapper.kt is
 * driven by the conformance vectors' recorded outputs instead. It keeps the input buffer it was given (to compare
 * with the vector's input tensor) and writes the recorded outputs into the caller's buffers, as LiteRT does.
 */
class ReplayInterpreter(
    private val input: ReplayTensor,
    private val outputs: List<Pair<ReplayTensor, FloatArray>>,
) : InterpreterApi {
    var lastInput: FloatArray? = null
        private set

    override fun run(input: Any?, output: Any?) = runForMultipleInputsOutputs(arrayOf(input), mapOf(0 to output))

    override fun runForMultipleInputsOutputs(inputs: Array<Any?>, outputs: Map<Int, Any?>) {
        check(inputs.size == 1) { "one input expected, got ${inputs.size}" }
        val buffer = (inputs[0] as ByteBuffer).duplicate().order(ByteOrder.nativeOrder())
        buffer.rewind()
        check(buffer.remaining() == input.numBytes()) { "input buffer holds ${buffer.remaining()} bytes, the tensor ${input.numBytes()}" }
        lastInput = FloatArray(input.numElements()).also { buffer.asFloatBuffer().get(it) }
        for ((index, target) in outputs) {
            val out = target as ByteBuffer
            check(out.isDirect && out.order() == ByteOrder.nativeOrder()) { "output $index: a direct, native-order buffer" }
            out.asFloatBuffer().put(this.outputs[index].second)
        }
    }

    override fun getInputTensorCount(): Int = 1
    override fun getOutputTensorCount(): Int = outputs.size
    override fun getInputTensor(inputIndex: Int): Tensor = input
    override fun getOutputTensor(outputIndex: Int): Tensor = outputs[outputIndex].first
    override fun close() {}
}
