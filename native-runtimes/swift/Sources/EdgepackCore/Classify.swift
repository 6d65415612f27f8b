import Foundation

public struct ClassScore: Equatable {
    public let classId: Int
    public let score: Float
}

/// Probabilities from a classifier's output: as they are when they already sum to 1, else through softmax (each
/// value stored as float32, as the reference's Float32Array does).
public func toProbabilities(_ values: [Float]) -> [Float] {
    var sum = 0.0
    var allInRange = true
    for v in values {
        sum += Double(v)
        if v < 0 || v > 1 { allInRange = false }
    }
    if allInRange && abs(sum - 1) < 1e-3 { return values }
    let top = Double(values.max() ?? 0)
    let exps = values.map { Float(exp(Double($0) - top)) }
    let total = exps.reduce(0.0) { $0 + Double($1) }
    return exps.map { Float(Double($0) / total) }
}

/// The k most probable classes, highest first (ties keep the lower class id first); optionally only some classes.
public func topK(_ probabilities: [Float], _ k: Int, classes: Set<Int>? = nil) -> [ClassScore] {
    let scores = probabilities.enumerated()
        .filter { classes?.contains($0.offset) ?? true }
        .map { ClassScore(classId: $0.offset, score: $0.element) }
    let sorted = scores.sorted { a, b in a.score != b.score ? a.score > b.score : a.classId < b.classId }
    return Array(sorted.prefix(max(0, k)))
}
