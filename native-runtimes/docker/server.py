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
import io
import os
import tempfile
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from PIL import Image
from wrapper_errors import WrapperError
from wrapper_image import input_tensor, read_image, resized_pixels
from wrapper_json import js_stringify
from wrapper_metadata import ModelSpec, document_for_model, load_metadata, model_spec
from wrapper_postprocess import check_outputs, postprocess

from infer_request import ServiceError, parse_request
from triton_http import Triton

MAX_BODY_BYTES = 64 * 1024 * 1024
# As the platform's PLATFORM_MAX_IMAGE_PIXELS: a small file that decodes to gigapixels is refused from its header.
MAX_IMAGE_PIXELS = int(os.environ.get("EDGEPACK_MAX_IMAGE_PIXELS", "40000000"))


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


def refuse_too_many_pixels(image: bytes) -> None:
    """The size from the header alone (Pillow reads no pixels here); bytes Pillow cannot read are left to OpenCV."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(image)) as header:
                width, height = header.size
    except Image.DecompressionBombError:
        width, height = None, None
    except Exception:  # not an image Pillow knows: decoding says what it is
        return
    if width is None or width * height > MAX_IMAGE_PIXELS:
        size = "far too many pixels" if width is None else f"{width}×{height} ({width * height / 1e6:.1f} MP)"
        raise ServiceError(
            413,
            "IMAGE_TOO_LARGE",
            f"The image is {size}, above the {MAX_IMAGE_PIXELS / 1e6:.0f} MP this server reads.",
            "Resize or crop it first; the model sees it at a few hundred pixels anyway.",
        )


def decode(image: bytes) -> np.ndarray:
    """Through a file, as the app reads photos: cv2.imread's pixels exactly (EXIF orientation included)."""
    refuse_too_many_pixels(image)
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
