"""metadata.json → the constants pre- and post-processing use (resources/schemas/metadata.schema.json).

An export's metadata.json has its first format's document at the top and every format's under `formats`; the
document of the model file being run is the one read. Every field the wrapper uses is required: a missing or
mis-typed one is a MetadataError naming the file and the field, never a silent default.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from wrapper_errors import MetadataError

TASKS = ("detect", "segment", "classify", "pose")
_MISSING = object()


@dataclass(frozen=True)
class Preprocess:
    mode: str  # "letterbox" | "shortest_edge_center_crop"
    pad_value: int
    scaleup: bool
    color_order: str  # "RGB" | "BGR"
    scale: float
    mean: tuple[float, float, float]
    std: tuple[float, float, float]


@dataclass(frozen=True)
class Nms:
    conf: float
    iou: float
    max_det: int
    agnostic: bool


@dataclass(frozen=True)
class ModelSpec:
    """One format's document, as the wrapper uses it."""

    path: Path  # the metadata.json it came from
    format: str
    model_file: str
    task: str
    names: list[str]
    input_name: str
    input_dtype: str  # float32 | float16 | uint8 | int8
    layout: str  # NCHW | NHWC
    height: int
    width: int
    output_shapes: list[list[int | str]]
    preprocess: Preprocess
    nms: Nms
    end_to_end: bool
    kpt_shape: tuple[int, int] | None
    mask_coefficients: int
    # Ultralytics' LiteRT export divides box (and keypoint x/y) channels by the input size.
    normalised_coordinates: bool


def load_metadata(path: Path) -> dict:
    """The whole metadata.json, as JSON."""
    if not path.is_file():
        raise MetadataError(
            f"{path}: metadata.json not found. Give the one written beside the exported model (--metadata PATH)."
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise MetadataError(f"{path}: not valid JSON ({e}). Use the metadata.json Edgepack wrote, unchanged.") from e
    if not isinstance(document, dict):
        raise MetadataError(f"{path}: the top level must be a JSON object (a metadata.json document).")
    return document


def model_files(metadata: dict) -> list[tuple[str, str]]:
    """(format, model_file) of every format the metadata describes, the first (top-level) one first."""
    found = []
    formats = metadata.get("formats")
    if isinstance(formats, dict):
        found = [(f, d.get("model_file")) for f, d in formats.items() if isinstance(d, dict)]
    top = (metadata.get("format"), metadata.get("model_file"))
    return [top, *[entry for entry in found if entry != top]]


def document_for_model(metadata: dict, names: list[str], path: Path) -> dict:
    """The document whose `model_file` is one of `names` (a model file's name, or an OpenVINO model's folder)."""
    formats = metadata.get("formats")
    if isinstance(formats, dict):
        for document in formats.values():
            if isinstance(document, dict) and document.get("model_file") in names:
                return document
    named = metadata.get("model_file")
    if named is None or named in names:
        return {k: v for k, v in metadata.items() if k != "formats"}
    described = ", ".join(str(f) for _, f in model_files(metadata))
    raise MetadataError(
        f"{path}: describes {described}, not {names[0]} (field `model_file`). "
        "Give the metadata.json written beside this model."
    )


def model_spec(document: dict, path: Path) -> ModelSpec:
    """Reads and checks every constant the wrapper uses from one format's document."""
    get = _Reader(document, path)
    task = get("task", str)
    if task not in TASKS:
        raise get.invalid("task", f"is {task!r}; this wrapper runs {', '.join(TASKS)}")
    names = get("names", list)
    if not names or not all(isinstance(n, str) for n in names):
        raise get.invalid("names", "must be a non-empty list of class names")
    layout = get("input.layout", str)
    if layout not in ("NCHW", "NHWC"):
        raise get.invalid("input.layout", f"is {layout!r}, expected NCHW or NHWC")
    dtype = get("input.dtype", str)
    if dtype not in ("float32", "float16"):
        raise get.invalid("input.dtype", f"is {dtype!r}; this wrapper feeds float32 or float16 inputs")
    height, width = _input_size(get, layout)
    num_classes = get("postprocessing.decoder.num_classes", int)
    if num_classes != len(names):
        raise get.invalid("postprocessing.decoder.num_classes", f"is {num_classes} but `names` has {len(names)}")
    kpt_shape = None
    if task == "pose":
        shape = get("postprocessing.decoder.keypoints.shape", list)
        if len(shape) != 2 or not all(isinstance(n, int) and n > 0 for n in shape) or shape[1] not in (2, 3):
            raise get.invalid("postprocessing.decoder.keypoints.shape", "must be [keypoints, 2 or 3]")
        kpt_shape = (shape[0], shape[1])
    outputs = get("outputs", list)
    if not outputs or not all(isinstance(o, dict) and isinstance(o.get("shape"), list) for o in outputs):
        raise get.invalid("outputs", "must list each output with its `shape`")
    export = get("export", dict)
    return ModelSpec(
        path=path,
        format=get("format", str),
        model_file=get("model_file", str),
        task=task,
        names=names,
        input_name=get("input.name", str),
        input_dtype=dtype,
        layout=layout,
        height=height,
        width=width,
        output_shapes=[o["shape"] for o in outputs],
        preprocess=_preprocess(get, task),
        nms=Nms(
            conf=get("postprocessing.nms.conf", float),
            iou=get("postprocessing.nms.iou", float),
            max_det=get("postprocessing.nms.max_det", int),
            agnostic=get("postprocessing.nms.agnostic", bool),
        ),
        end_to_end=get("postprocessing.nms.embedded", bool)
        or get("postprocessing.decoder.nms_applied", bool, default=False),
        kpt_shape=kpt_shape,
        mask_coefficients=get("postprocessing.decoder.masks.coefficients", int) if task == "segment" else 0,
        normalised_coordinates="coordinates" in export,
    )


def _input_size(get: _Reader, layout: str) -> tuple[int, int]:
    shape = get("input.shape", list)
    if len(shape) != 4:
        raise get.invalid("input.shape", f"is {shape}, expected four axes ({layout})")
    hw = shape[2:4] if layout == "NCHW" else shape[1:3]
    if all(isinstance(n, int) and n > 0 for n in hw):
        return hw[0], hw[1]
    imgsz = get("export.options.imgsz", object, default=None)
    if isinstance(imgsz, int) and imgsz > 0:
        return imgsz, imgsz
    if isinstance(imgsz, list) and len(imgsz) == 2 and all(isinstance(n, int) and n > 0 for n in imgsz):
        return imgsz[0], imgsz[1]
    raise get.invalid("input.shape", f"has dynamic height/width {hw} and `export.options.imgsz` gives no size")


def _preprocess(get: _Reader, task: str) -> Preprocess:
    mode = get("preprocessing.resize.mode", str)
    expected = "shortest_edge_center_crop" if task == "classify" else "letterbox"
    if mode != expected:
        raise get.invalid("preprocessing.resize.mode", f"is {mode!r}; a {task} model takes {expected!r}")
    interpolation = get("preprocessing.resize.interpolation", str)
    if interpolation != "bilinear":
        raise get.invalid("preprocessing.resize.interpolation", f"is {interpolation!r}; only bilinear is reproduced")
    letterbox = mode == "letterbox"
    if letterbox and (get("preprocessing.resize.auto", bool) or not get("preprocessing.resize.center", bool)):
        raise get.invalid("preprocessing.resize", "asks for auto or off-centre padding; Edgepack pads centred")
    color_order = get("preprocessing.color_order", str)
    if color_order not in ("RGB", "BGR"):
        raise get.invalid("preprocessing.color_order", f"is {color_order!r}, expected RGB or BGR")
    scale = get("preprocessing.scale", float)
    mean, std = get("preprocessing.mean", list), get("preprocessing.std", list)
    for field, triple in (("mean", mean), ("std", std)):
        if len(triple) != 3 or not all(isinstance(v, (int, float)) for v in triple):
            raise get.invalid(f"preprocessing.{field}", "must be three numbers (R, G, B)")
    if scale <= 0 or 0 in std:
        raise get.invalid("preprocessing", "`scale` and every `std` must be non-zero")
    return Preprocess(
        mode=mode,
        pad_value=get("preprocessing.resize.pad_value", int) if letterbox else 0,
        scaleup=get("preprocessing.resize.scaleup", bool) if letterbox else True,
        color_order=color_order,
        scale=scale,
        mean=(float(mean[0]), float(mean[1]), float(mean[2])),
        std=(float(std[0]), float(std[1]), float(std[2])),
    )


class _Reader:
    """Dotted-path field access that names the file and the field when one is missing or of the wrong type."""

    def __init__(self, document: dict, path: Path) -> None:
        self.document, self.path = document, path

    def __call__(self, field: str, kind: type, default: object = _MISSING):
        value: object = self.document
        for key in field.split("."):
            value = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        if value is _MISSING:
            if default is not _MISSING:
                return default
            raise MetadataError(
                f"{self.path}: field `{field}` is missing. Use the metadata.json Edgepack wrote beside the model."
            )
        if not _is(value, kind):
            raise self.invalid(field, f"must be {kind.__name__}, not {type(value).__name__} {value!r}")
        return float(value) if kind is float else value

    def invalid(self, field: str, why: str) -> MetadataError:
        return MetadataError(
            f"{self.path}: field `{field}` {why}. Use the metadata.json Edgepack wrote beside the model."
        )


def _is(value: object, kind: type) -> bool:
    if kind is object:
        return True
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)
