"""CoreML .mlpackage through Ultralytics' exporter (coremltools converts on Linux). It cannot run here, so it gets
structural checks: the spec loads, inputs/outputs and metadata are present. INT8 = 8-bit weight palettization."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from trainers.common import errors
from trainers.common.errors import ExportError
from trainers.common.metadata import embedded_copy
from trainers.common.registry import BATCH, IMGSZ, TASKS, FormatSpec, Option, register

from ..calibration_feed import refuse_half_and_int8

ARTIFACT = "model.mlpackage"
SPEC_FILE = Path("Data") / "com.apple.CoreML" / "model.mlmodel"
METADATA_KEY = "edgepack_metadata"
NOT_RUNNABLE = "CoreML runs on Apple devices (macOS, iOS) only, not on this OS"


def export(ctx) -> Path:
    optimization = ctx.optimization_options
    refuse_half_and_int8(optimization)
    if ctx.export_options.get("nms") and ctx.loaded.task == "classify":
        raise ExportError(errors.INVALID_CONFIG, "NMS does not apply to classification models.", "Untick NMS.")
    kwargs = {"format": "coreml", "imgsz": ctx.imgsz, "batch": ctx.export_options["batch"]}
    if ctx.export_options.get("nms"):
        kwargs["nms"] = True
    if optimization.get("half"):
        kwargs["quantize"] = 16
    if optimization.get("int8"):
        if optimization.get("calib_dir"):
            ctx.log("warning", "CoreML INT8 quantizes weights only (8-bit palettization); calib_dir is not used")
        kwargs["quantize"] = 8
        ctx.calibration = {"images": 0, "method": "8-bit k-means weight palettization (no activation calibration)"}
    _allow_numpy_2_4()
    produced = ctx.loaded.yolo.export(**kwargs, device="cpu", verbose=False)
    target = ctx.output_dir / ARTIFACT
    shutil.move(str(produced), target)
    return target


def _allow_numpy_2_4() -> None:
    """coremltools 9.0 casts one-element constant arrays with int(array), which numpy 2.4 refuses
    (apple/coremltools#2633): hand its cast the scalar inside instead."""
    import numpy as np
    from coremltools.converters.mil.frontend.torch import ops

    if getattr(ops._cast, "edgepack_patched", False):
        return
    mb = ops.mb

    def cast(context, node, dtype, dtype_name):  # ops._cast, with .item() for the folded constant
        x = ops._get_inputs(context, node, expected=1)[0]
        if not (len(x.shape) == 0 or all(d == 1 for d in x.shape)):
            raise ValueError("input to cast must be either a scalar or a length 1 tensor")
        if x.can_be_folded_to_const():
            res = x if isinstance(x.val, dtype) else mb.const(val=dtype(np.asarray(x.val).item()), name=node.name)
        elif len(x.shape) > 0:
            res = mb.cast(x=mb.squeeze(x=x, name=node.name + "_item"), dtype=dtype_name, name=node.name)
        else:
            res = mb.cast(x=x, dtype=dtype_name, name=node.name)
        context.add(res, node.name)

    cast.edgepack_patched = True
    ops._cast = cast


def _load_spec(path: Path):
    from coremltools.proto import Model_pb2

    spec = Model_pb2.Model()
    spec.ParseFromString((path / SPEC_FILE).read_bytes())
    return spec


def _shape(feature) -> list:
    kind = feature.type.WhichOneof("Type")
    if kind == "imageType":
        return [1, 3, int(feature.type.imageType.height), int(feature.type.imageType.width)]
    if kind == "multiArrayType":
        return [int(d) for d in feature.type.multiArrayType.shape]
    return ["num_classes"] if kind == "dictionaryType" else [1]  # a classifier's probabilities / top label


def _dtype(feature) -> str:
    kind = feature.type.WhichOneof("Type")
    if kind == "imageType":
        return "uint8"
    if kind == "multiArrayType":
        from coremltools.proto import FeatureTypes_pb2

        return FeatureTypes_pb2.ArrayFeatureType.ArrayDataType.Name(feature.type.multiArrayType.dataType).lower()
    return kind or "unknown"


def describe_io(path: Path) -> dict:
    import coremltools

    spec = _load_spec(path)
    first = spec.description.input[0]
    outputs = list(spec.description.output)
    probabilities = [o.name for o in outputs if o.type.WhichOneof("Type") == "dictionaryType"]
    labels = [o.name for o in outputs if o.type.WhichOneof("Type") == "stringType"]
    classifier = (
        {
            "decoder_layout": f"{labels[0]}: the top class name; {probabilities[0]}: {{class name: probability}} "
            "(softmax applied)"
        }
        if probabilities and labels
        else {}
    )
    return {
        **classifier,
        "input": {
            "name": first.name,
            "shape": _shape(first),
            "dtype": "uint8" if first.type.WhichOneof("Type") == "imageType" else "float32",
            "layout": "NCHW",
        },
        "outputs": [{"name": o.name, "shape": _shape(o), "dtype": _dtype(o)} for o in spec.description.output],
        "format_details": {
            "coremltools": coremltools.__version__,
            "specification_version": int(spec.specificationVersion),
            "model_type": spec.WhichOneof("Type"),
            "input_type": "image (RGB, scale 1/255)" if first.type.WhichOneof("Type") == "imageType" else "tensor",
        },
    }


def embed_metadata(path: Path, meta: dict) -> None:
    """CoreML user-defined metadata (Xcode shows it; MLModel.user_defined_metadata reads it), beside Ultralytics'."""
    spec = _load_spec(path)
    spec.description.metadata.userDefined[METADATA_KEY] = json.dumps(embedded_copy(meta), separators=(",", ":"))
    (path / SPEC_FILE).write_bytes(spec.SerializeToString())


def read_metadata(path: Path) -> dict:
    return json.loads(_load_spec(path).description.metadata.userDefined[METADATA_KEY])


def structural_check(path: Path) -> dict:
    """What can be checked without Apple's runtime: coremltools loads the package, its I/O and metadata are there."""
    import coremltools as ct

    checks = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        checks.append({"check": name, "passed": bool(ok), "detail": detail})

    try:
        ct.models.MLModel(str(path), skip_model_load=True)
        check("package loads in coremltools", True)
    except Exception as exc:  # the check itself is what failed
        check("package loads in coremltools", False, f"{type(exc).__name__}: {exc}")
    spec = _load_spec(path)
    inputs = [f"{i.name} {_shape(i)}" for i in spec.description.input]
    outputs = [f"{o.name} {_shape(o)}" for o in spec.description.output]
    check("inputs present", bool(inputs), ", ".join(inputs))
    check("outputs present", bool(outputs), ", ".join(outputs))
    user = spec.description.metadata.userDefined
    check("metadata present", METADATA_KEY in user and "names" in user, ", ".join(sorted(user)))
    passed = all(c["passed"] for c in checks)
    verdict = "structural checks passed" if passed else "a structural check FAILED"
    return {
        "status": "not_runnable",
        "passed": passed,
        "checks": checks,
        "note": f"Not runnable on this OS: {NOT_RUNNABLE}; {verdict} (spec loads, inputs/outputs, metadata).",
    }


SPEC = register(
    FormatSpec(
        id="coreml",
        label="CoreML",
        artifact=ARTIFACT,
        export_options={
            "imgsz": IMGSZ,
            "nms": Option(bool, None, "embed non-maximum suppression (Apple's NMS pipeline for detect)"),
            "batch": BATCH,
        },
        optimization_options={
            "half": Option(bool, False, "FP16 weights"),
            "int8": Option(bool, False, "8-bit weight palettization (no calibration images needed)"),
            "calib_dir": Option(str, None, "not used by CoreML (weights only)"),
        },
        tasks=TASKS,
        rank=4,
        export=export,
        describe_io=describe_io,
        embed_metadata=embed_metadata,
        structural_check=structural_check,
        packages=("coremltools",),
        runtime="Core ML (Apple devices only)",
        quality="good",
        note=f"{NOT_RUNNABLE}: checked structurally only.",
    )
)
