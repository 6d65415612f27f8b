"""Export errors with stable codes: every failure a person sees says what went wrong and what to do."""

from __future__ import annotations

# Stable codes shared with the app (electron/contract). Never rename one; add new ones.
CHECKPOINT_NOT_FOUND = "CHECKPOINT_NOT_FOUND"
NOT_A_CHECKPOINT = "NOT_A_CHECKPOINT"
CHECKPOINT_TRUNCATED = "CHECKPOINT_TRUNCATED"
WRONG_FRAMEWORK = "WRONG_FRAMEWORK"
UNSAFE_PICKLE = "UNSAFE_PICKLE"
INVALID_CONFIG = "INVALID_CONFIG"
UNSUPPORTED_TASK = "UNSUPPORTED_TASK"
UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"
CHECKPOINT_LOAD_FAILED = "CHECKPOINT_LOAD_FAILED"
EXPORT_FAILED = "EXPORT_FAILED"
PARITY_FAILED = "PARITY_FAILED"
OUTPUT_NOT_WRITABLE = "OUTPUT_NOT_WRITABLE"
TOOLCHAIN_BROKEN = "TOOLCHAIN_BROKEN"
CONVERTER_MISSING = "CONVERTER_MISSING"
INTERNAL_ERROR = "INTERNAL_ERROR"
DATASET_NOT_FOUND = "DATASET_NOT_FOUND"
DATASET_INVALID = "DATASET_INVALID"
DATASET_EMPTY = "DATASET_EMPTY"
CLASS_NAMES_MISMATCH = "CLASS_NAMES_MISMATCH"  # same count: the person may confirm they agree by position
CLASS_COUNT_MISMATCH = "CLASS_COUNT_MISMATCH"
VALIDATION_FAILED = "VALIDATION_FAILED"
# Remote runs (a Kubernetes Job; trainers/common/remote_io.py)
CHECKPOINT_DOWNLOAD_FAILED = "CHECKPOINT_DOWNLOAD_FAILED"
CHECKPOINT_SHA256_MISMATCH = "CHECKPOINT_SHA256_MISMATCH"
ARTIFACTS_UPLOAD_FAILED = "ARTIFACTS_UPLOAD_FAILED"


class ExportError(Exception):
    """A failure with a stable code, a sentence for people and a hint on what to do next."""

    def __init__(self, code: str, message: str, hint: str = "", details: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.details = details or {}

    def to_dict(self) -> dict:
        out = {"code": self.code, "message": self.message, "hint": self.hint}
        if self.details:
            out["details"] = self.details
        return out

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
