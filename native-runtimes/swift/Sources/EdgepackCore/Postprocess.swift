import Foundation

/// Thresholds and filters; anything left out is the model's default (metadata.json's postprocessing.nms).
public struct PostprocessOptions: Equatable {
    public var conf: Double?
    public var iou: Double?
    public var maxDet: Int?
    public var agnostic: Bool?
    /// Keep only these class ids.
    public var classes: [Int]?
    /// Classification: how many classes to list.
    public var topK: Int?

    public init(
        conf: Double? = nil, iou: Double? = nil, maxDet: Int? = nil, agnostic: Bool? = nil, classes: [Int]? = nil,
        topK: Int? = nil
    ) {
        self.conf = conf
        self.iou = iou
        self.maxDet = maxDet
        self.agnostic = agnostic
        self.classes = classes
        self.topK = topK
    }
}

/// Everything after inference (the reference's postprocess): decoding, NMS, masks, keypoints, top-k, in the
/// photo's pixels. `outputs` are the model's outputs in metadata.json's order.
public func postprocess(
    _ model: ModelFacts, outputs: [Tensor], transform: InputTransform, options: PostprocessOptions = PostprocessOptions()
) throws -> [Prediction] {
    guard let first = outputs.first else {
        throw EdgepackError(.unsupportedModelOutput, "The model produced no output.", hint: "Export it again.")
    }
    let classes = options.classes.map { Set($0) }
    let letterboxed: LetterboxTransform
    switch transform {
    case .centerCrop:
        return classify(model, first, topK: options.topK ?? 5, classes: classes)
    case .letterbox(let t):
        if model.task == .classify { return classify(model, first, topK: options.topK ?? 5, classes: classes) }
        letterboxed = t
    }
    let detections = try decodeDetections(
        first,
        DetectOptions(
            conf: options.conf ?? model.nms.conf, iou: options.iou ?? model.nms.iou,
            maxDetections: options.maxDet ?? model.nms.maxDet, agnostic: options.agnostic ?? model.nms.agnostic,
            classes: classes, numClasses: model.names.count, endToEnd: model.endToEnd ? true : nil))
    let prototypes: Tensor?
    if model.task == .segment {
        guard outputs.count >= 2 else {
            throw EdgepackError(
                .unsupportedModelOutput, "A segmentation model gives two outputs (boxes and mask prototypes); this one gave \(outputs.count).",
                hint: "Check that metadata.json's outputs belong to this model.")
        }
        prototypes = outputs[1]
    } else {
        prototypes = nil
    }
    var predictions: [Prediction] = []
    for d in detections {
        var prediction = classPrediction(model, d.classId, Double(d.score))
        let (x1, y1) = letterboxed.pointToSource(d.box[0], d.box[1])
        let (x2, y2) = letterboxed.pointToSource(d.box[2], d.box[3])
        prediction.bbox = [pixel(x1), pixel(y1), pixel(x2), pixel(y2)]
        if let prototypes = prototypes {
            guard
                let mask = try instanceMask(
                    prototypes, coefficients: d.extra, box: d.box, inputWidth: letterboxed.inputWidth,
                    inputHeight: letterboxed.inputHeight)
            else { continue }
            prediction.mask = .some(maskToSource(mask, letterboxed))
        }
        if model.task == .pose, let shape = model.keypointShape {
            prediction.keypoints = try keypoints(d.extra, shape, letterboxed)
        }
        predictions.append(prediction)
    }
    return predictions
}

private func classify(_ model: ModelFacts, _ output: Tensor, topK k: Int, classes: Set<Int>?) -> [Prediction] {
    topK(toProbabilities(output.values), k, classes: classes).map { classPrediction(model, $0.classId, Double($0.score)) }
}

private func classPrediction(_ model: ModelFacts, _ classId: Int, _ score: Double) -> Prediction {
    let name = classId >= 0 && classId < model.names.count ? model.names[classId] : String(classId)
    return Prediction(className: name, classId: classId, confidence: roundTo(score, 5))
}

/// A pose detection's keypoints (x, y[, visibility] per point, in model-input pixels) in the photo's pixels.
private func keypoints(_ values: [Float], _ shape: KeypointShape, _ transform: LetterboxTransform) throws -> [Keypoint] {
    guard values.count >= shape.count * shape.perPoint else {
        throw EdgepackError(
            .unsupportedModelOutput,
            "A pose detection carries \(values.count) keypoint values; metadata.json's keypoint shape needs \(shape.count * shape.perPoint).",
            hint: "Check that metadata.json's postprocessing.decoder.keypoints belongs to this model.")
    }
    return (0..<shape.count).map { (k: Int) -> Keypoint in
        let at = k * shape.perPoint
        let (x, y) = transform.pointToSource(Double(values[at]), Double(values[at + 1]))
        let visibility: Double? = shape.perPoint >= 3 ? roundTo(Double(values[at + 2]), 4) : nil
        return Keypoint(x: pixel(x), y: pixel(y), visibility: visibility)
    }
}
