import EdgepackCore
import Foundation
import XCTest

/// What the vectors do not show: bad metadata named by file and field, the JSON vocabulary, EXIF orientation, rounding.
final class CoreTests: XCTestCase {
    private func metadataJSON(removing path: [String]) throws -> Data {
        let root = try vectorsRoot().appendingPathComponent("models/detect/metadata.json")
        var document = try JSONSerialization.jsonObject(with: Data(contentsOf: root)) as! [String: Any]
        func remove(_ keys: ArraySlice<String>, from object: inout [String: Any]) {
            guard let first = keys.first else { return }
            if keys.count == 1 {
                object.removeValue(forKey: first)
            } else if var inner = object[first] as? [String: Any] {
                remove(keys.dropFirst(), from: &inner)
                object[first] = inner
            }
        }
        remove(path[...], from: &document)
        if var formats = document["formats"] as? [String: Any], var onnx = formats["onnx"] as? [String: Any] {
            remove(path[...], from: &onnx)
            formats["onnx"] = onnx
            document["formats"] = formats
        }
        return try JSONSerialization.data(withJSONObject: document)
    }

    func testMissingMetadataFieldIsNamedWithItsFile() throws {
        let data = try metadataJSON(removing: ["preprocessing", "scale"])
        XCTAssertThrowsError(try ModelMetadata.decode(data, format: "onnx", file: "bundle/metadata.json")) { error in
            let failure = error as? EdgepackError
            XCTAssertEqual(failure?.code, .invalidModelMetadata)
            XCTAssertTrue(failure?.message.contains("bundle/metadata.json") == true, "\(error)")
            XCTAssertTrue(failure?.message.contains("preprocessing.scale") == true, "\(error)")
        }
    }

    func testAFormatTheMetadataLacksIsRefused() throws {
        let data = try metadataJSON(removing: [])
        XCTAssertThrowsError(try ModelMetadata.decode(data, format: "coreml")) { error in
            XCTAssertTrue((error as? EdgepackError)?.message.contains("\"coreml\"") == true, "\(error)")
        }
    }

    func testPredictionsUseTheAppsJSONKeys() throws {
        var prediction = Prediction(className: "bus", classId: 5, confidence: 0.9)
        prediction.bbox = [1, 2, 3, 4]
        prediction.mask = .some(nil)
        prediction.keypoints = [Keypoint(x: 1.5, y: 2, visibility: nil)]
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(prediction)) as! [String: Any]
        XCTAssertEqual(Set(object.keys), ["class", "class_id", "confidence", "bbox", "mask", "keypoints"])
        XCTAssertTrue(object["mask"] is NSNull)
        let decoded = try JSONDecoder().decode(Prediction.self, from: JSONEncoder().encode(prediction))
        XCTAssertEqual(decoded, prediction)
        let classOnly = try JSONSerialization.jsonObject(
            with: JSONEncoder().encode(Prediction(className: "tabby", classId: 281, confidence: 0.5))) as! [String: Any]
        XCTAssertEqual(Set(classOnly.keys), ["class", "class_id", "confidence"])
    }

    func testExifOrientationTurnsTheImageUpright() throws {
        // 2 × 1: red, green. Orientation 6 (rotate 90° clockwise) gives 1 × 2: red above green; 8 gives green above red.
        let image = try RGBImage(width: 2, height: 1, pixels: [255, 0, 0, 0, 255, 0])
        let six = try image.applyingExifOrientation(6)
        XCTAssertEqual([six.width, six.height], [1, 2])
        XCTAssertEqual(six.pixels, [255, 0, 0, 0, 255, 0])
        let eight = try image.applyingExifOrientation(8)
        XCTAssertEqual(eight.pixels, [0, 255, 0, 255, 0, 0])
        XCTAssertEqual(try image.applyingExifOrientation(2).pixels, [0, 255, 0, 255, 0, 0])
        XCTAssertThrowsError(try image.applyingExifOrientation(9))
    }

    func testRoundingIsJavaScriptsMathRound() {
        XCTAssertEqual(roundTo(0.125, 2), 0.13)
        XCTAssertEqual(roundTo(-0.125, 2), -0.12)
        XCTAssertEqual(roundTo(0.49999999999999994, 0), 0)
        XCTAssertEqual(roundTo(2.5, 0), 3)
    }
}
