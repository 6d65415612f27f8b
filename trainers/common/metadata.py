"""metadata.json: everything a wrapper needs to reproduce the app's pre- and post-processing exactly.

Shape defined by resources/schemas/metadata.schema.json (SCHEMA_VERSION below must match its `schema_version`).
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import datetime, timezone
from importlib import metadata as pkg_metadata
from pathlib import Path

SCHEMA_VERSION = "1.0.0"
TRAINER_VERSION = "0.1.0"
TOOLCHAIN_PACKAGES = ("torch", "torchvision", "ultralytics", "onnx", "onnxruntime", "onnxslim", "numpy")
DEFAULT_NMS = {"conf": 0.25, "iou": 0.7, "max_det": 300, "agnostic": False}


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def toolchain_versions() -> dict:
    versions = {"python": platform.python_version(), "edgepack_trainer": TRAINER_VERSION}
    for name in TOOLCHAIN_PACKAGES:
        try:
            versions[name] = pkg_metadata.version(name)
        except pkg_metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def preprocessing(task: str, stride: int) -> dict:
    common = {"color_order": "RGB", "scale": 1 / 255, "mean": [0.0, 0.0, 0.0], "std": [1.0, 1.0, 1.0]}
    if task == "classify":
        resize = {"mode": "shortest_edge_center_crop", "interpolation": "bilinear"}
    else:
        resize = {
            "mode": "letterbox",
            "pad_value": 114,
            "stride": stride,
            "auto": False,
            "center": True,
            "scaleup": True,
            "interpolation": "bilinear",
        }
    return {**common, "resize": resize}


def decoder(task: str, nc: int, nms_embedded: bool, end2end: bool, kpt_shape: list[int] | None) -> dict:
    """How to read output0 (and output1 for masks)."""
    base: dict = {"type": task, "num_classes": nc}
    if task == "classify":
        return {**base, "layout": "[batch, num_classes] probabilities (softmax applied)", "softmax_applied": True}
    if nms_embedded or end2end:
        row = "x1, y1, x2, y2, score, class" if task != "obb" else "cx, cy, w, h, score, class, angle"
        layout = f"[batch, max_det, {row}" + (", extras]" if task in ("segment", "pose") else "]")
        base.update(layout=layout, nms_applied=True)
    else:
        extra = {"detect": "", "segment": ", 32 mask coefficients", "pose": ", keypoints", "obb": ", angle (radians)"}
        base.update(
            layout=f"[batch, 4 + num_classes{extra[task]}, anchors]; box = cx, cy, w, h in input pixels",
            nms_applied=False,
            scores="sigmoid applied",
        )
    base["box_format"] = "xywhr" if task == "obb" else ("xyxy" if (nms_embedded or end2end) else "cxcywh")
    if task == "segment":
        base["masks"] = {"coefficients": 32, "proto_output": "output1", "activation": "sigmoid", "proto_stride": 4}
    if task == "pose" and kpt_shape:
        base["keypoints"] = {"shape": list(kpt_shape), "values": ["x", "y", "visibility"][: kpt_shape[1]]}
    return base


def build_metadata(
    *,
    fmt: str,
    artifact: Path,
    task: str,
    names: list[str],
    stride: int,
    io: dict,
    precision: str,
    export_options: dict,
    source: dict,
    nms_embedded: bool = False,
    end2end: bool = False,
    kpt_shape: list[int] | None = None,
    validation: dict | None = None,
    toolchain: dict | None = None,
) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "format": fmt,
        "model_file": artifact.name,
        "framework": "ultralytics",
        "task": task,
        "names": list(names),
        "input": io["input"],
        "outputs": io["outputs"],
        "preprocessing": preprocessing(task, stride),
        "postprocessing": {
            "decoder": decoder(task, len(names), nms_embedded, end2end, kpt_shape),
            "nms": {**DEFAULT_NMS, "embedded": nms_embedded or end2end},
        },
        "quantization": {"precision": precision, "calibration": None},
        "export": {"options": export_options, **io.get("format_details", {})},
        "source": source,
        "toolchain": toolchain or toolchain_versions(),
        "validation": validation,
    }


def write_metadata(meta: dict, path: Path) -> Path:
    path.write_text(json.dumps(meta, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path
