import Foundation

/// Python 3's round(): halves go to the even neighbour, so letterbox sizes match Ultralytics to the pixel.
func pythonRound(_ value: Double) -> Int {
    Int(value.rounded(.toNearestOrEven))
}

private let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]

/// `value` rounded to `digits` decimals as the reference's roundTo: JavaScript's Math.round (nearest, halves up)
/// of value × 10^digits, divided back. Every number of a prediction goes through it, once.
public func roundTo(_ value: Double, _ digits: Int) -> Double {
    let factor = powersOfTen[digits]
    let scaled = value * factor
    let floor = scaled.rounded(.down)
    // scaled - floor is exact here, so this is Math.round's choice, not floor(scaled + 0.5)'s.
    let rounded = scaled - floor >= 0.5 ? floor + 1 : floor
    return rounded / factor
}
