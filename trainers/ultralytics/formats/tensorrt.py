"""TensorRT. An engine is specific to the GPU and TensorRT version that build it, so on a machine without an NVIDIA GPU
and TensorRT, the export is a deferred build: the ONNX, a ready `trtexec` script with the precision flags, and a Triton
`tensorrt_plan` config — the engine is built on the target device. With a GPU and TensorRT, a real engine is built and
its metadata written beside it.

One engine, two names, one per consumer: `model.plan` is the bare engine, the name Triton's TensorRT backend loads
(`<repository>/<model>/1/model.plan`); `model.engine` is the same engine behind Ultralytics' metadata header (4-byte
little-endian length, then JSON), the name and layout `YOLO("model.engine")` recognises and reads names, imgsz and
task from. The Triton config carries the same facts in its `metadata` parameter (trainers/common/triton.py).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import stat
from pathlib import Path

from trainers.common.metadata import embedded_copy
from trainers.common.registry import CALIB_DIR, IMGSZ, TASKS, FormatSpec, Option, register
from trainers.common.triton import facts_from_metadata, metadata_parameter, pbtxt_string, ultralytics_metadata

from ..calibration_feed import refuse_half_and_int8
from . import onnx as onnx_format

ARTIFACT = "model_tensorrt"
PLAN = "model.plan"  # Triton's name for a TensorRT engine: the bare engine bytes
ENGINE = "model.engine"  # Ultralytics' name: the same engine behind its metadata header
ULTRALYTICS_METADATA = "ultralytics_metadata.json"  # that header's JSON
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
        optimization_options={"half": False, "int8": optimization["int8"], "calib_dir": optimization.get("calib_dir")},
    )
    onnx_format.export(onnx_ctx, qdq_for="tensorrt")
    ctx.calibration = onnx_ctx.calibration
    script = target / BUILD_SCRIPT
    script.write_text(build_script(ctx.precision, ctx.export_options["workspace"]))
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    # config.pbtxt and ultralytics_metadata.json carry the model's names, imgsz and task: written by embed_metadata


def trtexec_flags(precision: str) -> list[str]:
    if precision == "int8":  # the ONNX carries Q/DQ nodes; FP16 for the layers left in float
        return ["--int8", "--fp16"]
    return ["--fp16"] if precision == "fp16" else []


def build_script(precision: str, workspace_gib: int) -> str:
    flags = " ".join([*trtexec_flags(precision), f"--memPoolSize=workspace:{workspace_gib * 1024}M"])
    return (
        _BUILD_SCRIPT.replace("@PRECISION@", precision)
        .replace("@FLAGS@", flags)
        .replace("@PLAN@", PLAN)
        .replace("@ENGINE@", ENGINE)
        .replace("@METADATA@", ULTRALYTICS_METADATA)
    )


_BUILD_SCRIPT = r"""#!/usr/bin/env sh
# Builds the TensorRT engine for THIS device (NVIDIA GPU + TensorRT's trtexec on PATH). Precision: @PRECISION@.
# Output, one engine under two names, one per consumer:
#   @PLAN@      the bare engine, Triton's name; also laid out as a Triton repository: ./triton/model/1/@PLAN@
#               with ./triton/model/config.pbtxt (names, imgsz and task in its "metadata" parameter)
#   @ENGINE@    the same engine behind Ultralytics' metadata header (4-byte little-endian length, then
#               @METADATA@): YOLO("@ENGINE@") reads names, imgsz and task from it
set -eu
cd "$(dirname "$0")"
if ! command -v trtexec >/dev/null 2>&1; then
  echo "trtexec not found: install TensorRT (it ships trtexec) and retry" >&2
  exit 2
fi
trtexec --onnx=model.onnx --saveEngine=@PLAN@ @FLAGS@ "$@"
n=$(($(wc -c < @METADATA@)))
header=$(printf '\\%03o' $((n % 256)) $((n / 256 % 256)) $((n / 65536 % 256)) $((n / 16777216)))
printf "$header" > @ENGINE@
cat @METADATA@ @PLAN@ >> @ENGINE@
mkdir -p triton/model/1
cp @PLAN@ triton/model/1/@PLAN@
cp config.pbtxt triton/model/config.pbtxt
echo "Built @PLAN@ (Triton) and @ENGINE@ (Ultralytics), @PRECISION@; Triton repository: $(pwd)/triton"
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


def triton_config(io: dict, facts: dict | None = None) -> str:
    """Triton's config.pbtxt for the engine, every string escaped for protobuf text format; with `facts` (task, names,
    imgsz…), the `metadata` parameter Ultralytics' Triton client reads them from."""

    def tensor(entry: dict) -> str:
        dims = ", ".join(str(d if isinstance(d, int) else -1) for d in entry["shape"])
        kind = _TRITON_TYPES.get(entry["dtype"], "TYPE_FP32")
        return f"  {{\n    name: {pbtxt_string(entry['name'])}\n    data_type: {kind}\n    dims: [ {dims} ]\n  }}"

    outputs = ",\n".join(tensor(o) for o in io["outputs"])
    text = (
        'name: "model"\nplatform: "tensorrt_plan"\nmax_batch_size: 0\n'
        f"input [\n{tensor(io['input'])}\n]\noutput [\n{outputs}\n]\n"
        "instance_group [\n  {\n    kind: KIND_GPU\n    count: 1\n  }\n]\n"
    )
    return text + metadata_parameter(facts) if facts else text


def _build_engine(ctx, target: Path) -> None:
    """On a GPU machine: Ultralytics' engine export, kept as model.engine (its metadata header in front), and the
    bare engine after that header as model.plan for Triton."""
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
    (target / PLAN).write_bytes(raw[4 + size :])
    (target / ULTRALYTICS_METADATA).write_text(json.dumps(meta, indent=2))
    shutil.move(produced, target / ENGINE)  # Ultralytics writes it beside the checkpoint: maybe another file system


def describe_io(path: Path) -> dict:
    onnx_path = path / "model.onnx"
    if onnx_path.exists():
        io = onnx_format.describe_io(onnx_path)
        io["format_details"] = {
            **io["format_details"],
            "engine": f"deferred: {PLAN} (Triton) and {ENGINE} (Ultralytics), built on the target with trtexec",
        }
        return io
    return {"input": {}, "outputs": [], "format_details": {"engine": ENGINE, "triton_plan": PLAN}}


def embed_metadata(path: Path, meta: dict) -> None:
    """metadata.json goes beside the engine, in the package. A deferred build also gets the ONNX's metadata, the
    Triton config with its `metadata` parameter, and the JSON build_engine.sh puts in front of model.engine."""
    (path / "metadata.json").write_text(json.dumps(embedded_copy(meta), indent=2))
    if (path / "model.onnx").exists():
        onnx_format.embed_metadata(path / "model.onnx", meta)
        facts = facts_from_metadata(meta, ultralytics_onnx_props(path / "model.onnx"))
        (path / "config.pbtxt").write_text(triton_config({"input": meta["input"], "outputs": meta["outputs"]}, facts))
        # ASCII JSON, so its byte count is the length Ultralytics' header states (as its exporter writes it)
        (path / ULTRALYTICS_METADATA).write_text(json.dumps(ultralytics_metadata(facts), ensure_ascii=True))


def ultralytics_onnx_props(onnx_path: Path) -> dict:
    """Ultralytics' own keys in the ONNX's metadata_props (stride, kpt_shape, end2end… as str() of the value)."""
    import onnx

    props = onnx.load(str(onnx_path), load_external_data=False).metadata_props
    return {p.key: p.value for p in props if p.key != onnx_format.METADATA_KEY}


def structural_check(path: Path) -> dict:
    import onnx

    if (path / PLAN).exists():
        ok = (path / PLAN).stat().st_size > 0 and (path / ENGINE).is_file()
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
    check("Triton config names the model's classes", 'key: "metadata"' in config)
    check(f"{ULTRALYTICS_METADATA} for {ENGINE}'s header", (path / ULTRALYTICS_METADATA).is_file())
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
            "int8": Option(bool, False, "INT8 engine from a QDQ ONNX calibrated on the calibration folder's images"),
            "calib_dir": CALIB_DIR,
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
