import Foundation

/// One model output as float32 values in C order, with its shape.
public struct Tensor: Equatable {
    public let shape: [Int]
    public let values: [Float]

    public init(shape: [Int], values: [Float]) throws {
        let count = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), count == values.count else {
            throw EdgepackError(
                .unsupportedModelOutput,
                "An output of shape \(shape) cannot hold the \(values.count) values given.",
                hint: "Pass the output's values in C order with the shape it has.")
        }
        self.shape = shape
        self.values = values
    }

    /// From little-endian bytes of `dtype` (float32, float16, float64, int32, int64): a raw output file.
    public init(littleEndian bytes: [UInt8], dtype: String, shape: [Int]) throws {
        let sizes = ["float32": 4, "float16": 2, "float64": 8, "int32": 4, "int64": 8]
        guard let size = sizes[dtype] else {
            throw EdgepackError(
                .unsupportedModelOutput, "Output values of type \(dtype) cannot be decoded.",
                hint: "Export the model with float outputs (Ultralytics exports do).")
        }
        guard bytes.count % size == 0 else {
            throw EdgepackError(
                .unsupportedModelOutput, "\(bytes.count) bytes are not a whole number of \(dtype) values.",
                hint: "Pass the output file unchanged.")
        }
        var values = [Float]()
        values.reserveCapacity(bytes.count / size)
        var at = 0
        while at < bytes.count {
            var bits: UInt64 = 0
            for b in 0..<size { bits |= UInt64(bytes[at + b]) << (8 * UInt64(b)) }
            switch dtype {
            case "float32": values.append(Float(bitPattern: UInt32(bits)))
            case "float16": values.append(halfToFloat(UInt16(bits)))
            case "float64": values.append(Float(Double(bitPattern: bits)))
            case "int32": values.append(Float(Int32(bitPattern: UInt32(bits))))
            default: values.append(Float(Int64(bitPattern: bits)))
            }
            at += size
        }
        try self.init(shape: shape, values: values)
    }
}

/// IEEE half → single precision, for models whose outputs are float16.
public func halfToFloat(_ h: UInt16) -> Float {
    let sign: Float = h & 0x8000 != 0 ? -1 : 1
    let exponent = Int((h >> 10) & 0x1f)
    let fraction = Float(h & 0x3ff)
    if exponent == 0 { return sign * Float(pow(2.0, -14.0)) * (fraction / 1024) }
    if exponent == 31 { return fraction != 0 ? Float.nan : sign * Float.infinity }
    return sign * Float(pow(2.0, Double(exponent - 15))) * (1 + fraction / 1024)
}
