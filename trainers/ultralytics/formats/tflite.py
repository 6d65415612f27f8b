"""TFLite through the LiteRT route (litert-torch), in its own environment: litert-torch needs torch < 2.14, so the
conversion runs in `<toolchains>/tflite-<hash>` (trainers/requirements/tflite.txt), made by the app on first use and
passed in as EDGEPACK_TFLITE_PYTHON. INT8 is LiteRT's static quantizer (ai-edge-quantizer) on calibDir's images.
Parity runs here, in the main environment, on the LiteRT interpreter (ai-edge-litert)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np

from trainers.common import errors
from trainers.common.errors import ExportError
from trainers.common.registry import BATCH, CALIB_DIR, IMGSZ, FormatSpec, Option, register

from ..calibration_feed import calibration_arrays, refuse_half_and_int8
from ..checkpoint import SUPPORTED_TASKS

ARTIFACT = "model.tflite"
CONVERTER = Path(__file__).resolve().parents[1] / "tflite_convert.py"
PYTHON_ENV = "EDGEPACK_TFLITE_PYTHON"
METADATA_NAME = "edgepack_metadata.json"


def export(ctx) -> Path:
    optimization = ctx.optimization_options
    refuse_half_and_int8(optimization)
    if optimization.get("half"):
        raise ExportError(
            errors.INVALID_CONFIG,
            "LiteRT (TFLite) export offers FP32 or INT8, not FP16.",
            "Export TFLite in FP32, or choose INT8 with calibration images.",
        )
    python = os.environ.get(PYTHON_ENV)
    if not python or not Path(python).exists():
        raise ExportError(
            errors.CONVERTER_MISSING,
            "The TFLite converter (litert-torch) is not installed: it lives in its own environment.",
            "Export TFLite through the app or `npx edgepack export`, which install it on first use "
            f"(trainers/requirements/tflite.txt); or set {PYTHON_ENV} to that environment's python.",
        )
    work = ctx.work_dir / "tflite"
    work.mkdir(parents=True, exist_ok=True)
    checkpoint = _portable_checkpoint(ctx, work / "model.pt")
    command = [python, str(CONVERTER), "--checkpoint", str(checkpoint), "--imgsz", *map(str, ctx.imgsz)]
    command += ["--batch", str(ctx.export_options["batch"]), "--out", str(work)]
    if optimization.get("int8"):
        calib = work.parent / "tflite-calibration.npy"
        np.save(calib, np.concatenate(calibration_arrays(ctx, 1)))
        command += ["--calibration", str(calib)]
        ctx.calibration["method"] = "LiteRT static INT8 quantization (ai-edge-quantizer), int8 weights + activations"
    ctx.log("info", f"TFLite: converting in the TFLite environment ({python})")
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy())
    tail: list[str] = []
    produced = None
    for line in proc.stdout:
        line = line.rstrip()
        if line.startswith("TFLITE_OUTPUT="):
            produced = Path(line.split("=", 1)[1])
        elif line:
            tail = [*tail, line][-15:]
            ctx.log("debug", f"litert: {line}")
    if proc.wait() != 0 or produced is None:
        last = next((t for t in reversed(tail) if "Error" in t or "error" in t), tail[-1] if tail else "no output")
        raise ExportError(
            errors.EXPORT_FAILED,
            f"TFLite conversion failed (exit {proc.returncode}): {last}",
            "The log has the converter's output. Try FP32, or another input size.",
            {"converter_output": tail},
        )
    target = ctx.output_dir / ARTIFACT
    produced.replace(target)
    return target


def _portable_checkpoint(ctx, target: Path) -> Path:
    """The loaded model re-saved without what the TFLite environment cannot unpickle: classify checkpoints keep
    torchvision transforms, and torchvision does not import against that environment's torch."""
    import copy

    import torch

    model = copy.deepcopy(ctx.loaded.yolo.model).float()
    if hasattr(model, "transforms"):
        del model.transforms
    ckpt = {k: v for k, v in ctx.loaded.ckpt.items() if k in ("train_args", "date", "version", "license", "docs")}
    torch.save({**ckpt, "model": model}, target)
    return target


def _interpreter(path: Path):
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path), num_threads=os.cpu_count() or 1)
    interpreter.allocate_tensors()
    return interpreter


def load_runner(path: Path):
    interpreter = _interpreter(path)
    inp = interpreter.get_input_details()[0]
    outputs = interpreter.get_output_details()
    nhwc = inp["shape"][-1] in (1, 3)
    meta = read_metadata(path)  # embedded before parity runs
    kpt_shape = (meta["postprocessing"]["decoder"].get("keypoints") or {}).get("shape")
    coords = _coordinate_scale(meta["task"], len(meta["names"]), kpt_shape, int(inp["shape"][2 if not nhwc else 1]))

    def run(x: np.ndarray) -> list[np.ndarray]:
        x = x[: inp["shape"][0]]
        if nhwc:
            x = x.transpose(0, 2, 3, 1)
        if inp["dtype"] != np.float32:  # a fully quantized input
            scale, zero = inp["quantization"]
            x = np.round(x / scale + zero).astype(inp["dtype"])
        interpreter.set_tensor(inp["index"], np.ascontiguousarray(x))
        interpreter.invoke()
        result = []
        for o in outputs:
            y = interpreter.get_tensor(o["index"])
            if o["dtype"] != np.float32:
                scale, zero = o["quantization"]
                y = (y.astype(np.float32) - zero) * scale
            if y.ndim == 4 and nhwc and y.shape[-1] < y.shape[1]:  # segment prototypes come out NHWC
                y = y.transpose(0, 3, 1, 2)
            if y.ndim == 3 and coords is not None:
                y = y * coords[: y.shape[1], None]
            result.append(np.asarray(y, dtype=np.float32))
        return _ordered(result)

    return run


def _coordinate_scale(task: str, nc: int, kpt_shape, size: int) -> np.ndarray | None:
    """Ultralytics' LiteRT export divides box (and keypoint) channels by the input size so INT8 keeps score
    resolution (its LiteRT backend multiplies them back): a per-channel factor for the predictions output."""
    if task not in {"detect", "segment", "pose", "obb"}:
        return None
    scale = np.ones(4 + nc + 32 * (task == "segment") + (int(np.prod(kpt_shape)) if kpt_shape else 0), np.float32)
    scale[:4] = size
    if task == "pose" and kpt_shape:
        start, dims = 4 + nc, int(kpt_shape[1])
        scale[start::dims] = size
        scale[start + 1 :: dims] = size
    return scale


def _ordered(outputs: list[np.ndarray]) -> list[np.ndarray]:
    """Ultralytics' order: predictions first, then segment prototypes (4-D)."""
    return sorted(outputs, key=lambda y: y.ndim == 4)


def describe_io(path: Path) -> dict:
    interpreter = _interpreter(path)
    inp = interpreter.get_input_details()[0]
    shape = [int(d) for d in inp["shape"]]
    return {
        "input": {
            "name": inp["name"],
            "shape": shape,
            "dtype": np.dtype(inp["dtype"]).name,
            "layout": "NHWC" if shape[-1] in (1, 3) else "NCHW",
        },
        "outputs": [
            {"name": o["name"], "shape": [int(d) for d in o["shape"]], "dtype": np.dtype(o["dtype"]).name}
            for o in interpreter.get_output_details()
        ],
        "format_details": {
            "converter": "litert-torch",
            "runtime": "ai-edge-litert",
            "coordinates": "box (and keypoint x/y) channels are divided by the input size: multiply them back",
        },
    }


def embed_metadata(path: Path, meta: dict) -> None:
    """Beside Ultralytics' metadata.json in the zip appended to the .tflite (a zip-tolerant flatbuffer: interpreters
    ignore it, `zipfile` reads it). Re-packing the flatbuffer itself would break models whose weights sit in
    offset buffers past its end (INT8 ones do)."""
    import zipfile

    payload = json.dumps({k: v for k, v in meta.items() if k != "validation"}, separators=(",", ":"))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        if METADATA_NAME not in archive.namelist():
            archive.writestr(METADATA_NAME, payload)


def read_metadata(path: Path) -> dict:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(METADATA_NAME))


SPEC = register(
    FormatSpec(
        id="tflite",
        label="TFLite",
        artifact=ARTIFACT,
        export_options={
            "imgsz": IMGSZ,
            "batch": BATCH,
        },
        optimization_options={
            "int8": Option(bool, False, "static INT8 (LiteRT quantizer), calibrated on calibDir's images"),
            "calibDir": CALIB_DIR,
        },
        tasks=SUPPORTED_TASKS,
        export=export,
        load_runner=load_runner,
        describe_io=describe_io,
        embed_metadata=embed_metadata,
        packages=("litert-torch", "ai-edge-litert"),
        environment="tflite",
        runtime="LiteRT interpreter (ai-edge-litert, CPU)",
        quality="good",
        note="Converted in its own environment (torch < 2.14), installed on first use.",
    )
)
