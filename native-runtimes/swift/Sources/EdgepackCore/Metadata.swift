import Foundation

// metadata.json (resources/schemas/metadata.schema.json), the part a wrapper reads. Each type names the schema object
// it decodes (`metadata.json: <JSON pointer>`); native-runtimes/swift/test.mjs checks every key against the schema.

/// One format's document: the model file it describes and everything needed to run it.
/// metadata.json: #/$defs/document
public struct ModelMetadata: Codable, Equatable {
    public let format: String
    public let modelFile: String
    public let task: String
    public let names: [String]
    public let input: InputSpec
    public let outputs: [OutputSpec]
    public let preprocessing: Preprocessing
    public let postprocessing: Postprocessing

    enum CodingKeys: String, CodingKey {
        case format
        case modelFile = "model_file"
        case task
        case names
        case input
        case outputs
        case preprocessing
        case postprocessing
    }
}

/// One axis of a tensor's shape: a length, or a name for a dynamic axis.
public enum Dimension: Codable, Equatable {
    case fixed(Int)
    case dynamic(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let length = try? container.decode(Int.self) {
            self = .fixed(length)
        } else {
            self = .dynamic(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .fixed(let length): try container.encode(length)
        case .dynamic(let name): try container.encode(name)
        }
    }
}

/// metadata.json: #/$defs/document/properties/input
public struct InputSpec: Codable, Equatable {
    public let name: String
    public let shape: [Dimension]
    public let dtype: String
    public let layout: String

    enum CodingKeys: String, CodingKey {
        case name
        case shape
        case dtype
        case layout
    }
}

/// metadata.json: #/$defs/document/properties/outputs/items
public struct OutputSpec: Codable, Equatable {
    public let name: String
    public let shape: [Dimension]
    public let dtype: String

    enum CodingKeys: String, CodingKey {
        case name
        case shape
        case dtype
    }
}

/// metadata.json: #/$defs/document/properties/preprocessing
public struct Preprocessing: Codable, Equatable {
    public let colorOrder: String
    public let resize: ResizeSpec
    public let scale: Double
    public let mean: [Double]
    public let std: [Double]

    enum CodingKeys: String, CodingKey {
        case colorOrder = "color_order"
        case resize
        case scale
        case mean
        case std
    }
}

/// Letterbox (pad_value, stride, auto, center, scaleup) or shortest edge + centre crop (mode and interpolation only).
/// metadata.json: #/$defs/document/properties/preprocessing/properties/resize
public struct ResizeSpec: Codable, Equatable {
    public let mode: String
    public let interpolation: String
    public let padValue: Int?
    public let stride: Int?
    public let auto: Bool?
    public let center: Bool?
    public let scaleup: Bool?

    enum CodingKeys: String, CodingKey {
        case mode
        case interpolation
        case padValue = "pad_value"
        case stride
        case auto
        case center
        case scaleup
    }
}

/// metadata.json: #/$defs/document/properties/postprocessing
public struct Postprocessing: Codable, Equatable {
    public let decoder: DecoderSpec
    public let nms: NmsSpec

    enum CodingKeys: String, CodingKey {
        case decoder
        case nms
    }
}

/// metadata.json: #/$defs/document/properties/postprocessing/properties/decoder
public struct DecoderSpec: Codable, Equatable {
    public let type: String
    public let numClasses: Int
    public let layout: String
    public let nmsApplied: Bool?
    public let masks: MasksSpec?
    public let keypoints: KeypointsSpec?

    enum CodingKeys: String, CodingKey {
        case type
        case numClasses = "num_classes"
        case layout
        case nmsApplied = "nms_applied"
        case masks
        case keypoints
    }
}

/// metadata.json: #/$defs/document/properties/postprocessing/properties/decoder/properties/masks
public struct MasksSpec: Codable, Equatable {
    public let coefficients: Int
    public let protoOutput: String
    public let activation: String
    public let protoStride: Int

    enum CodingKeys: String, CodingKey {
        case coefficients
        case protoOutput = "proto_output"
        case activation
        case protoStride = "proto_stride"
    }
}

/// metadata.json: #/$defs/document/properties/postprocessing/properties/decoder/properties/keypoints
public struct KeypointsSpec: Codable, Equatable {
    public let shape: [Int]
    public let values: [String]

    enum CodingKeys: String, CodingKey {
        case shape
        case values
    }
}

/// metadata.json: #/$defs/document/properties/postprocessing/properties/nms
public struct NmsSpec: Codable, Equatable {
    public let conf: Double
    public let iou: Double
    public let maxDet: Int
    public let agnostic: Bool
    public let embedded: Bool

    enum CodingKeys: String, CodingKey {
        case conf
        case iou
        case maxDet = "max_det"
        case agnostic
        case embedded
    }
}

/// The file's top level: the first format's document, and every format's under `formats`.
/// metadata.json: #
struct MetadataFile: Codable {
    let formats: [String: ModelMetadata]?

    enum CodingKeys: String, CodingKey {
        case formats
    }
}

extension ModelMetadata {
    /// The document of `format` (e.g. "coreml") in the metadata.json at `url`: from `formats` when the file has it,
    /// else its top level when that describes `format` (the reference's metadataForFormat).
    public static func load(contentsOf url: URL, format: String) throws -> ModelMetadata {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EdgepackError(
                .invalidModelMetadata, "Cannot read \(url.path): \(error.localizedDescription)",
                hint: "Keep the export's metadata.json beside the model (the bundle's root), or pass its path.")
        }
        return try decode(data, format: format, file: url.path)
    }

    /// As `load`, from the file's bytes; `file` names it in errors.
    public static func decode(_ data: Data, format: String, file: String = "metadata.json") throws -> ModelMetadata {
        let decoder = JSONDecoder()
        do {
            if let document = try decoder.decode(MetadataFile.self, from: data).formats?[format] {
                return document
            }
            let top = try decoder.decode(ModelMetadata.self, from: data)
            guard top.format == format else {
                throw EdgepackError(
                    .invalidModelMetadata,
                    "\(file) describes a \(top.format) model and has no \"\(format)\" document under `formats`.",
                    hint: "Use the metadata.json of an export that includes the \(format) format.")
            }
            return top
        } catch let error as DecodingError {
            let (field, why) = describe(error)
            throw EdgepackError(
                .invalidModelMetadata, "\(file): field `\(field)` \(why).",
                hint: "Use the metadata.json written beside the exported model, unchanged.")
        }
    }

    /// Which field a decoding error is about (`outputs[0].shape`) and what is wrong with it.
    static func describe(_ error: DecodingError) -> (field: String, why: String) {
        switch error {
        case .keyNotFound(let key, let context):
            return (fieldPath(context.codingPath + [key]), "is missing")
        case .typeMismatch(let type, let context):
            return (fieldPath(context.codingPath), "is not a \(type)")
        case .valueNotFound(let type, let context):
            return (fieldPath(context.codingPath), "is null where a \(type) is needed")
        case .dataCorrupted(let context):
            return (fieldPath(context.codingPath), "is unreadable (\(context.debugDescription))")
        @unknown default:
            return ("(unknown)", "is unreadable (\(error))")
        }
    }

    static func fieldPath(_ keys: [CodingKey]) -> String {
        if keys.isEmpty { return "(top level)" }
        var path = ""
        for key in keys {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path
    }
}
