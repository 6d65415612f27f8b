"""TensorRT. An engine is specific to the GPU and TensorRT version that build it, so on a machine without an NVIDIA GPU
and TensorRT, the export is a deferred build: the ONNX, a ready `trtexec` script with the precision flags, and a Triton
`tensorrt_plan` config — the engine is built on the target device. With a GPU and TensorRT, a real engine is built and
its metadata written beside it (Ultralytics prepends it to the engine bytes; Edgepack strips it off again).
"""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

from trainers.common.metadata import embedded_copy
from trainers.common.registry import CALIB_DIR, IMGSZ, TASKS, FormatSpec, Option, register

from ..calibration_feed import refuse_half_and_int8
from . import onnx as onnx_format

ARTIFACT = "model_tensorrt"
ENGINE = "model.plan"
BUILD_SCRIPT = "build_engine.sh"
DEFERRED_NOTE = (
    "Deferred build: no NVIDIA GPU with TensorRT here, and an engine only runs on the GPU model and TensorRT version "
    "that built it. The engine is built on the target device: run build_engine.sh there (it calls trtexec)."
)


def gpu_here() -> dict:
    """Whether a real engine can be built on this machine, and if not, why."""
    try:
        import torch

        cuda = torch.cuda.is_available()
    except Exception:  # a broken torch install is not a GPU
        cuda = False
    try:
        import tensorrt  # noqa: F401

        trt = True
    except Exception:
        trt = False
    if cuda and trt:
        return {"buildable": True, "reason": None}
    missing = [what for what, ok in (("an NVIDIA GPU (CUDA)", cuda), ("the tensorrt package", trt)) if not ok]
    return {"buildable": False, "reason": f"needs {' and '.join(missing)}; exports a deferred build instead"}


def export(ctx) -> Path:
    refuse_half_and_int8(ctx.optimization_options)
    target = ctx.output_dir / ARTIFACT
    target.mkdir()
    if gpu_here()["buildable"]:
        _build_engine(ctx, target)
    else:
        _deferred_package(ctx, target)
    return target


def _deferred_package(ctx, target: Path) -> None:
    optimization = ctx.optimization_options
    onnx_ctx = dataclasses.replace(
        ctx,
        output_dir=target,
        export_options={
            "imgsz": None,
            "opset": ctx.export_options["opset"],
            "dynamic": False,
            "simplify": True,
            "nms": None,
            "batch": ctx.export_options["batch"],
        },
        # FP16 is TensorRT's own build flag (the ONNX stays FP32); INT8 ships a calibrated QDQ ONNX
        # (explicit quantization)
        optimization_options={"half": False, "int8": optimization["int8"], "calibDir": optimization.get("calibDir")},
    )
    onnx_path = onnx_format.export(onnx_ctx, qdq_for="tensorrt")
    ctx.calibration = onnx_ctx.calibration
    io = onnx_format.describe_io(onnx_path)
    script = target / BUILD_SCRIPT
    script.write_text(build_script(ctx.precision, ctx.export_options["workspace"]))
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    (target / "config.pbtxt").write_text(triton_config(io))


def trtexec_flags(precision: str) -> list[str]:
    if precision == "int8":  # the ONNX carries Q/DQ nodes; FP16 for the layers left in float
        return ["--int8", "--fp16"]
    return ["--fp16"] if precision == "fp16" else []


def build_script(precision: str, workspace_gib: int) -> str:
    flags = " ".join([*trtexec_flags(precision), f"--memPoolSize=workspace:{workspace_gib * 1024}M"])
    return f"""#!/usr/bin/env sh
# Builds the TensorRT engine for THIS device (NVIDIA GPU + TensorRT's trtexec on PATH).
# Precision: {precision}. Output: model.plan, and a Triton model repository in ./triton/model/1/model.plan.
set -eu
cd "$(dirname "$0")"
if ! command -v trtexec >/dev/null 2>&1; then
  echo "trtexec not found: install TensorRT (it ships trtexec) and retry" >&2
  exit 2
fi
trtexec --onnx=model.onnx --saveEngine={ENGINE} {flags} "$@"
mkdir -p triton/model/1
cp {ENGINE} triton/model/1/model.plan
cp config.pbtxt triton/model/config.pbtxt
echo "Built {ENGINE} ({precision}); Triton repository: $(pwd)/triton"
"""


_TRITON_TYPES = {
    "float32": "TYPE_FP32",
    "float16": "TYPE_FP16",
    "int8": "TYPE_INT8",
    "uint8": "TYPE_UINT8",
    "int32": "TYPE_INT32",
    "int64": "TYPE_INT64",
    "bool": "TYPE_BOOL",
}


def triton_config(io: dict) -> str:
    def tensor(entry: dict) -> str:
        dims = ", ".join(str(d if isinstance(d, int) else -1) for d in entry["shape"])
        kind = _TRITON_TYPES.get(entry["dtype"], "TYPE_FP32")
        return f'  {{\n    name: "{entry["name"]}"\n    data_type: {kind}\n    dims: [ {dims} ]\n  }}'

    outputs = ",\n".join(tensor(o) for o in io["outputs"])
    return (
        'name: "model"\nplatform: "tensorrt_plan"\nmax_batch_size: 0\n'
        f"input [\n{tensor(io['input'])}\n]\noutput [\n{outputs}\n]\n"
        "instance_group [\n  {\n    kind: KIND_GPU\n    count: 1\n  }\n]\n"
    )


def _build_engine(ctx, target: Path) -> None:
    """On a GPU machine: Ultralytics' engine export, with its metadata prefix moved out of the engine bytes."""
    kwargs = {
        "format": "engine",
        "imgsz": ctx.imgsz,
        "batch": ctx.export_options["batch"],
        "device": 0,
        "workspace": ctx.export_options["workspace"],
        "verbose": False,
    }
    if ctx.precision == "fp16":
        kwargs["quantize"] = 16
    produced = Path(ctx.loaded.yolo.export(**kwargs))
    raw = produced.read_bytes()
    size = int.from_bytes(raw[:4], "little", signed=True)
    meta = json.loads(raw[4 : 4 + size].decode("utf-8"))
    (target / ENGINE).write_bytes(raw[4 + size :])
    (target / "ultralytics_metadata.json").write_text(json.dumps(meta, indent=2))
    produced.unlink()


def describe_io(path: Path) -> dict:
    onnx_path = path / "model.onnx"
    if onnx_path.exists():
        io = onnx_format.describe_io(onnx_path)
        io["format_details"] = {**io["format_details"], "engine": "deferred: built on the target with trtexec"}
        return io
    return {"input": {}, "outputs": [], "format_details": {"engine": ENGINE}}


def embed_metadata(path: Path, meta: dict) -> None:
    """An engine file holds no metadata: metadata.json goes beside it, in the package; the ONNX carries it too."""
    (path / "metadata.json").write_text(json.dumps(embedded_copy(meta), indent=2))
    if (path / "model.onnx").exists():
        onnx_format.embed_metadata(path / "model.onnx", meta)


def structural_check(path: Path) -> dict:
    import onnx

    if (path / ENGINE).exists():
        ok = (path / ENGINE).stat().st_size > 0
        return {"status": "passed" if ok else "failed", "passed": ok, "checks": [], "note": "Engine built here."}
    checks = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        checks.append({"check": name, "passed": bool(ok), "detail": detail})

    try:
        onnx.checker.check_model(str(path / "model.onnx"))
        check("model.onnx passes onnx.checker", True)
    except Exception as exc:
        check("model.onnx passes onnx.checker", False, f"{type(exc).__name__}: {exc}")
    script = path / BUILD_SCRIPT
    text = script.read_text() if script.exists() else ""
    check(
        "build_engine.sh runs trtexec",
        "trtexec --onnx=model.onnx" in text and bool(script.stat().st_mode & stat.S_IXUSR),
    )
    config = (path / "config.pbtxt").read_text() if (path / "config.pbtxt").exists() else ""
    check("Triton config for tensorrt_plan", 'platform: "tensorrt_plan"' in config)
    check("metadata.json beside the model", (path / "metadata.json").is_file())
    passed = all(c["passed"] for c in checks)
    return {"status": "deferred", "passed": passed, "checks": checks, "note": DEFERRED_NOTE}


SPEC = register(
    FormatSpec(
        id="tensorrt",
        label="TensorRT",
        artifact=ARTIFACT,
        export_options={
            "imgsz": IMGSZ,
            "opset": Option(int, None, "ONNX opset of the shipped ONNX", 11, 23),
            "batch": Option(int, 1, "batch size of the engine input", 1, 64),
            "workspace": Option(int, 4, "TensorRT builder workspace in GiB", 1, 64),
        },
        optimization_options={
            "half": Option(bool, False, "FP16 engine (trtexec --fp16)"),
            "int8": Option(bool, False, "INT8 engine from a QDQ ONNX calibrated on calibDir's images"),
            "calibDir": CALIB_DIR,
        },
        tasks=TASKS,
        rank=6,
        export=export,
        describe_io=describe_io,
        embed_metadata=embed_metadata,
        structural_check=structural_check,
        packages=("onnx", "onnxslim"),
        buildable=gpu_here,
        runtime="TensorRT (NVIDIA GPU on the target)",
        quality="excellent",
        note="Without an NVIDIA GPU: a deferred build (ONNX + trtexec script + Triton config), built on the target.",
    )
)
