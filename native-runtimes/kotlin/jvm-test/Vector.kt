import dev.edgepack.runtime.core.FloatTensor
import dev.edgepack.runtime.core.Json
import dev.edgepack.runtime.core.ModelMetadata
import dev.edgepack.runtime.core.PostprocessOptions
import dev.edgepack.runtime.core.RgbImage
import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder
import javax.imageio.ImageIO

/** One conformance vector (native-runtimes/conformance/README.md) loaded from disk. */
class Vector(val root: File, val name: String) {
    val case: Any? = Json.parse(File(root, "cases/$name/case.json").readText(), "cases/$name/case.json")
    val task: String = case.str("task")
    val metadataPath: String = "${case.str("model")}/metadata.json"
    val metadataText: String = File(root, metadataPath).readText()
    val metadata: ModelMetadata = ModelMetadata.parse(metadataText, metadataPath)

    /** decoded.png's pixels as packed ARGB (what Bitmap.getPixels gives on Android). */
    val argb: IntArray
    val width: Int
    val height: Int

    init {
        val png = ImageIO.read(File(root, case.obj("decoded").str("png")))
        width = png.width
        height = png.height
        argb = png.getRGB(0, 0, width, height, null, 0, width)
    }

    val image: RgbImage get() = RgbImage.fromArgb(argb, width, height)

    val outputs: List<FloatTensor> = case.list("outputs").map { o ->
        require(o.str("dtype") == "float32") { "$name: output ${o.str("name")} is ${o.str("dtype")}; the vectors hold float32" }
        val bytes = File(root, o.str("file")).readBytes()
        val data = FloatArray(bytes.size / 4).also { ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(it) }
        FloatTensor(data, o.list("shape").map { (it as Double).toInt() }.toIntArray())
    }

    val outputNames: List<String> = case.list("outputs").map { it.str("name") }

    val expectedPredictions: String = canonical(case.field("predictions"))

    val options: PostprocessOptions = case.obj("options").let { o ->
        PostprocessOptions(
            conf = o.field("conf") as Double?,
            iou = o.field("iou") as Double?,
            maxDet = (o.field("max_det") as Double?)?.toInt(),
            agnostic = o.field("agnostic") as Boolean?,
            classes = (o.field("classes") as List<*>?)?.map { (it as Double).toInt() }?.toSet(),
            topK = (o.field("top_k") as Double?)?.toInt() ?: 5,
        )
    }
}
