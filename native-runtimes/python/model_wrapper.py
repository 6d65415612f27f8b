"""Runs an Edgepack export (ONNX, OpenVINO or LiteRT) from its metadata.json alone and answers what Edgepack's app,
`edgepack predict --json` and the endpoint answer: the same predictions, byte for byte.

    from model_wrapper import ModelWrapper
    model = ModelWrapper("model.onnx")            # metadata.json beside it
    predictions = model.predict("photo.jpg")      # [{"class", "class_id", "confidence", "bbox", ...}, ...]

No Edgepack or Ultralytics import: numpy, OpenCV, Pillow and the runtime of the model's format.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from wrapper_backends import model_format, open_backend
from wrapper_errors import ImageError, MetadataError, ModelFileError, ModelOutputError, WrapperError
from wrapper_image import Placement, input_tensor, read_image, resized_pixels
from wrapper_metadata import ModelSpec, document_for_model, load_metadata, model_files, model_spec
from wrapper_postprocess import check_outputs, postprocess

__all__ = [
    "ImageError",
    "MetadataError",
    "ModelFileError",
    "ModelOutputError",
    "ModelWrapper",
    "WrapperError",
]

# In a bundle this file is runtimes/python/model_wrapper.py; the model and metadata.json are at the bundle's root.
BUNDLE_ROOT = Path(__file__).resolve().parent.parent.parent
RUNNABLE = ("onnx", "openvino", "tflite")


class ModelWrapper:
    """A model and its metadata.json. `model`: the model file (or OpenVINO folder); default, the first runnable
    format metadata.json names. `metadata`: default, metadata.json beside the model (else the bundle's root)."""

    def __init__(self, model: str | Path | None = None, metadata: str | Path | None = None) -> None:
        model_path = Path(model) if model is not None else None
        metadata_path = Path(metadata) if metadata is not None else _metadata_beside(model_path)
        everything = load_metadata(metadata_path)
        if model_path is None:
            model_path = _default_model(everything, metadata_path)
        fmt = model_format(model_path)
        names = [model_path.name] + ([model_path.parent.name] if model_path.suffix.lower() == ".xml" else [])
        self.spec: ModelSpec = model_spec(document_for_model(everything, names, metadata_path), metadata_path)
        if self.spec.format != fmt:
            raise MetadataError(
                f"{metadata_path}: field `format` says {self.spec.format} for {model_path.name}, a {fmt} model."
            )
        self.model_path = model_path
        self.backend = open_backend(model_path, self.spec)

    def preprocess(self, rgb: np.ndarray) -> tuple[np.ndarray, Placement]:
        """RGB uint8 HxWx3 (as read_image gives it) → the model's input tensor, and where the photo sits in it."""
        pixels, placement = resized_pixels(rgb, self.spec)
        return input_tensor(pixels, self.spec), placement

    def infer(self, tensor: np.ndarray) -> list[np.ndarray]:
        """The model's raw outputs (float32, Ultralytics' order and layout), checked against metadata.json."""
        outputs = self.backend.run(tensor)
        check_outputs(outputs, self.spec, str(self.model_path))
        return outputs

    def postprocess(self, outputs: list[np.ndarray], placement: Placement, **options) -> list[dict]:
        """Predictions from raw outputs. Options: conf, iou, max_det, agnostic, classes, top_k."""
        check_outputs(outputs, self.spec, str(self.model_path))
        return postprocess(outputs, placement, self.spec, options)

    def predict(self, image: str | Path, **options) -> list[dict]:
        """The predictions for one image file, as `edgepack predict --json` lists them."""
        return self.predict_timed(image, **options)[0]

    def predict_timed(self, image: str | Path, **options) -> tuple[list[dict], dict[str, float]]:
        """Predictions and each stage's milliseconds: decode, preprocess, inference, postprocess, total."""
        marks = [time.perf_counter()]
        rgb = read_image(image)
        marks.append(time.perf_counter())
        tensor, placement = self.preprocess(rgb)
        marks.append(time.perf_counter())
        outputs = self.infer(tensor)
        marks.append(time.perf_counter())
        predictions = postprocess(outputs, placement, self.spec, options)
        marks.append(time.perf_counter())
        stages = ("decode", "preprocess", "inference", "postprocess")
        timings = {name: (marks[i + 1] - marks[i]) * 1000 for i, name in enumerate(stages)}
        timings["total"] = (marks[-1] - marks[0]) * 1000
        return predictions, timings


def _metadata_beside(model: Path | None) -> Path:
    if model is None:
        return BUNDLE_ROOT / "metadata.json"
    folder = model.parent.parent if model.suffix.lower() == ".xml" else model.parent
    return folder / "metadata.json"


def _default_model(metadata: dict, metadata_path: Path) -> Path:
    for fmt, file in model_files(metadata):
        if fmt in RUNNABLE and isinstance(file, str):
            return metadata_path.parent / file
    raise MetadataError(
        f"{metadata_path}: names no model this wrapper runs ({', '.join(RUNNABLE)}) in `model_file`/`formats`. "
        "Give one with --model PATH."
    )
