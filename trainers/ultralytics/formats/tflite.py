"""TFLite through the LiteRT route (litert-torch), in its own environment: litert-torch needs torch < 2.14, so the
conversion runs in `<toolchains>/tflite-<hash>` (trainers/requirements/tflite.txt), made by the app on first use and
passed in as EDGEPACK_TFLITE_PYTHON. INT8 is LiteRT's static quantizer (ai-edge-quantizer) on calib_dir's images.
Parity runs here, in the main environment, on the LiteRT interpreter (ai-edge-litert)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import numpy as np

from trainers.common import errors
from trainers.common.errors import ExportError
from trainers.common.metadata import embedded_copy
from trainers.common.registry import BATCH, CALIB_DIR, IMGSZ, TASKS, FormatSpec, Option, python_variable, register

from ..calibration_feed import calibration_arrays, chosen_calibration, refuse_half_and_int8

ARTIFACT = "model.tflite"
CONVERTER = Path(__file__).resolve().parents[1] / "tflite_convert.py"
PYTHON_ENV = python_variable("tflite")  # EDGEPACK_TFLITE_PYTHON, set by the app
METADATA_NAME = "edgepack_metadata.json"


def _refuse(optimization: dict) -> None:
    refuse_half_and_int8(optimization)
    if optimization.get("half"):
        raise ExportError(
            errors.INVALID_CONFIG,
            "LiteRT (TFLite) export offers FP32 or INT8, not FP16.",
            "Export TFLite in FP32, or choose INT8 with calibration images.",
        )


def _converter_python() -> str:
    python = os.environ.get(PYTHON_ENV)
    if not python or not Path(python).exists():
        raise ExportError(
            errors.CONVERTER_MISSING,
            "The TFLite converter (litert-torch) is not installed: it lives in its own environment.",
            "Export TFLite through the app or `npx edgepack export`, which install it on first use "
            f"(trainers/requirements/tflite.txt); or set {PYTHON_ENV} to that environment's python.",
        )
    return python


def _needs_loaded_model(ctx) -> bool:
    """The original file can go to the TFLite environment as it is, unless its pickle holds torchvision objects
    (classify transforms: see _portable_checkpoint) or was pickled with dill (a legacy checkpoint the person trusted:
    that environment has no dill). INT8 calibration images are then prepared over there, at the size the converter
    picks exactly as this job does."""
    return any(g.startswith(("torchvision.", "dill.")) for g in ctx.scan.globals)


class _Conversion:
    """tflite_convert.py running in the TFLite environment, its output kept in a file until it is collected."""

    def __init__(self, command: list[str], work: Path):
        self.log_path = work / "convert.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, env=os.environ.copy())
        self.began = time.perf_counter()

    def wait(self) -> tuple[int, list[str]]:
        code = self.process.wait()
        self._log.close()
        return code, self.log_path.read_text(errors="replace").splitlines()

    def cancel(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()


def start(ctx) -> None:
    """Launch the conversion ahead of this format's turn — before the checkpoint is even loaded here when the
    original file will do — so the TFLite environment's interpreter start, imports (torch, ultralytics, litert) and
    checkpoint load run beside this process's own load and the job's other formats."""
    if ctx.started is not None or (ctx.loaded is None and _needs_loaded_model(ctx)):
        return
    try:
        ctx.started = _launch(ctx)
    except Exception as exc:  # reported when this format's turn comes, like any failure of its export
        ctx.started = exc


def _launch(ctx) -> _Conversion:
    optimization = ctx.optimization_options
    _refuse(optimization)
    python = _converter_python()
    work = ctx.work_dir / "tflite"
    work.mkdir(parents=True, exist_ok=True)
    if ctx.loaded is None:  # the scanned original; the converter scans it again and picks the same input size
        command = [python, str(CONVERTER), "--checkpoint", str(ctx.checkpoint)]
        if ctx.export_options.get("imgsz"):
            command += ["--requested-imgsz", str(ctx.export_options["imgsz"])]
        if ctx.trust_unsafe:
            command.append("--trust-unsafe")
    else:
        checkpoint = _portable_checkpoint(ctx, work / "model.pt")
        command = [python, str(CONVERTER), "--checkpoint", str(checkpoint), "--imgsz", *map(str, ctx.imgsz)]
    command += ["--batch", str(ctx.export_options["batch"]), "--out", str(work)]
    if optimization.get("int8") and ctx.loaded is None:
        # The folder is checked and recorded here; the converter reads the same files (unreadable ones are refused
        # there, by name) once it knows the input size.
        command += ["--calib-dir", str(chosen_calibration(ctx).folder)]
    elif optimization.get("int8"):
        calib = work.parent / "tflite-calibration.npy"
        np.save(calib, np.concatenate(calibration_arrays(ctx, 1)))
        command += ["--calibration", str(calib)]
    if optimization.get("int8"):
        ctx.calibration["method"] = "LiteRT static INT8 quantization (ai-edge-quantizer), int8 weights + activations"
    ctx.log("info", f"TFLite: converting in the TFLite environment ({python})")
    return _Conversion(command, work)


def export(ctx) -> Path:
    _refuse(ctx.optimization_options)
    started = ctx.started or _launch(ctx)
    if isinstance(started, Exception):
        raise started
    waited = time.perf_counter()
    code, lines = started.wait()
    said = dict(t.split("=", 1) for t in lines if t.startswith(("TFLITE_OUTPUT=", "TFLITE_IMGSZ=")))
    produced = Path(said["TFLITE_OUTPUT"]) if "TFLITE_OUTPUT" in said else None
    imgsz = [int(v) for v in said.get("TFLITE_IMGSZ", "0,0").split(",")]
    tail = [t for t in lines if t.strip() and not t.startswith("TFLITE_")][-15:]
    for line in tail:
        ctx.log("debug", f"litert: {line}")
    refused = next((t for t in lines if t.startswith("TFLITE_ERROR=")), None)
    if refused:  # an ExportError raised over there (an unreadable calibration image): the same error here
        error = json.loads(refused.split("=", 1)[1])
        raise ExportError(error["code"], error["message"], error.get("hint", ""), error.get("details"))
    if code != 0 or produced is None:
        last = next((t for t in reversed(tail) if "Error" in t or "error" in t), tail[-1] if tail else "no output")
        raise ExportError(
            errors.EXPORT_FAILED,
            f"TFLite conversion failed (exit {code}): {last}",
            "The log has the converter's output. Try FP32, or another input size.",
            {"converter_output": tail},
        )
    if imgsz != list(ctx.imgsz):
        raise ExportError(
            errors.EXPORT_FAILED,
            f"The TFLite converter exported at {imgsz}, not at {ctx.imgsz} like the rest of the job.",
            "Pass --imgsz explicitly.",
        )
    ctx.log(
        "info",
        f"TFLite: converted in {waited - started.began + (time.perf_counter() - waited):.1f} s in its environment, "
        f"{waited - started.began:.1f} s of it beside the rest of the job",
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
    if task == "classify":  # no boxes
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

    payload = json.dumps(embedded_copy(meta), separators=(",", ":"))
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
            "int8": Option(
                bool, False, "static INT8 (LiteRT quantizer), calibrated on the calibration folder's images"
            ),
            "calib_dir": CALIB_DIR,
        },
        tasks=TASKS,
        rank=5,
        export=export,
        start=start,
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
