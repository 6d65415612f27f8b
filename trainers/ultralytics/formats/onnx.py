"""ONNX through Ultralytics' own exporter, so metadata_props carry its keys and `YOLO('model.onnx')` just works."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np

from trainers.common import errors
from trainers.common.errors import ExportError
from trainers.common.metadata import embedded_copy
from trainers.common.registry import BATCH, CALIB_DIR, DYNAMIC, IMGSZ, TASKS, FormatSpec, Option, register

ARTIFACT = "model.onnx"


def export(ctx, qdq_for: str = "onnxruntime") -> Path:
    """qdq_for: the runtime an INT8 model's Q/DQ layout is made for ("onnxruntime", or "tensorrt" for a deferred
    TensorRT build)."""
    opts = ctx.export_options
    optimization = ctx.optimization_options
    if optimization.get("half") and optimization.get("int8"):
        raise ExportError(errors.INVALID_CONFIG, "Choose FP16 (half) or INT8, not both.", "Untick one of them.")
    calibration = _calibration(ctx) if optimization.get("int8") else None
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
    if calibration is not None:
        _quantize_int8(produced, target, calibration, qdq_for)
        ctx.calibration["method"] = (
            "onnxruntime static quantization (QDQ, U8S8, per-channel weights, min-max): Conv/Gemm/MatMul and the "
            "activations between them in INT8; the head's decode stays float"
        )
    else:
        shutil.move(str(produced), target)
    return target


def _calibration(ctx) -> list[np.ndarray]:
    from ..calibration_feed import calibration_arrays

    return calibration_arrays(ctx, 1 if ctx.export_options["dynamic"] else ctx.export_options["batch"])


HEAD_NODE = re.compile(r"/model\.(\d+)/(.*)$")  # torch.onnx names nodes after the module path: /model.23/cv2.0/...


def float_nodes(graph) -> list[str]:
    """Nodes kept float: the head's own decode (ops at the head module's top level, its DFL) and anything outside the
    numbered layers (an embedded NMS). One INT8 scale spanning box pixels and class scores would zero the scores;
    everywhere else activations stay INT8 from one Conv to the next (SiLU, Add, Concat, pooling, upsampling too), as
    a float SiLU between every pair of INT8 convs makes the model slower than FP32 on ORT's CPU provider."""
    layers = [(node.name, HEAD_NODE.search(node.name)) for node in graph.node]
    head = max((int(m.group(1)) for _, m in layers if m), default=None)
    return [
        name
        for name, m in layers
        if m is None or (int(m.group(1)) == head and ("/" not in m.group(2) or m.group(2).startswith("dfl")))
    ]


def _quantize_int8(fp32: Path, target: Path, batches: list[np.ndarray], qdq_for: str) -> None:
    """Static QDQ with per-channel INT8 weights and min-max calibration. For ONNX Runtime: UINT8 activations (U8S8,
    the pair its x86 CPU kernels fuse into QLinearConv and run with VNNI; with INT8 activations most Conv nodes stay
    unfused and slow). For TensorRT: symmetric INT8 activations on the inputs of Conv/Gemm/MatMul only, the explicit
    quantization TensorRT builds from (it fuses the rest itself)."""
    import onnx
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    graph = onnx.load(str(fp32)).graph
    input_name = graph.input[0].name
    if qdq_for == "tensorrt":
        exclude = [n.name for n in graph.node if n.op_type not in {"Conv", "Gemm", "MatMul"} or "/dfl/" in n.name]
        activations, extra = QuantType.QInt8, {"ActivationSymmetric": True, "WeightSymmetric": True}
    else:
        exclude, activations, extra = float_nodes(graph), QuantType.QUInt8, {}
    del graph

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.items = iter(batches)

        def get_next(self):
            item = next(self.items, None)
            return None if item is None else {input_name: item}

        def rewind(self):
            self.items = iter(batches)

    quantize_static(
        str(fp32),
        str(target),
        Reader(),
        quant_format=QuantFormat.QDQ,
        per_channel=True,
        activation_type=activations,
        weight_type=QuantType.QInt8,
        nodes_to_exclude=exclude,
        extra_options=extra,
    )
    _copy_metadata_props(fp32, target)


def _copy_metadata_props(source: Path, target: Path) -> None:
    """quantize_static drops metadata_props; Ultralytics needs them to load the model with its names."""
    import onnx

    props = {p.key: p.value for p in onnx.load(str(source), load_external_data=False).metadata_props}
    model = onnx.load(str(target))
    existing = {p.key for p in model.metadata_props}
    for key, value in props.items():
        if key not in existing:
            entry = model.metadata_props.add()
            entry.key, entry.value = key, value
    onnx.save(model, str(target))


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
    entry.value = json.dumps(embedded_copy(meta), separators=(",", ":"))
    onnx.save(model, str(path))


def read_metadata(path: Path) -> dict:
    import json

    import onnx

    props = {p.key: p.value for p in onnx.load(str(path), load_external_data=False).metadata_props}
    return json.loads(props[METADATA_KEY])


SPEC = register(
    FormatSpec(
        id="onnx",
        label="ONNX",
        artifact=ARTIFACT,
        export_options={
            "imgsz": IMGSZ,
            "opset": Option(int, None, "ONNX opset; default: the newest this toolchain supports", 11, 23),
            "dynamic": DYNAMIC,
            "simplify": Option(bool, True, "simplify the graph with onnxslim"),
            "nms": Option(bool, None, "embed non-maximum suppression in the graph"),
            "batch": BATCH,
        },
        optimization_options={
            "half": Option(bool, False, "FP16 weights (inputs and outputs stay float32)"),
            "int8": Option(bool, False, "INT8 weights and activations, calibrated on the calibration folder's images"),
            "calib_dir": CALIB_DIR,
        },
        tasks=TASKS,
        rank=1,
        export=export,
        load_runner=load_runner,
        describe_io=describe_io,
        embed_metadata=embed_metadata,
        runtime="onnxruntime (CPUExecutionProvider)",
        packages=("onnx", "onnxslim", "onnxruntime"),
        quality="excellent",
    )
)
