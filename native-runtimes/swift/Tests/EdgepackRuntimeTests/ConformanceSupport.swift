import CoreGraphics
import CryptoKit
import EdgepackCore
import Foundation
import ImageIO
import XCTest

/// case.json of a conformance vector (native-runtimes/conformance/README.md): the parts these tests check.
struct ConformanceCase: Decodable {
    struct Decoded: Decodable {
        let width: Int
        let height: Int
        let png: String
        let sha256: String
    }

    struct Sides: Decodable {
        let top: Int
        let bottom: Int
        let left: Int
        let right: Int
    }

    struct Crop: Decodable {
        let left: Int
        let top: Int
    }

    struct Preprocess: Decodable {
        let mode: String
        let inputWidth: Int
        let inputHeight: Int
        let resizedWidth: Int
        let resizedHeight: Int
        let pad: Sides?
        let padValue: Int?
        let crop: Crop?

        enum CodingKeys: String, CodingKey {
            case mode
            case inputWidth = "input_width"
            case inputHeight = "input_height"
            case resizedWidth = "resized_width"
            case resizedHeight = "resized_height"
            case pad
            case padValue = "pad_value"
            case crop
        }
    }

    struct Input: Decodable {
        let shape: [Int]
        let dtype: String
        let sha256: String
    }

    struct Output: Decodable {
        let name: String
        let shape: [Int]
        let dtype: String
        let file: String
        let sha256: String
    }

    struct Options: Decodable {
        let conf: Double?
        let iou: Double?
        let maxDet: Int?
        let agnostic: Bool?
        let classes: [Int]?
        let topK: Int?

        enum CodingKeys: String, CodingKey {
            case conf
            case iou
            case maxDet = "max_det"
            case agnostic
            case classes
            case topK = "top_k"
        }
    }

    let name: String
    let task: String
    let model: String
    let decoded: Decoded
    let preprocess: Preprocess
    let input: Input
    let outputs: [Output]
    let options: Options
    let predictions: [Prediction]
}

/// The vectors copied into this target's resources by generate-tests.mjs (the layout of native-runtimes/conformance/).
func vectorsRoot() throws -> URL {
    guard let root = Bundle.module.url(forResource: "Vectors", withExtension: nil) else {
        throw EdgepackError(
            .invalidModelFile, "The test resources hold no Vectors folder.",
            hint: "Run `node native-runtimes/swift/generate-tests.mjs` in the repository, then `swift test` again.")
    }
    return root
}

func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined()
}

/// decoded.png's RGB bytes as stored (ImageIO decodes PNG losslessly; the bytes are read from the image's own data,
/// never drawn, so no colour management touches them).
func readDecodedPNG(_ url: URL) throws -> RGBImage {
    guard let source = CGImageSourceCreateWithURL(url as CFURL, nil),
        let image = CGImageSourceCreateImageAtIndex(source, 0, nil),
        let data = image.dataProvider?.data
    else {
        throw EdgepackError(.notAnImage, "\(url.path) is not a readable PNG.", hint: "Regenerate the vectors.")
    }
    let bytes = [UInt8](data as Data)
    let bytesPerPixel = image.bitsPerPixel / 8
    guard image.bitsPerComponent == 8, bytesPerPixel == 3 || bytesPerPixel == 4 else {
        throw EdgepackError(
            .notAnImage, "\(url.path) decodes to \(image.bitsPerComponent)-bit, \(image.bitsPerPixel)-bit-a-pixel samples.",
            hint: "decoded.png must be 8-bit RGB.")
    }
    if bytesPerPixel == 4 {
        let alphaFirst = [CGImageAlphaInfo.first, .premultipliedFirst, .noneSkipFirst].contains(image.alphaInfo)
        let little = image.bitmapInfo.contains(.byteOrder32Little)
        let order: RGBImage.FourChannelOrder = little ? (alphaFirst ? .bgra : .abgr) : (alphaFirst ? .argb : .rgba)
        return try RGBImage(fourChannel: bytes, width: image.width, height: image.height, bytesPerRow: image.bytesPerRow, order: order)
    }
    var pixels = [UInt8]()
    pixels.reserveCapacity(image.width * image.height * 3)
    for y in 0..<image.height {
        let row = y * image.bytesPerRow
        pixels.append(contentsOf: bytes[row..<(row + image.width * 3)])
    }
    return try RGBImage(width: image.width, height: image.height, pixels: pixels)
}

/// One vector, all of it: decoded.png's pixels, the letterbox (or crop) placement, the input tensor's SHA-256, and
/// the predictions from the raw output files.
func runConformanceCase(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let root = try vectorsRoot()
    let vector = try JSONDecoder().decode(
        ConformanceCase.self, from: Data(contentsOf: root.appendingPathComponent("cases/\(name)/case.json")))
    let metadataURL = root.appendingPathComponent(vector.model).appendingPathComponent("metadata.json")
    let metadata = try ModelMetadata.load(contentsOf: metadataURL, format: "onnx")
    let model = try ModelFacts(metadata, file: metadataURL.path)
    XCTAssertEqual(model.task.rawValue, vector.task, "task", file: file, line: line)

    let image = try readDecodedPNG(root.appendingPathComponent(vector.decoded.png))
    XCTAssertEqual([image.width, image.height], [vector.decoded.width, vector.decoded.height], "decoded size", file: file, line: line)
    XCTAssertEqual(sha256Hex(image.pixels), vector.decoded.sha256, "decoded.png's RGB bytes", file: file, line: line)

    let prepared = prepareInput(image, model)
    let pre = vector.preprocess
    switch prepared.transform {
    case .letterbox(let t):
        XCTAssertEqual(pre.mode, "letterbox", file: file, line: line)
        XCTAssertEqual([t.inputWidth, t.inputHeight], [pre.inputWidth, pre.inputHeight], "input size", file: file, line: line)
        XCTAssertEqual([t.resizedWidth, t.resizedHeight], [pre.resizedWidth, pre.resizedHeight], "resized size", file: file, line: line)
        XCTAssertEqual(
            [t.top, t.bottom, t.left, t.right], [pre.pad?.top, pre.pad?.bottom, pre.pad?.left, pre.pad?.right].compactMap { $0 },
            "padding (top, bottom, left, right)", file: file, line: line)
        XCTAssertEqual(Int(model.preprocess.padValue), pre.padValue, "pad value", file: file, line: line)
    case .centerCrop(let t):
        XCTAssertEqual(pre.mode, "shortest_edge_center_crop", file: file, line: line)
        XCTAssertEqual([t.inputWidth, t.inputHeight], [pre.inputWidth, pre.inputHeight], "input size", file: file, line: line)
        XCTAssertEqual([t.resizedWidth, t.resizedHeight], [pre.resizedWidth, pre.resizedHeight], "resized size", file: file, line: line)
        XCTAssertEqual([t.left, t.top], [pre.crop?.left, pre.crop?.top].compactMap { $0 }, "crop (left, top)", file: file, line: line)
    }
    XCTAssertEqual(vector.input.dtype, "float32", file: file, line: line)
    XCTAssertEqual([1, 3, prepared.image.height, prepared.image.width], vector.input.shape, "input shape", file: file, line: line)
    XCTAssertEqual(sha256Hex(prepared.tensorBytes), vector.input.sha256, "input tensor", file: file, line: line)

    let outputs = try vector.outputs.map { (output: ConformanceCase.Output) -> Tensor in
        let bytes = [UInt8](try Data(contentsOf: root.appendingPathComponent(output.file)))
        XCTAssertEqual(sha256Hex(bytes), output.sha256, "\(output.file)", file: file, line: line)
        return try Tensor(littleEndian: bytes, dtype: output.dtype, shape: output.shape)
    }
    let o = vector.options
    let options = PostprocessOptions(
        conf: o.conf, iou: o.iou, maxDet: o.maxDet, agnostic: o.agnostic, classes: o.classes, topK: o.topK)
    let predictions = try postprocess(model, outputs: outputs, transform: prepared.transform, options: options)
    XCTAssertEqual(predictions.count, vector.predictions.count, "number of predictions", file: file, line: line)
    for (i, (got, expected)) in zip(predictions, vector.predictions).enumerated() {
        XCTAssertEqual(got, expected, "prediction \(i)", file: file, line: line)
    }
}

/// index.json of the vectors.
struct ConformanceIndex: Decodable {
    let cases: [String]
}
