import Foundation

/// A failure with a stable code, a sentence for people and what to do about it (the reference runtime's VisionError).
public struct EdgepackError: Error, Equatable, CustomStringConvertible {
    public enum Code: String {
        case notAnImage = "NOT_AN_IMAGE"
        case invalidModelFile = "INVALID_MODEL_FILE"
        case invalidModelMetadata = "INVALID_MODEL_METADATA"
        case unsupportedModelOutput = "UNSUPPORTED_MODEL_OUTPUT"
    }

    public let code: Code
    public let message: String
    public let hint: String

    public init(_ code: Code, _ message: String, hint: String) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String { "\(message) \(hint)" }
}
