"""ONNX through Ultralytics' own exporter, so metadata_props carry its keys and `YOLO('model.onnx')` just works."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from trainers.common.registry import FormatSpec, Option, register

from ..checkpoint import SUPPORTED_TASKS

ARTIFACT = "model.onnx"


def export(ctx) -> Path:
    opts = ctx.export_options
    kwargs = {
        "format": "onnx",
        "imgsz": ctx.imgsz,
        "dynamic": opts["dynamic"],
        "simplify": opts["simplify"],
        "batch": opts["batch"],
        "device": "cpu",
        "verbose": False,
    }
    if opts["opset"] is not None:
        kwargs["opset"] = opts["opset"]
    if opts["nms"] is not None:
        kwargs["nms"] = opts["nms"]
    if ctx.optimization_options.get("half"):
        kwargs["quantize"] = 16
    produced = Path(ctx.loaded.yolo.export(**kwargs))
    target = ctx.output_dir / ARTIFACT
    shutil.move(str(produced), target)
    return target


def load_runner(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    first = session.get_inputs()[0]
    fixed_batch = first.shape[0] if isinstance(first.shape[0], int) else None

    def run(x: np.ndarray) -> list[np.ndarray]:
        if fixed_batch and fixed_batch != x.shape[0]:  # a model exported with batch=N takes exactly N images
            x = np.repeat(x[:1], fixed_batch, axis=0)
        outputs = session.run(None, {first.name: x.astype(np.float32)})
        return [np.asarray(o[:1], dtype=np.float32) for o in outputs]

    return run


def _dims(value_info) -> list:
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def _dtype(value_info) -> str:
    import onnx

    return onnx.helper.tensor_dtype_to_np_dtype(value_info.type.tensor_type.elem_type).name


def describe_io(path: Path) -> dict:
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    graph = model.graph
    initializers = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]
    first = inputs[0]
    return {
        "input": {"name": first.name, "shape": _dims(first), "dtype": _dtype(first), "layout": "NCHW"},
        "outputs": [{"name": o.name, "shape": _dims(o), "dtype": _dtype(o)} for o in graph.output],
        "format_details": {
            "opset": max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=None),
            "ir_version": model.ir_version,
            "producer": f"{model.producer_name} {model.producer_version}".strip(),
        },
    }


METADATA_KEY = "edgepack_metadata"


def embed_metadata(path: Path, meta: dict) -> None:
    """Add metadata.json (minus validation) beside Ultralytics' own keys; the graph is untouched."""
    import json

    import onnx

    model = onnx.load(str(path))
    kept = [p for p in model.metadata_props if p.key != METADATA_KEY]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    entry = model.metadata_props.add()
    entry.key = METADATA_KEY
    entry.value = json.dumps({k: v for k, v in meta.items() if k != "validation"}, separators=(",", ":"))
    onnx.save(model, str(path))


SPEC = register(
    FormatSpec(
        id="onnx",
        label="ONNX",
        artifact=ARTIFACT,
        export_options={
            "imgsz": Option(int, None, "input size in pixels (square); default: the training size", 32, 4096),
            "opset": Option(int, None, "ONNX opset; default: the newest this toolchain supports", 11, 23),
            "dynamic": Option(bool, False, "dynamic batch and image size"),
            "simplify": Option(bool, True, "simplify the graph with onnxslim"),
            "nms": Option(bool, None, "embed non-maximum suppression in the graph"),
            "batch": Option(int, 1, "batch size of the exported input", 1, 64),
        },
        optimization_options={
            "half": Option(bool, False, "FP16 weights (inputs and outputs stay float32)"),
        },
        tasks=SUPPORTED_TASKS,
        export=export,
        load_runner=load_runner,
        describe_io=describe_io,
        embed_metadata=embed_metadata,
        runtime="onnxruntime (CPUExecutionProvider)",
    )
)
