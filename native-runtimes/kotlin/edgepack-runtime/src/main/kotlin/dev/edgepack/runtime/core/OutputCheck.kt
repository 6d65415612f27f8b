package dev.edgepack.runtime.core

/**
 * Refuses outputs that do not match metadata.json (another model's metadata, a wrong export) with a clear error,
 * instead of decoding them into garbage boxes.
 */
object OutputCheck {
    /** The raw outputs' shapes against metadata.json's `outputs` (fixed axes only; a dynamic axis matches any size). */
    fun checkDeclared(metadata: ModelMetadata, shapes: List<IntArray>) {
        if (shapes.size != metadata.outputs.size) {
            mismatch("The model has ${shapes.size} outputs but metadata.json declares ${metadata.outputs.size} (${metadata.outputs.joinToString { it.name }}).")
        }
        shapes.forEachIndexed { i, shape ->
            val declared = metadata.outputs[i].shape
            val fits = declared.size == shape.size && declared.indices.all { declared[it] == null || declared[it] == shape[it] }
            if (!fits) {
                mismatch("The model's output $i is ${shape.contentToString()} but metadata.json declares \"${metadata.outputs[i].name}\" as ${declared.map { it ?: "?" }}.")
            }
        }
    }

    /** The outputs as the decoders read them (float32, the ONNX layout) against the task's layout in metadata.json. */
    fun check(metadata: ModelMetadata, outputs: List<FloatTensor>) {
        val needed = if (metadata.task == Task.SEGMENT) 2 else 1
        if (outputs.size < needed) mismatch("A ${metadata.task.name.lowercase()} model has $needed output(s); this model gave ${outputs.size}.")
        val first = outputs[0].shape
        val nc = metadata.numClasses
        if (metadata.task == Task.CLASSIFY) {
            if (first.size != 2 || first[0] != 1 || first[1] != nc) mismatch("A classifier of $nc classes outputs [1, $nc]; this model's output is ${first.contentToString()}.")
            return
        }
        val extra = when (metadata.task) {
            Task.SEGMENT -> metadata.maskCoefficients
            Task.POSE -> metadata.keypointShape!![0] * metadata.keypointShape[1]
            else -> 0
        }
        if (first.size != 3 || first[0] != 1) mismatch("A detection output is [1, channels, anchors] or [1, rows, 6 + extra]; this model's is ${first.contentToString()}.")
        val endToEnd = metadata.endToEnd || first[2] == 6
        if (endToEnd && first[2] != 6 + extra) {
            mismatch("End-to-end rows hold 6 + $extra values for this ${metadata.task.name.lowercase()} model; this model's hold ${first[2]}.")
        }
        if (!endToEnd && first[1] != 4 + nc + extra) {
            mismatch("metadata.json says 4 box + $nc class${if (extra > 0) " + $extra extra" else ""} channels (${4 + nc + extra}); this model's output has ${first[1]} (${first.contentToString()}).")
        }
        if (metadata.task == Task.SEGMENT) {
            val protos = outputs[1].shape
            if (protos.size != 4 || protos[0] != 1 || protos[1] != metadata.maskCoefficients) {
                mismatch("Mask prototypes must be [1, ${metadata.maskCoefficients}, height, width]; this model's are ${protos.contentToString()}.")
            }
        }
    }

    private fun mismatch(message: String): Nothing = throw EdgepackError(
        EdgepackError.UNSUPPORTED_MODEL_OUTPUT,
        message,
        "The model and its metadata.json must come from the same Edgepack export: put them side by side, unchanged.",
    )
}
