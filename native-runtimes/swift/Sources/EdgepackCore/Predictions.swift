import Foundation

// The one prediction vocabulary (the reference's predictions.ts): what the app's preview, `edgepack predict --json`
// and the endpoint answer, with the same JSON keys — `class`, `class_id`, `confidence`, `bbox`, `mask`, `keypoints`.
// Coordinates are in the original photo's pixels (upright per its EXIF orientation).

/// A binary mask over the photo's rectangle [x, y, width, height]; `runs` alternate runs of 0s and 1s, row by row,
/// starting with 0s (possibly an empty run).
public struct Mask: Codable, Equatable {
    public let x: Int
    public let y: Int
    public let width: Int
    public let height: Int
    public let runs: [Int]
}

/// [x, y, visibility] in the photo's pixels (x, y to 0.01 px, visibility to 4 decimals; null for 2-value keypoints).
public struct Keypoint: Codable, Equatable {
    public let x: Double
    public let y: Double
    public let visibility: Double?

    public init(x: Double, y: Double, visibility: Double?) {
        self.x = x
        self.y = y
        self.visibility = visibility
    }

    public init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        x = try container.decode(Double.self)
        y = try container.decode(Double.self)
        visibility = try container.decodeNil() ? nil : container.decode(Double.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(x)
        try container.encode(y)
        if let visibility = visibility {
            try container.encode(visibility)
        } else {
            try container.encodeNil()
        }
    }
}

/// A detection (detect, segment, pose: it has a `bbox`) or one class of a classifier's top-k (no `bbox`).
public struct Prediction: Codable, Equatable {
    /// The class name (the class id as text when the model names none).
    public let className: String
    public let classId: Int
    /// Rounded to 5 decimals.
    public let confidence: Double
    /// [x1, y1, x2, y2] in the photo's pixels, rounded to 0.01 px.
    public var bbox: [Double]?
    /// Segment only: `.some(nil)` when the instance lies wholly in the letterbox padding (JSON null); nil when the
    /// task has no masks (no key).
    public var mask: Mask??
    /// Pose only: the model's keypoints, in its order.
    public var keypoints: [Keypoint]?

    enum CodingKeys: String, CodingKey {
        case className = "class"
        case classId = "class_id"
        case confidence
        case bbox
        case mask
        case keypoints
    }

    public init(className: String, classId: Int, confidence: Double) {
        self.className = className
        self.classId = classId
        self.confidence = confidence
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        className = try container.decode(String.self, forKey: .className)
        classId = try container.decode(Int.self, forKey: .classId)
        confidence = try container.decode(Double.self, forKey: .confidence)
        bbox = try container.decodeIfPresent([Double].self, forKey: .bbox)
        if container.contains(.mask) {
            mask = .some(try container.decodeIfPresent(Mask.self, forKey: .mask))
        }
        keypoints = try container.decodeIfPresent([Keypoint].self, forKey: .keypoints)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(className, forKey: .className)
        try container.encode(classId, forKey: .classId)
        try container.encode(confidence, forKey: .confidence)
        try container.encodeIfPresent(bbox, forKey: .bbox)
        if let mask = mask {
            if let present = mask {
                try container.encode(present, forKey: .mask)
            } else {
                try container.encodeNil(forKey: .mask)
            }
        }
        try container.encodeIfPresent(keypoints, forKey: .keypoints)
    }
}

/// Photo coordinates to 0.01 px.
func pixel(_ value: Double) -> Double {
    roundTo(value, 2)
}
