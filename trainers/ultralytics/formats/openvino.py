"""OpenVINO IR through Ultralytics' exporter (FP16 = compressed weights, INT8 = nncf post-training quantization with
the decode head kept float); metadata in the IR's rt_info and metadata.yaml (Ultralytics') plus ours.

The folder is named `*_openvino_model`: that suffix is how Ultralytics' `YOLO(path)` recognises an OpenVINO IR.

Inference precision: OpenVINO chooses it per device when the model is compiled (`INFERENCE_PRECISION_HINT`): bf16 on
CPUs with AMX or AVX512-BF16, f32 on other CPUs. An IR cannot pin it for the CPU plugin (rt_info `runtime_options` is
read there only for KV-cache and dynamic-quantization settings, not for the inference precision), so parity compiles
the IR the way a loader does — OpenVINO's defaults, as `YOLO(folder)` and `ov.Core().compile_model(xml, "CPU")` —
and records the precision that ran (`inference_precision`), judged by that precision's tolerance."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from trainers.common.metadata import embedded_copy
from trainers.common.registry import BATCH, CALIB_DIR, DYNAMIC, IMGSZ, TASKS, FormatSpec, Option, register

from ..calibration_feed import calibration_arrays, exporter_calibration, refuse_half_and_int8

ARTIFACT = "model_openvino_model"  # the suffix YOLO() recognises an OpenVINO folder by
RT_INFO_KEY = "edgepack_metadata"


def export(ctx) -> Path:
    optimization = ctx.optimization_options
    refuse_half_and_int8(optimization)
    opts = ctx.export_options
    kwargs = {"format": "openvino", "imgsz": ctx.imgsz, "batch": opts["batch"], "dynamic": opts["dynamic"]}
    if optimization.get("half"):
        kwargs["quantize"] = 16
    if optimization.get("int8"):
        arrays = calibration_arrays(ctx, 1)
        kwargs.update(quantize=8, data=ctx.calibration["source"])
        with exporter_calibration(arrays):
            produced = ctx.loaded.yolo.export(**kwargs, device="cpu", verbose=False)
        ctx.calibration["method"] = "nncf post-training quantization (MIXED preset); the decode head stays float"
    else:
        produced = ctx.loaded.yolo.export(**kwargs, device="cpu", verbose=False)
    target = ctx.output_dir / ARTIFACT
    shutil.move(str(produced), target)
    return target


def _xml(path: Path) -> Path:
    return next(path.glob("*.xml"))


# Compile options of a loader: Ultralytics' OpenVINO backend compiles for latency and leaves the precision to
# OpenVINO (it pins f32 only on Windows and ARM64 Linux, where reduced-precision kernels misbehave).
LOADER_CONFIG = {"PERFORMANCE_HINT": "LATENCY"}
PRECISION_NAMES = {"f32": "fp32", "bf16": "bf16", "f16": "fp16"}


def inference_precision(compiled) -> str:
    """The floating-point precision a compiled model computes in (fp32, bf16 or fp16)."""
    kind = compiled.get_property("INFERENCE_PRECISION_HINT")
    name = kind.get_type_name() if hasattr(kind, "get_type_name") else str(kind)
    return PRECISION_NAMES.get(name, name)


def load_runner(path: Path):
    """The IR as a loader runs it: compiled on the CPU with OpenVINO's defaults (no precision hint)."""
    import openvino as ov

    core = ov.Core()
    compiled = core.compile_model(str(_xml(path)), "CPU", dict(LOADER_CONFIG))
    fixed_batch = compiled.inputs[0].get_partial_shape()[0]
    batch = fixed_batch.get_length() if fixed_batch.is_static else None

    def run(x: np.ndarray) -> list[np.ndarray]:
        if batch and batch != x.shape[0]:
            x = np.repeat(x[:1], batch, axis=0)
        result = compiled(x.astype(np.float32))
        return [np.asarray(result[o][:1], dtype=np.float32) for o in compiled.outputs]

    run.inference_precision = inference_precision(compiled)
    return run


def _shape(partial) -> list:
    return [d.get_length() if d.is_static else "dynamic" for d in partial]


def describe_io(path: Path) -> dict:
    import openvino as ov

    model = ov.Core().read_model(str(_xml(path)))
    first = model.inputs[0]
    return {
        "input": {
            "name": first.get_any_name(),
            "shape": _shape(first.get_partial_shape()),
            "dtype": first.get_element_type().to_dtype().name,
            "layout": "NCHW",
        },
        "outputs": [
            {
                "name": (o.get_names() and o.get_any_name()) or f"output{i}",
                "shape": _shape(o.get_partial_shape()),
                "dtype": o.get_element_type().to_dtype().name,
            }
            for i, o in enumerate(model.outputs)
        ],
        "format_details": {"openvino": ov.__version__, "files": sorted(p.name for p in path.iterdir())},
    }


def embed_metadata(path: Path, meta: dict) -> None:
    """rt_info of the IR (read back with model.get_rt_info), beside Ultralytics' model_info and metadata.yaml."""
    import openvino as ov

    xml = _xml(path)
    core = ov.Core()
    model = core.read_model(str(xml))
    model.set_rt_info(json.dumps(embedded_copy(meta)), [RT_INFO_KEY])
    scratch = path / "rewrite"
    scratch.mkdir()
    ov.save_model(model, str(scratch / xml.name), compress_to_fp16=False)
    del model
    for produced in scratch.iterdir():
        shutil.move(str(produced), path / produced.name)
    scratch.rmdir()


def read_metadata(path: Path) -> dict:
    import openvino as ov

    model = ov.Core().read_model(str(_xml(path)))
    return json.loads(model.get_rt_info([RT_INFO_KEY]).astype(str))


SPEC = register(
    FormatSpec(
        id="openvino",
        label="OpenVINO",
        artifact=ARTIFACT,
        export_options={
            "imgsz": IMGSZ,
            "dynamic": DYNAMIC,
            "batch": BATCH,
        },
        optimization_options={
            "half": Option(bool, False, "FP16 weights (compressed IR)"),
            "int8": Option(bool, False, "INT8 through nncf, calibrated on the calibration folder's images"),
            "calib_dir": CALIB_DIR,
        },
        tasks=TASKS,
        rank=3,
        export=export,
        load_runner=load_runner,
        describe_io=describe_io,
        embed_metadata=embed_metadata,
        runtime="OpenVINO runtime (CPU)",
        packages=("openvino", "nncf"),
        quality="excellent",
    )
)
