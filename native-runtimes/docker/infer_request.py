"""What `POST /v1/infer` accepts, checked as Edgepack's endpoint checks it: the image (base64 JSON or raw bytes) and
the options, mapped to the Python wrapper's, or a ServiceError with the endpoint's code, message and hint."""

from __future__ import annotations

import base64
import binascii
import json
import re
from urllib.parse import parse_qs

BASE64 = re.compile(r"^[A-Za-z0-9+/_-]*={0,2}$")
FIELDS_HINT = (
    "Fields: image (base64), confidence_threshold and iou_threshold (0-1), max_detections (1-1000), "
    "classes (ids), agnostic_nms, top_k (classification, 1-100)."
)


class ServiceError(Exception):
    def __init__(self, status: int, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.hint = status, code, message, hint


def invalid(message: str) -> ServiceError:
    return ServiceError(400, "INVALID_REQUEST", f"Invalid inference request: {message}.", FIELDS_HINT)


# field: (accepts its value, what it must be, the wrapper's option)
OPTIONS = {
    "confidence_threshold": (lambda v: isinstance(v, (int, float)) and 0 <= v <= 1, "a number from 0 to 1", "conf"),
    "iou_threshold": (lambda v: isinstance(v, (int, float)) and 0 <= v <= 1, "a number from 0 to 1", "iou"),
    "max_detections": (lambda v: isinstance(v, int) and 1 <= v <= 1000, "an integer from 1 to 1000", "max_det"),
    "top_k": (lambda v: isinstance(v, int) and 1 <= v <= 100, "an integer from 1 to 100", "top_k"),
    "classes": (
        lambda v: isinstance(v, list) and all(isinstance(c, int) and c >= 0 for c in v),
        "a list of class ids",
        "classes",
    ),
    "agnostic_nms": (lambda v: isinstance(v, bool), "true or false", "agnostic"),
}


def wrapper_options(fields: dict) -> dict:
    options = {}
    for name, value in fields.items():
        if name not in OPTIONS:
            raise invalid(f'unknown field(s) "{name}"')
        accepts, expected, option = OPTIONS[name]
        if (isinstance(value, bool) and name != "agnostic_nms") or not accepts(value):
            raise invalid(f"{name}: must be {expected}")
        options[option] = value
    return options


def decode_base64(text: object) -> bytes:
    if not isinstance(text, str):
        raise invalid("image: image must be a base64 string")
    payload = re.sub(r"\s+", "", re.sub(r"^data:[\w/+.-]+;base64,", "", text))
    if not payload:
        raise ServiceError(
            400, "IMAGE_MISSING", 'The "image" field is empty.', 'Send the photo base64-encoded: {"image": "<base64>"}.'
        )
    if not BASE64.match(payload) or len(payload) % 4 == 1:
        raise ServiceError(
            400,
            "INVALID_BASE64",
            '"image" is not valid base64.',
            "Encode the file bytes with base64 (e.g. `base64 -w0 photo.jpg`), without line breaks or other text.",
        )
    try:
        return base64.urlsafe_b64decode(payload.replace("+", "-").replace("/", "_") + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError) as e:
        raise ServiceError(
            400, "INVALID_BASE64", f'"image" is not valid base64: {e}.', "Encode the file bytes with base64."
        ) from None


def parse_request(content_type: str, body: bytes, query: str) -> tuple[bytes, dict]:
    if content_type.startswith("image/") or content_type == "application/octet-stream":
        fields = {}
        for name, values in parse_qs(query).items():
            if name not in ("confidence_threshold", "iou_threshold", "max_detections", "top_k"):
                raise invalid(f'unknown query option "{name}"')
            try:
                fields[name] = int(values[-1]) if name in ("max_detections", "top_k") else float(values[-1])
            except ValueError:
                raise invalid(f"{name}: must be a number") from None
        return body, wrapper_options(fields)
    try:
        document = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        document = None
    if not isinstance(document, dict):
        raise ServiceError(
            400,
            "INVALID_REQUEST",
            "The request body must be a JSON object.",
            'Send {"image": "<base64>", "confidence_threshold": 0.5}.',
        )
    if "image" not in document:
        raise ServiceError(
            400, "IMAGE_MISSING", 'The request has no "image".', 'Send the photo base64-encoded: {"image": "<base64>"}.'
        )
    image = decode_base64(document.pop("image"))
    return image, wrapper_options(document)
