import EdgepackModel
import Foundation
import SwiftUI
import UIKit

/// Loads the packaged model once and runs it on the photos the person picks, off the main thread.
@MainActor
final class PhotoDetector: ObservableObject {
    @Published private(set) var image: UIImage?
    @Published private(set) var predictions: [Prediction] = []
    @Published private(set) var status = "Pick a photo."

    private var wrapper: ModelWrapper?

    /// What metadata.json says about the model, shown under the photo.
    var summary: String {
        guard let metadata = wrapper?.metadata else { return "" }
        let size = metadata.input.shape.map { dimension -> String in
            if case .fixed(let length) = dimension { return String(length) }
            return "?"
        }
        let nms = metadata.postprocessing.nms
        return "\(metadata.task), \(metadata.names.count) classes, input \(size.joined(separator: "×")), conf \(nms.conf), IoU \(nms.iou)"
    }

    func load() {
        do {
            wrapper = try EdgepackModel.load()
            status = "Pick a photo."
        } catch {
            status = "The model did not load: \(error)"
        }
    }

    func detect(imageData: Data) async {
        guard let wrapper = wrapper else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        do {
            try imageData.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            image = UIImage(data: imageData)
            status = "Running…"
            let found = try await Task.detached(priority: .userInitiated) {
                try wrapper.predict(imageAt: file)
            }.value
            predictions = found
            status = found.isEmpty ? "Nothing found above the confidence threshold." : "\(found.count) found."
        } catch {
            predictions = []
            status = "Prediction failed: \(error)"
        }
    }
}
