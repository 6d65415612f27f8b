package dev.edgepack.runtime.core

/** A failure with a stable code, a sentence naming the problem and what to do about it (the reference's VisionError). */
class EdgepackError(val code: String, message: String, val hint: String) : RuntimeException("$message $hint") {
    companion object {
        const val INVALID_MODEL_METADATA = "INVALID_MODEL_METADATA"
        const val UNSUPPORTED_MODEL_OUTPUT = "UNSUPPORTED_MODEL_OUTPUT"
        const val INVALID_IMAGE = "INVALID_IMAGE"
        const val MISSING_FILE = "MISSING_FILE"
    }
}
