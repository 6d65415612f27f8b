"""metadata.json: everything a wrapper needs to reproduce the app's pre- and post-processing exactly.

Shape defined by resources/schemas/metadata.schema.json (SCHEMA_VERSION below must match its `schema_version`).

One file per export, always named `metadata.json`, beside the model files:
- its top level is the document of the export's first format (the model `model_file` names), exactly what a
  single-format export writes, so a reader of "model + metadata.json" needs nothing more;
- `formats` holds the document of every format of the export (the first one included), keyed by format id: a reader
  holding `model.tflite` takes `formats["tflite"]` (`document_for`).
The copy embedded in each artifact (ONNX metadata_props, OpenVINO rt_info, ...) is that format's document without
`validation` (the parity check runs on the finished artifact, so its figures cannot be inside it) and without
`formats`.
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import datetime, timezone
from importlib import metadata as pkg_metadata
from pathlib import Path

SCHEMA_VERSION = "1.2.0"
METADATA_FILE = "metadata.json"
# What Ultralytics' exporter writes into every export's own metadata (engine/exporter.py); repeated here so that
# metadata.json says the same (trainers/tests/test_formats.py compares them with what each artifact carries).
ULTRALYTICS_AUTHOR = "Ultralytics"
ULTRALYTICS_LICENSE = "AGPL-3.0 License (https://ultralytics.com/license)"
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
    """How to read output0 (and output1 for masks). `layout` names output0's axes in order, one per dimension (a sum
    is that axis' length), then after `;` what each anchor or row holds."""
    base: dict = {"type": task, "num_classes": nc}
    if task == "classify":
        return {
            **base,
            "layout": f"[batch, {nc}]; class probabilities (softmax applied)",
            "softmax_applied": True,
        }
    kpt_values = int(kpt_shape[0]) * int(kpt_shape[1]) if task == "pose" and kpt_shape else 0
    extras = {"detect": [], "segment": [32], "pose": [kpt_values] if kpt_values else [], "obb": [1]}[task]
    extra_words = {
        "detect": "",
        "segment": ", 32 mask coefficients",
        "pose": f", {kpt_values} keypoint values ({_keypoint_words(kpt_shape)})" if kpt_values else "",
        "obb": ", angle (radians)",
    }[task]
    if nms_embedded or end2end:
        row = "x1, y1, x2, y2, score, class" if task != "obb" else "cx, cy, w, h, score, class"
        width = " + ".join(str(n) for n in [6, *extras])
        base.update(layout=f"[batch, max_det, {width}]; each row = {row}{extra_words}", nms_applied=True)
    else:
        channels = " + ".join(str(n) for n in [4, nc, *extras])
        base.update(
            layout=f"[batch, {channels}, anchors]; each anchor = cx, cy, w, h (input pixels), {nc} class "
            f"score{'s' if nc != 1 else ''}{extra_words}",
            nms_applied=False,
            scores="sigmoid applied",
        )
    base["box_format"] = "xywhr" if task == "obb" else ("xyxy" if (nms_embedded or end2end) else "cxcywh")
    if task == "segment":
        base["masks"] = {"coefficients": 32, "proto_output": "output1", "activation": "sigmoid", "proto_stride": 4}
    if task == "pose" and kpt_shape:
        base["keypoints"] = {"shape": list(kpt_shape), "values": ["x", "y", "visibility"][: kpt_shape[1]]}
    return base


def _keypoint_words(kpt_shape) -> str:
    values = ", ".join(["x", "y", "visibility"][: int(kpt_shape[1])])
    return f"{int(kpt_shape[0])} keypoints × {values}"


def keypoint_names(kpt_names) -> dict[str, list[str]] | None:
    """Ultralytics' `kpt_names` ({class id: [keypoint names]}) with JSON keys."""
    if not kpt_names:
        return None
    return {str(int(k)): [str(n) for n in v] for k, v in dict(kpt_names).items()}


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
    kpt_names: dict | None = None,
    validation: dict | None = None,
    toolchain: dict | None = None,
) -> dict:
    meta = {
        "schema_version": SCHEMA_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "format": fmt,
        "model_file": artifact.name,
        "framework": "ultralytics",
        "task": task,
        "names": list(names),
        "stride": int(stride),
        "author": ULTRALYTICS_AUTHOR,
        "license": ULTRALYTICS_LICENSE,
        "input": io["input"],
        "outputs": io["outputs"],
        "preprocessing": preprocessing(task, stride),
        "postprocessing": {
            # a format whose outputs are not the raw tensors (CoreML's classifier) says how to read its own
            "decoder": decoder(task, len(names), nms_embedded, end2end, kpt_shape)
            | ({"layout": io["decoder_layout"]} if io.get("decoder_layout") else {}),
            "nms": {**DEFAULT_NMS, "embedded": nms_embedded or end2end},
        },
        "quantization": {"precision": precision, "calibration": None},
        "export": {"options": export_options, **io.get("format_details", {})},
        "source": source,
        "toolchain": toolchain or toolchain_versions(),
        "validation": validation,
    }
    if task == "pose" and keypoint_names(kpt_names):
        meta["kpt_names"] = keypoint_names(kpt_names)
    return meta


def embedded_copy(meta: dict) -> dict:
    """What goes inside an artifact: its format's document without `validation` (the check runs on the finished
    artifact) and without `formats`."""
    return {k: v for k, v in meta.items() if k not in ("validation", "formats")}


def metadata_file(documents: list[dict]) -> dict:
    """metadata.json of an export: the first format's document, plus every format's document under `formats`."""
    if not documents:
        raise ValueError("an export without a model has no metadata.json")
    first = {k: v for k, v in documents[0].items() if k != "formats"}
    return {**first, "formats": {d["format"]: embedded_copy(d) | {"validation": d["validation"]} for d in documents}}


def document_for(metadata: dict, fmt: str) -> dict:
    """The document of one format from a metadata.json (or from an embedded copy, which is one format's already)."""
    formats = metadata.get("formats")
    if isinstance(formats, dict) and fmt in formats:
        return formats[fmt]
    if metadata.get("format") == fmt:
        return embedded_copy(metadata) | ({"validation": metadata["validation"]} if "validation" in metadata else {})
    raise KeyError(f"this metadata.json has no {fmt} document (it has: {', '.join(formats or [metadata['format']])})")


def write_metadata(meta: dict, path: Path) -> Path:
    path.write_text(json.dumps(meta, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path
