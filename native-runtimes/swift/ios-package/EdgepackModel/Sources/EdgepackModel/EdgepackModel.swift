import CoreML
import Foundation
@_exported import EdgepackRuntime

/// The model this package was built from: its CoreML model and metadata.json, loaded from the package's resources.
public enum EdgepackModel {
    /// The folder holding metadata.json and the model it names (`model_file`).
    public static var resources: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    /// A ModelWrapper on the packaged model: names, input size and thresholds come from its metadata.json.
    public static func load(configuration: MLModelConfiguration = MLModelConfiguration()) throws -> ModelWrapper {
        try ModelWrapper(bundleRoot: resources, configuration: configuration)
    }
}
