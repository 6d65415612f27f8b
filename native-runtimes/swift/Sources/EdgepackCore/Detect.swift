import Foundation

/// One detection before it is carried to the photo: its box in model-input pixels and what follows its class scores.
public struct RawDetection: Equatable {
    /// [x1, y1, x2, y2] in model-input pixels.
    public let box: [Double]
    public let score: Double
    public let classId: Int
    /// Channels after the class scores for this anchor: mask coefficients (segment) or keypoints (pose).
    public let extra: [Float]
}

public struct DetectOptions {
    /// Keep boxes whose best class score is strictly above this (Ultralytics' `conf`).
    public var conf: Double
    public var iou: Double
    public var maxDetections: Int
    public var agnostic: Bool
    /// Keep only these class ids.
    public var classes: Set<Int>?
    public var numClasses: Int
    /// The model already ran NMS and outputs [1, N, 6 + extra] rows; nil: so when the last axis is 6 (as the reference).
    public var endToEnd: Bool?
}

/// Ultralytics caps the boxes entering NMS at this many, highest scores first.
private let maxNmsInput = 30_000

/// Decodes an Ultralytics detection head: [1, 4 + nc + extra, N] (cx, cy, w, h, class scores…) through Ultralytics'
/// non_max_suppression, or an end-to-end [1, N, 6 + extra] output through its confidence filter.
public func decodeDetections(_ output: Tensor, _ options: DetectOptions) throws -> [RawDetection] {
    let dims = output.shape
    guard dims.count == 3, dims[0] == 1 else {
        throw EdgepackError(
            .unsupportedModelOutput, "A detection output must be [1, channels, anchors]; this model's is \(dims).",
            hint: "Export the model for the detect/segment/pose task with batch size 1.")
    }
    let endToEnd = options.endToEnd ?? (dims[2] == 6)
    if !endToEnd { return try decodeAnchors(output, options) }
    guard dims[2] >= 6 else {
        throw EdgepackError(
            .unsupportedModelOutput,
            "An end-to-end output must be [1, detections, 6 + extra] (x1, y1, x2, y2, score, class); this model's is \(dims).",
            hint: "Check that metadata.json's postprocessing.nms.embedded belongs to this model.")
    }
    return decodeEndToEnd(output, options)
}

private func decodeAnchors(_ output: Tensor, _ options: DetectOptions) throws -> [RawDetection] {
    let channels = output.shape[1]
    let anchors = output.shape[2]
    let numClasses = options.numClasses
    guard numClasses >= 1, 4 + numClasses <= channels else {
        throw EdgepackError(
            .unsupportedModelOutput,
            "The output has \(channels) channels, too few for 4 box values and \(numClasses) classes.",
            hint: "Check that the class names in metadata.json belong to this model.")
    }
    let extraCount = channels - 4 - numClasses
    let v = output.values
    var candidates: [RawDetection] = []
    for a in 0..<anchors {
        var best = -Double.infinity
        var bestClass = 0
        for c in 0..<numClasses {
            let score = Double(v[(4 + c) * anchors + a])
            if score > best {
                best = score
                bestClass = c
            }
        }
        if !(best > options.conf) { continue }
        if let allowed = options.classes, !allowed.contains(bestClass) { continue }
        let extra = (0..<extraCount).map { (e: Int) -> Float in v[(4 + numClasses + e) * anchors + a] }
        let box = xywhToXyxy(Double(v[a]), Double(v[anchors + a]), Double(v[2 * anchors + a]), Double(v[3 * anchors + a]))
        candidates.append(RawDetection(box: box, score: best, classId: bestClass, extra: extra))
    }
    if candidates.count > maxNmsInput {
        candidates = Array(byScore(candidates).prefix(maxNmsInput))
    }
    return nonMaxSuppression(candidates, iou: options.iou, agnostic: options.agnostic, maxDetections: options.maxDetections)
}

private func decodeEndToEnd(_ output: Tensor, _ options: DetectOptions) -> [RawDetection] {
    let rows = output.shape[1]
    let width = output.shape[2]
    let v = output.values
    var detections: [RawDetection] = []
    for r in 0..<rows where detections.count < options.maxDetections {
        let o = r * width
        let score = Double(v[o + 4])
        let classId = Int(jsRound(Double(v[o + 5])))
        if !(score > options.conf) { continue }
        if let allowed = options.classes, !allowed.contains(classId) { continue }
        let box = [Double(v[o]), Double(v[o + 1]), Double(v[o + 2]), Double(v[o + 3])]
        detections.append(RawDetection(box: box, score: score, classId: classId, extra: Array(v[(o + 6)..<(o + width)])))
    }
    return detections
}

/// JavaScript's Math.round: the nearest integer, halves up.
func jsRound(_ value: Double) -> Double {
    let floor = value.rounded(.down)
    return value - floor >= 0.5 ? floor + 1 : floor
}

func xywhToXyxy(_ cx: Double, _ cy: Double, _ w: Double, _ h: Double) -> [Double] {
    let halfW = w / 2
    let halfH = h / 2
    return [cx - halfW, cy - halfH, cx + halfW, cy + halfH]
}

/// Highest score first; equal scores keep their order (the reference's sort is stable).
func byScore(_ candidates: [RawDetection]) -> [RawDetection] {
    candidates.enumerated()
        .sorted { a, b in a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset }
        .map { $0.element }
}
