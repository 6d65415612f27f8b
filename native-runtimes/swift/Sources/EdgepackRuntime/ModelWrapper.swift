import CoreML
import CoreVideo
import Foundation
@_exported import EdgepackCore

/// Runs an Edgepack CoreML export (the `.mlpackage` and its metadata.json) on CoreML and answers the app's
/// predictions: the same letterbox (done here, byte for byte as cv2 does it, never by Vision's scaling), the same
/// decoders and NMS, every constant from metadata.json. Image-typed inputs (what Ultralytics' CoreML export writes:
/// `image`, RGB, scale 1/255 inside the model) get the letterboxed picture as a BGRA pixel buffer; multi-array inputs
/// get the normalised NCHW tensor.
public final class ModelWrapper {
    public let metadata: ModelMetadata
    public let facts: ModelFacts
    private let model: MLModel

    /// The bundle's root when this package is used from an unzipped Edgepack bundle (`runtimes/swift/` is two
    /// levels down). Only meaningful when built from source in place (e.g. `swift run` in the bundle).
    public static var defaultBundleRoot: URL {
        URL(fileURLWithPath: #filePath)  // <root>/runtimes/swift/Sources/EdgepackRuntime/ModelWrapper.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The model and metadata.json of a bundle (or an export's folder): `<root>/metadata.json` and the model file
    /// its `coreml` document names.
    public convenience init(bundleRoot: URL = ModelWrapper.defaultBundleRoot, configuration: MLModelConfiguration = MLModelConfiguration()) throws {
        let metadataURL = bundleRoot.appendingPathComponent("metadata.json")
        let metadata = try ModelMetadata.load(contentsOf: metadataURL, format: "coreml")
        try self.init(
            modelURL: bundleRoot.appendingPathComponent(metadata.modelFile), metadataURL: metadataURL,
            configuration: configuration)
    }

    /// A model (`.mlpackage`, `.mlmodel`, or compiled `.mlmodelc`, e.g. from an app's resources) and its metadata.json.
    public init(modelURL: URL, metadataURL: URL, configuration: MLModelConfiguration = MLModelConfiguration()) throws {
        metadata = try ModelMetadata.load(contentsOf: metadataURL, format: "coreml")
        facts = try ModelFacts(metadata, file: metadataURL.path)
        model = try ModelWrapper.loadModel(at: modelURL, configuration: configuration)
        try checkModelMatchesMetadata(modelURL: modelURL, metadataURL: metadataURL)
    }

    private static func loadModel(at url: URL, configuration: MLModelConfiguration) throws -> MLModel {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw EdgepackError(
                .invalidModelFile, "No model at \(url.path).",
                hint: "Pass the .mlpackage the bundle holds (metadata.json's model_file names it).")
        }
        do {
            let compiled: URL
            if url.pathExtension == "mlmodelc" {
                compiled = url
            } else {
                compiled = try MLModel.compileModel(at: url)
            }
            return try MLModel(contentsOf: compiled, configuration: configuration)
        } catch {
            throw EdgepackError(
                .invalidModelFile, "CoreML cannot load \(url.path): \(error.localizedDescription)",
                hint: "Pass the CoreML model of an Edgepack export, unchanged.")
        }
    }

    /// The model's input and outputs are the ones its metadata.json describes: else a clear error now, not
    /// garbage boxes later.
    private func checkModelMatchesMetadata(modelURL: URL, metadataURL: URL) throws {
        let description = model.modelDescription
        func mismatch(_ what: String) -> EdgepackError {
            EdgepackError(
                .unsupportedModelOutput, "\(modelURL.lastPathComponent) does not match \(metadataURL.path): \(what).",
                hint: "Keep the model and the metadata.json of the same export together.")
        }
        guard let input = description.inputDescriptionsByName[facts.inputName] else {
            throw mismatch("the model has no input \"\(facts.inputName)\" (it has \(description.inputDescriptionsByName.keys.sorted()))")
        }
        if let constraint = input.imageConstraint,
            constraint.pixelsWide != facts.inputWidth || constraint.pixelsHigh != facts.inputHeight
        {
            throw mismatch("its input image is \(constraint.pixelsWide)×\(constraint.pixelsHigh), metadata.json says \(facts.inputWidth)×\(facts.inputHeight)")
        }
        if classifierProbabilitiesName != nil {
            let unique = Set(facts.names)
            if unique.count != facts.names.count { throw mismatch("class names repeat, so the classifier's labels cannot be told apart") }
            return
        }
        for name in facts.outputNames where description.outputDescriptionsByName[name] == nil {
            throw mismatch("the model has no output \"\(name)\" (it has \(description.outputDescriptionsByName.keys.sorted()))")
        }
    }

    /// A CoreML classifier (Ultralytics' classify export) answers a {label: probability} dictionary.
    private var classifierProbabilitiesName: String? {
        let name = model.modelDescription.predictedProbabilitiesName
        return facts.task == .classify && name.map { !$0.isEmpty } == true ? name : nil
    }

    /// Predictions for an image file (JPEG, PNG, HEIC…), turned upright per its EXIF orientation.
    public func predict(imageAt url: URL, options: PostprocessOptions = PostprocessOptions()) throws -> [Prediction] {
        try predict(ImageReader.read(url), options: options)
    }

    /// Predictions for a camera frame (32BGRA, as AVCaptureVideoDataOutput gives it), already upright.
    public func predict(pixelBuffer: CVPixelBuffer, options: PostprocessOptions = PostprocessOptions()) throws -> [Prediction] {
        try predict(ImageReader.rgb(pixelBuffer), options: options)
    }

    /// Predictions for decoded, upright RGB pixels (what `edgepack predict` gets from cv2.imread's decoding).
    public func predict(_ image: RGBImage, options: PostprocessOptions = PostprocessOptions()) throws -> [Prediction] {
        let input = prepareInput(image, facts)
        return try postprocess(facts, outputs: run(input), transform: input.transform, options: options)
    }

    /// The model's raw outputs for a prepared input, in metadata.json's order (a classifier's: its probabilities).
    public func run(_ input: PreparedInput) throws -> [Tensor] {
        guard let inputDescription = model.modelDescription.inputDescriptionsByName[facts.inputName] else {
            throw EdgepackError(.invalidModelFile, "The model has no input \"\(facts.inputName)\".", hint: "Export it again.")
        }
        let value: MLFeatureValue
        switch inputDescription.type {
        case .image: value = MLFeatureValue(pixelBuffer: try CoreMLBuffers.pixelBuffer(input.image))
        case .multiArray: value = MLFeatureValue(multiArray: try CoreMLBuffers.multiArray(input, layout: metadata.input.layout))
        default:
            throw EdgepackError(
                .invalidModelFile, "The model's input \"\(facts.inputName)\" is neither an image nor a multi-array.",
                hint: "Export the model with Edgepack (Ultralytics' CoreML export takes an image).")
        }
        let result = try model.prediction(from: MLDictionaryFeatureProvider(dictionary: [facts.inputName: value]))
        if let probabilitiesName = classifierProbabilitiesName {
            guard let dictionary = result.featureValue(for: probabilitiesName)?.dictionaryValue else {
                throw outputMissing(probabilitiesName)
            }
            return [try CoreMLBuffers.probabilities(dictionary, names: facts.names)]
        }
        return try zip(facts.outputNames, metadata.outputs).map { (pair: (String, OutputSpec)) -> Tensor in
            let (name, spec) = pair
            guard let array = result.featureValue(for: name)?.multiArrayValue else { throw outputMissing(name) }
            return try CoreMLBuffers.tensor(array, name: name, expected: spec.shape)
        }
    }

    private func outputMissing(_ name: String) -> EdgepackError {
        EdgepackError(
            .unsupportedModelOutput, "The model gave no output \"\(name)\", which metadata.json lists.",
            hint: "Keep the model and the metadata.json of the same export together.")
    }
}
