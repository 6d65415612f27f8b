import Foundation

/// The tasks this runtime decodes (the reference's SERVABLE_TASKS).
public enum ModelTask: String, Codable {
    case detect, segment, classify, pose
}

public enum ResizeMode: String {
    case letterbox
    case shortestEdgeCenterCrop = "shortest_edge_center_crop"
}

/// How an image becomes the model's input, as metadata.json's `preprocessing` says.
public struct PreprocessSpec: Equatable {
    public let resize: ResizeMode
    public let padValue: UInt8
    public let scaleUp: Bool
    /// true: the model takes BGR planes.
    public let bgr: Bool
    public let scale: Double
    public let mean: [Double]
    public let std: [Double]
}

/// Thresholds of Ultralytics' non_max_suppression (metadata.json's `postprocessing.nms`).
public struct NmsSettings: Equatable {
    public var conf: Double
    public var iou: Double
    public var maxDet: Int
    public var agnostic: Bool
}

public struct KeypointShape: Equatable {
    public let count: Int
    /// 2 (x, y) or 3 (x, y, visibility).
    public let perPoint: Int
}

/// Everything pre- and post-processing need to know about a model, checked once (the reference's ModelInfo).
public struct ModelFacts: Equatable {
    public let task: ModelTask
    public let names: [String]
    public let inputName: String
    public let inputWidth: Int
    public let inputHeight: Int
    public let preprocess: PreprocessSpec
    public let nms: NmsSettings
    /// The model runs NMS itself and outputs final boxes.
    public let endToEnd: Bool
    public let keypointShape: KeypointShape?
    /// Output names in metadata.json's order (the order the decoders take them in).
    public let outputNames: [String]

    public init(_ metadata: ModelMetadata, file: String = "metadata.json") throws {
        func invalid(_ field: String, _ why: String) -> EdgepackError {
            EdgepackError(
                .invalidModelMetadata, "\(file): field `\(field)` \(why).",
                hint: "Use the metadata.json written beside the exported model, unchanged.")
        }
        guard let task = ModelTask(rawValue: metadata.task) else {
            throw invalid("task", "is \"\(metadata.task)\"; this wrapper decodes detect, segment, classify and pose")
        }
        let shape = metadata.input.shape.map { dimension -> Int? in
            if case .fixed(let length) = dimension { return length }
            return nil
        }
        let axes: (height: Int, width: Int)
        switch metadata.input.layout {
        case "NCHW": axes = (2, 3)
        case "NHWC": axes = (1, 2)
        default: throw invalid("input.layout", "is \"\(metadata.input.layout)\", not NCHW or NHWC")
        }
        guard shape.count == 4, let height = shape[axes.height], let width = shape[axes.width], height > 0, width > 0
        else {
            throw invalid("input.shape", "does not give a fixed input height and width (a 4-axis \(metadata.input.layout) shape)")
        }
        let pre = metadata.preprocessing
        guard let mode = ResizeMode(rawValue: pre.resize.mode) else {
            throw invalid("preprocessing.resize.mode", "is \"\(pre.resize.mode)\", not letterbox or shortest_edge_center_crop")
        }
        guard pre.resize.interpolation == "bilinear" else {
            throw invalid("preprocessing.resize.interpolation", "is \"\(pre.resize.interpolation)\"; this wrapper resizes bilinearly only")
        }
        if pre.resize.auto == true { throw invalid("preprocessing.resize.auto", "is true; this wrapper pads to the full input size only") }
        if pre.resize.center == false { throw invalid("preprocessing.resize.center", "is false; this wrapper centres the letterbox only") }
        let padValue = pre.resize.padValue ?? 114
        guard (0...255).contains(padValue) else { throw invalid("preprocessing.resize.pad_value", "is \(padValue), not 0–255") }
        guard pre.colorOrder == "RGB" || pre.colorOrder == "BGR" else {
            throw invalid("preprocessing.color_order", "is \"\(pre.colorOrder)\", not RGB or BGR")
        }
        guard pre.scale > 0 else { throw invalid("preprocessing.scale", "is \(pre.scale), not above 0") }
        guard pre.mean.count == 3 else { throw invalid("preprocessing.mean", "does not hold 3 numbers") }
        guard pre.std.count == 3, !pre.std.contains(0) else { throw invalid("preprocessing.std", "does not hold 3 non-zero numbers") }
        guard !metadata.names.isEmpty else { throw invalid("names", "is empty") }
        guard !metadata.outputs.isEmpty else { throw invalid("outputs", "is empty") }

        var keypointShape: KeypointShape? = nil
        if task == .pose {
            guard let kpt = metadata.postprocessing.decoder.keypoints, kpt.shape.count == 2, kpt.shape[0] > 0,
                kpt.shape[1] == 2 || kpt.shape[1] == 3
            else {
                throw invalid("postprocessing.decoder.keypoints.shape", "must be [keypoints, 2 or 3] for a pose model")
            }
            keypointShape = KeypointShape(count: kpt.shape[0], perPoint: kpt.shape[1])
        }
        let nms = metadata.postprocessing.nms
        self.task = task
        self.names = metadata.names
        self.inputName = metadata.input.name
        self.inputWidth = width
        self.inputHeight = height
        self.preprocess = PreprocessSpec(
            resize: mode, padValue: UInt8(padValue), scaleUp: pre.resize.scaleup ?? true, bgr: pre.colorOrder == "BGR",
            scale: pre.scale, mean: pre.mean, std: pre.std)
        self.nms = NmsSettings(conf: nms.conf, iou: nms.iou, maxDet: nms.maxDet, agnostic: nms.agnostic)
        self.endToEnd = metadata.postprocessing.decoder.nmsApplied == true || nms.embedded
        self.keypointShape = keypointShape
        self.outputNames = metadata.outputs.map { $0.name }
    }
}
