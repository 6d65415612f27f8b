"""The Docker package's HTTP server: `POST /v1/infer` as Edgepack's endpoint answers it, with the Python wrapper's
pre- and post-processing around a Triton Inference Server that runs the model.

    python server.py --triton http://triton:8000 --model <triton model name> --port 8080

Request: JSON `{"image": "<base64>", "confidence_threshold": 0.5, ...}`, or the raw image bytes with an image/* or
application/octet-stream content type (options in the query string). Answer: `{deployment_id, model_version, task,
image, predictions, timing}`; errors `{"error": {"code", "message", "hint"}}`. Standard library only, besides the
wrapper's numpy and OpenCV.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import re
import tempfile
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
from wrapper_errors import WrapperError
from wrapper_image import input_tensor, read_image, resized_pixels
from wrapper_json import js_stringify
from wrapper_metadata import ModelSpec, document_for_model, load_metadata, model_spec
from wrapper_postprocess import check_outputs, postprocess

MAX_BODY_BYTES = 64 * 1024 * 1024
BASE64 = re.compile(r"^[A-Za-z0-9+/_-]*={0,2}$")
FIELDS_HINT = (
    "Fields: image (base64), confidence_threshold and iou_threshold (0-1), max_detections (1-1000), "
    "classes (ids), agnostic_nms, top_k (classification, 1-100)."
)
NUMPY_TYPES = {"FP32": np.float32, "FP16": np.float16, "UINT8": np.uint8, "INT8": np.int8}


class ServiceError(Exception):
    def __init__(self, status: int, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.hint = status, code, message, hint


def invalid(message: str) -> ServiceError:
    return ServiceError(400, "INVALID_REQUEST", f"Invalid inference request: {message}.", FIELDS_HINT)


# name: (type check, range check, option name for the wrapper)
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


class Triton:
    """Triton's HTTP/REST v2 protocol with the binary tensor extension (one request per image)."""

    def __init__(self, url: str, model: str, timeout: float) -> None:
        self.base, self.model, self.timeout = url.rstrip("/"), model, timeout

    def infer(self, name: str, tensor: np.ndarray, datatype: str) -> list[np.ndarray]:
        data = np.ascontiguousarray(tensor).tobytes()
        header = json.dumps(
            {
                "inputs": [
                    {
                        "name": name,
                        "shape": list(tensor.shape),
                        "datatype": datatype,
                        "parameters": {"binary_data_size": len(data)},
                    }
                ],
                "outputs": [{"name": n, "parameters": {"binary_data": True}} for n in self.output_names()],
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.base}/v2/models/{self.model}/infer",
            data=header + data,
            headers={"Content-Type": "application/octet-stream", "Inference-Header-Content-Length": str(len(header))},
        )
        body, header_length = self._send(request)
        answer = json.loads(body[:header_length])
        outputs, offset = [], header_length
        for output in answer["outputs"]:
            size = output["parameters"]["binary_data_size"]
            dtype = NUMPY_TYPES.get(output["datatype"], np.float32)
            array = np.frombuffer(body[offset : offset + size], dtype=dtype).reshape(output["shape"])
            outputs.append(array.astype(np.float32))
            offset += size
        return outputs

    def output_names(self) -> list[str]:
        if not hasattr(self, "_outputs"):
            body, _ = self._send(urllib.request.Request(f"{self.base}/v2/models/{self.model}"))
            self._outputs = [o["name"] for o in json.loads(body)["outputs"]]
        return self._outputs

    def ready(self) -> bool:
        try:
            self._send(urllib.request.Request(f"{self.base}/v2/models/{self.model}/ready"))
            return True
        except ServiceError:
            return False

    def _send(self, request: urllib.request.Request) -> tuple[bytes, int]:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
                return body, int(response.headers.get("Inference-Header-Content-Length") or len(body))
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")[:500]
            raise ServiceError(
                502,
                "INFERENCE_FAILED",
                f"Triton answered {e.code} for model {self.model}: {detail}",
                "The model could not run on this input; check the Triton container's log.",
            ) from None
        except (urllib.error.URLError, OSError) as e:
            raise ServiceError(
                503,
                "BACKEND_UNAVAILABLE",
                f"Triton at {self.base} cannot be reached ({getattr(e, 'reason', e)}).",
                "The inference server is down or restarting; try again shortly (docker compose ps).",
            ) from None


class Service:
    def __init__(self, spec: ModelSpec, triton: Triton, version: int) -> None:
        self.spec, self.triton, self.version = spec, triton, version

    def run(self, image: bytes, options: dict) -> dict:
        marks = [time.perf_counter()]
        rgb = decode(image)
        marks.append(time.perf_counter())
        pixels, placement = resized_pixels(rgb, self.spec)
        tensor = input_tensor(pixels, self.spec)
        marks.append(time.perf_counter())
        datatype = {"float32": "FP32", "float16": "FP16", "uint8": "UINT8", "int8": "INT8"}[self.spec.input_dtype]
        outputs = self.triton.infer(self.spec.input_name, tensor, datatype)
        check_outputs(outputs, self.spec, self.triton.model)
        marks.append(time.perf_counter())
        predictions = postprocess(outputs, placement, self.spec, options)
        marks.append(time.perf_counter())
        ms = lambda a, b: round((marks[b] - marks[a]) * 1000, 3)  # noqa: E731
        return {
            "deployment_id": self.triton.model,
            "model_version": self.version,
            "task": self.spec.task,
            "image": {"width": int(rgb.shape[1]), "height": int(rgb.shape[0])},
            "predictions": predictions,
            "timing": {
                "decode_ms": ms(0, 1),
                "preprocess_ms": ms(1, 2),
                "inference_ms": ms(2, 3),
                "postprocess_ms": ms(3, 4),
                "total_ms": ms(0, 4),
            },
        }


def decode(image: bytes) -> np.ndarray:
    """Through a file, as the app reads photos: cv2.imread's pixels exactly (EXIF orientation included)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(image)
        try:
            return read_image(path)
        except WrapperError:
            raise ServiceError(
                400,
                "INVALID_IMAGE",
                "The image could not be decoded.",
                "Send a JPEG, PNG, WebP, TIFF or BMP file's bytes.",
            ) from None


def handler_for(service: Service):
    class Handler(BaseHTTPRequestHandler):
        server_version = "edgepack-docker"

        def do_GET(self) -> None:
            if urlsplit(self.path).path != "/health":
                return self.answer(404, error_body("NOT_FOUND", f"No route GET {self.path}.", "POST /v1/infer."))
            ready = service.triton.ready()
            self.answer(200 if ready else 503, {"status": "ready" if ready else "waiting for Triton"})

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            if url.path.rstrip("/") not in ("/v1/infer", f"/v1/infer/{service.triton.model}"):
                return self.answer(404, error_body("NOT_FOUND", f"No route POST {url.path}.", "POST /v1/infer."))
            try:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    raise ServiceError(413, "PAYLOAD_TOO_LARGE", f"The body is {length} bytes.", "Send at most 64 MB.")
                body = self.rfile.read(length)
                content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                image, options = parse_request(content_type, body, url.query)
                self.answer(200, service.run(image, options))
            except ServiceError as e:
                self.answer(e.status, error_body(e.code, e.message, e.hint))
            except WrapperError as e:
                self.answer(
                    502, error_body("INFERENCE_FAILED", str(e), "Check that Triton serves this package's model.")
                )

        def answer(self, status: int, document: dict) -> None:
            data = js_stringify(document, 0).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:
            if os.environ.get("EDGEPACK_SERVER_QUIET") != "1":
                super().log_message(format, *args)

    return Handler


def error_body(code: str, message: str, hint: str) -> dict:
    return {"error": {"code": code, "message": message, "hint": hint}}


def main() -> None:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triton", default=os.environ.get("TRITON_URL", "http://triton:8000"))
    parser.add_argument("--model", default=os.environ.get("MODEL_NAME"), required="MODEL_NAME" not in os.environ)
    parser.add_argument("--model-file", default=os.environ.get("MODEL_FILE", "model.onnx"))
    parser.add_argument("--version", type=int, default=int(os.environ.get("MODEL_VERSION", "1")))
    parser.add_argument("--metadata", type=Path, default=here / "metadata.json")
    parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    args = parser.parse_args()
    everything = load_metadata(args.metadata)
    spec = model_spec(document_for_model(everything, [args.model_file], args.metadata), args.metadata)
    service = Service(spec, Triton(args.triton, args.model, timeout=60), args.version)
    server = ThreadingHTTPServer((args.host, args.port), handler_for(service))
    print(
        f"listening on http://{args.host}:{server.server_address[1]} (Triton {args.triton}, model {args.model})",
        flush=True,
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
