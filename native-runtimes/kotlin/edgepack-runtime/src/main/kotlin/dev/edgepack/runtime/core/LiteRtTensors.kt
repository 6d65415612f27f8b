package dev.edgepack.runtime.core

/**
 * What differs between a LiteRT (TFLite) model's tensors and the ONNX layout the decoders read, as Edgepack's
 * TFLite export makes them (trainers/ultralytics/formats/tflite.py): INT8 quantized input/outputs, mask prototypes
 * in NHWC, box and keypoint x/y channels divided by the input size, outputs in the converter's order.
 */
object LiteRtTensors {
    /** A float input value quantized as the TFLite runner does: round(x / scale + zero), half to even, in float32. */
    fun quantize(value: Float, scale: Float, zeroPoint: Int, min: Int, max: Int): Int =
        Math.rint((value / scale + zeroPoint).toDouble()).coerceIn(min.toDouble(), max.toDouble()).toInt()

    /** A quantized output value as float32: (q - zero) * scale. */
    fun dequantize(value: Int, scale: Float, zeroPoint: Int): Float = (value - zeroPoint).toFloat() * scale

    /**
     * Raw outputs (already float32) to the decoders' layout: predictions first, prototypes [1, C, H, W], box and
     * keypoint x/y in input pixels (when metadata.json says the coordinates are normalised).
     */
    fun toDecoderLayout(metadata: ModelMetadata, outputs: List<FloatTensor>): List<FloatTensor> {
        val ordered = outputs.sortedBy { it.shape.size == 4 }
        return ordered.map { t ->
            when {
                t.shape.size == 4 && t.shape[3] < t.shape[1] -> nhwcToNchw(t)
                t.shape.size == 3 && metadata.normalisedCoordinates && !metadata.endToEnd -> scaleCoordinates(t, metadata)
                else -> t
            }
        }
    }

    private fun nhwcToNchw(t: FloatTensor): FloatTensor {
        val (n, h, w, c) = t.shape.let { listOf(it[0], it[1], it[2], it[3]) }
        val out = FloatArray(t.data.size)
        for (b in 0 until n) {
            for (y in 0 until h) {
                for (x in 0 until w) {
                    val from = ((b * h + y) * w + x) * c
                    for (ch in 0 until c) out[((b * c + ch) * h + y) * w + x] = t.data[from + ch]
                }
            }
        }
        return FloatTensor(out, intArrayOf(n, c, h, w))
    }

    /** Multiplies the box channels (and pose keypoints' x, y) of [1, channels, anchors] back by the input size. */
    private fun scaleCoordinates(t: FloatTensor, metadata: ModelMetadata): FloatTensor {
        val channels = t.shape[1]
        val anchors = t.shape[2]
        val size = metadata.inputHeight.toFloat()
        val scaled = BooleanArray(channels) { it < 4 }
        metadata.keypointShape?.let { (_, perPoint) ->
            val start = 4 + metadata.numClasses
            for (ch in start until channels) if ((ch - start) % perPoint < 2) scaled[ch] = true
        }
        val out = t.data.copyOf()
        for (ch in 0 until channels) {
            if (!scaled[ch]) continue
            for (a in 0 until anchors) out[ch * anchors + a] = out[ch * anchors + a] * size
        }
        return FloatTensor(out, t.shape)
    }
}
