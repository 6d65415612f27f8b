package dev.edgepack.runtime.core

enum class Task { DETECT, SEGMENT, CLASSIFY, POSE }

enum class Layout { NCHW, NHWC }

enum class ResizeMode { LETTERBOX, SHORTEST_EDGE_CENTER_CROP }

/** How 8-bit pixels become input values (metadata.json's `preprocessing`). */
class Preprocessing(
    val resize: ResizeMode,
    /** Letterbox padding grey level. */
    val padValue: Int,
    val bgr: Boolean,
    val scale: Double,
    val mean: DoubleArray,
    val std: DoubleArray,
)

/** Post-processing defaults (metadata.json's `postprocessing.nms`). */
class NmsDefaults(val conf: Double, val iou: Double, val maxDet: Int, val agnostic: Boolean)

/** One output as metadata.json declares it; a null dimension is dynamic. */
class OutputSpec(val name: String, val shape: List<Int?>)

/**
 * Everything this runtime reads from metadata.json (resources/schemas/metadata.schema.json): every constant of
 * pre- and post-processing comes from here, never from a default of the wrapper's own.
 */
class ModelMetadata(
    /** The export format this document describes (onnx, tflite, …). */
    val format: String,
    /** The model file beside metadata.json that this document describes (`model_file`). */
    val modelFile: String,
    val task: Task,
    val names: List<String>,
    val inputName: String,
    val inputLayout: Layout,
    val inputHeight: Int,
    val inputWidth: Int,
    val outputs: List<OutputSpec>,
    val preprocessing: Preprocessing,
    val numClasses: Int,
    /** The model ran NMS itself: rows of x1, y1, x2, y2, score, class, extras. */
    val endToEnd: Boolean,
    /** Segment: mask coefficients per detection. */
    val maskCoefficients: Int,
    /** Pose: [keypoints, values per keypoint]. */
    val keypointShape: IntArray?,
    val nms: NmsDefaults,
    /** Ultralytics' LiteRT export divides box and keypoint x/y channels by the input size. */
    val normalisedCoordinates: Boolean,
) {
    companion object {
        private val TASKS = mapOf(
            "detect" to Task.DETECT, "segment" to Task.SEGMENT, "classify" to Task.CLASSIFY, "pose" to Task.POSE,
        )
        private val LAYOUTS = mapOf("NCHW" to Layout.NCHW, "NHWC" to Layout.NHWC)
        private val RESIZES = mapOf(
            "letterbox" to ResizeMode.LETTERBOX, "shortest_edge_center_crop" to ResizeMode.SHORTEST_EDGE_CENTER_CROP,
        )
        private val COLOR_ORDERS = mapOf("RGB" to false, "BGR" to true)

        /**
         * Reads metadata.json's text. `format` picks that format's document of a multi-format export (its
         * `formats` entry); null takes the top level (the export's first format). `file` names it in errors.
         */
        fun parse(text: String, file: String = "metadata.json", format: String? = null): ModelMetadata {
            val json = try {
                Json.parse(text, file)
            } catch (e: JsonException) {
                throw EdgepackError(EdgepackError.INVALID_MODEL_METADATA, e.message ?: "$file is not JSON.",
                    "Use the metadata.json Edgepack wrote beside this model, unchanged.")
            }
            @Suppress("UNCHECKED_CAST")
            val top = json as? Map<String, Any?> ?: MetadataFields(file, emptyMap()).fail("the document is not a JSON object")
            return fromDocument(MetadataFields(file, documentFor(top, file, format)))
        }

        @Suppress("UNCHECKED_CAST")
        private fun documentFor(top: Map<String, Any?>, file: String, format: String?): Map<String, Any?> {
            if (format == null || top["format"] == format) return top
            val formats = top["formats"] as? Map<String, Any?>
            return formats?.get(format) as? Map<String, Any?> ?: MetadataFields(file, top).fail(
                "it describes no $format model (it has: ${(formats?.keys ?: listOf(top["format"])).joinToString()}); " +
                    "export the model to $format and use that export's metadata.json",
            )
        }

        private fun fromDocument(f: MetadataFields): ModelMetadata {
            val task = f.oneOf("task", TASKS)
            val names = f.list("names").mapIndexed { i, n -> n as? String ?: f.fail("field \"names\" item $i must be a string") }
            if (names.isEmpty()) f.fail("field \"names\" is empty")
            val layout = f.oneOf("input.layout", LAYOUTS)
            val (height, width) = inputSize(f, layout)
            val resize = f.oneOf("preprocessing.resize.mode", RESIZES)
            val std = f.numbers("preprocessing.std", 3)
            if (std.any { it == 0.0 }) f.fail("field \"preprocessing.std\" holds a 0")
            val scale = f.number("preprocessing.scale")
            if (scale <= 0) f.fail("field \"preprocessing.scale\" must be above 0")
            val preprocessing = Preprocessing(
                resize = resize,
                padValue = if (resize == ResizeMode.LETTERBOX) f.int("preprocessing.resize.pad_value") else 114,
                bgr = f.oneOf("preprocessing.color_order", COLOR_ORDERS),
                scale = scale,
                mean = f.numbers("preprocessing.mean", 3),
                std = std,
            )
            val decoderTask = f.oneOf("postprocessing.decoder.type", TASKS)
            if (decoderTask != task) f.fail("field \"postprocessing.decoder.type\" (${decoderTask.name.lowercase()}) differs from \"task\"")
            val numClasses = f.int("postprocessing.decoder.num_classes")
            if (numClasses != names.size) f.fail("field \"postprocessing.decoder.num_classes\" is $numClasses but \"names\" has ${names.size}")
            val embedded = f.boolean("postprocessing.nms.embedded")
            return ModelMetadata(
                format = f.string("format"),
                modelFile = f.string("model_file"),
                task = task,
                names = names,
                inputName = f.string("input.name"),
                inputLayout = layout,
                inputHeight = height,
                inputWidth = width,
                outputs = outputs(f),
                preprocessing = preprocessing,
                numClasses = numClasses,
                endToEnd = embedded || f.optionalBoolean("postprocessing.decoder.nms_applied") == true,
                maskCoefficients = if (task == Task.SEGMENT) f.int("postprocessing.decoder.masks.coefficients") else 0,
                keypointShape = if (task == Task.POSE) keypointShape(f) else null,
                nms = NmsDefaults(
                    conf = f.number("postprocessing.nms.conf"),
                    iou = f.number("postprocessing.nms.iou"),
                    maxDet = f.int("postprocessing.nms.max_det"),
                    agnostic = f.boolean("postprocessing.nms.agnostic"),
                ),
                normalisedCoordinates = f.string("format") == "tflite" && task != Task.CLASSIFY,
            )
        }

        /** [height, width] from input.shape ([1, 3, H, W] or [1, H, W, 3]); a dynamic one from source.imgsz. */
        private fun inputSize(f: MetadataFields, layout: Layout): Pair<Int, Int> {
            val shape = f.list("input.shape")
            if (shape.size != 4) f.fail("field \"input.shape\" must have 4 axes (batch, channels, height, width)")
            val (h, w) = if (layout == Layout.NCHW) shape[2] to shape[3] else shape[1] to shape[2]
            if (h is Double && w is Double) return h.toInt() to w.toInt()
            val hw = f.numbers("source.imgsz", 2)
            return hw[0].toInt() to hw[1].toInt()
        }

        private fun outputs(f: MetadataFields): List<OutputSpec> {
            val list = f.list("outputs")
            if (list.isEmpty()) f.fail("field \"outputs\" is empty")
            return list.indices.map { i ->
                OutputSpec(
                    name = f.string("outputs.$i.name"),
                    shape = f.list("outputs.$i.shape").map { (it as? Double)?.toInt() },
                )
            }
        }

        private fun keypointShape(f: MetadataFields): IntArray {
            val shape = f.numbers("postprocessing.decoder.keypoints.shape", 2)
            if (shape[1] < 2 || shape[1] > 3) f.fail("field \"postprocessing.decoder.keypoints.shape\" must be [count, 2 or 3]")
            return intArrayOf(shape[0].toInt(), shape[1].toInt())
        }
    }
}
