import Foundation

/// Ultralytics' per-class offset: boxes of different classes are moved this far apart so they never overlap.
private let classOffset = 7680.0

func boxArea(_ box: [Double]) -> Double {
    max(0, box[2] - box[0]) * max(0, box[3] - box[1])
}

func iou(_ a: [Double], _ b: [Double]) -> Double {
    let width = min(a[2], b[2]) - max(a[0], b[0])
    let height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 || height <= 0 { return 0 }
    let intersection = width * height
    return intersection / (boxArea(a) + boxArea(b) - intersection)
}

/// Greedy non-maximum suppression as torchvision.ops.nms (the reference's nms.ts): highest score first, drop boxes
/// whose IoU with a kept box exceeds the threshold; per class (boxes offset by class) unless agnostic. Kept
/// detections in descending score order, at most maxDetections.
public func nonMaxSuppression(_ candidates: [RawDetection], iou threshold: Double, agnostic: Bool, maxDetections: Int)
    -> [RawDetection]
{
    let order = byScore(candidates)
    let shifted = order.map { (candidate: RawDetection) -> [Double] in
        let offset = agnostic ? 0 : Double(candidate.classId) * classOffset
        return candidate.box.map { $0 + offset }
    }
    var suppressed = [Bool](repeating: false, count: order.count)
    var kept: [RawDetection] = []
    var i = 0
    while i < order.count && kept.count < maxDetections {
        if !suppressed[i] {
            kept.append(order[i])
            for j in (i + 1)..<order.count where !suppressed[j] && iou(shifted[i], shifted[j]) > threshold {
                suppressed[j] = true
            }
        }
        i += 1
    }
    return kept
}
