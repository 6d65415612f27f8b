"""TorchScript through Ultralytics' exporter; metadata goes into the archive's extra files (beside Ultralytics'
config.txt)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import numpy as np

from trainers.common import errors
from trainers.common.errors import ExportError
from trainers.common.metadata import embedded_copy
from trainers.common.registry import IMGSZ, TASKS, FormatSpec, Option, register

ARTIFACT = "model.torchscript"
METADATA_FILE = "edgepack_metadata.json"


def export(ctx) -> Path:
    if ctx.optimization_options.get("half"):
        raise ExportError(
            errors.INVALID_CONFIG,
            "FP16 TorchScript can only be traced on an NVIDIA GPU, and this export runs on the CPU.",
            "Export TorchScript in FP32 (it runs FP16 on a GPU with model.half()), or choose ONNX/OpenVINO for FP16.",
        )
    opts = ctx.export_options
    produced = ctx.loaded.yolo.export(
        format="torchscript", imgsz=ctx.imgsz, batch=opts["batch"], device="cpu", verbose=False
    )
    target = ctx.output_dir / ARTIFACT
    shutil.move(str(produced), target)
    return target


def _flatten(out) -> list:
    if isinstance(out, (list, tuple)):
        return [t for item in out for t in _flatten(item)]
    return [out]


def load_runner(path: Path):
    import torch

    module = torch.jit.load(str(path), map_location="cpu").eval()

    def run(x: np.ndarray) -> list[np.ndarray]:
        with torch.inference_mode():
            out = module(torch.from_numpy(x.astype(np.float32)))
        return [t.numpy().astype(np.float32) for t in _flatten(out)]

    return run


def _archive_entry(archive: zipfile.ZipFile, name: str) -> str:
    """The full name of an extra file inside the TorchScript zip: `<archive root>/extra/<name>`."""
    root = archive.namelist()[0].split("/", 1)[0]
    return f"{root}/extra/{name}"


def _config(path: Path) -> dict:
    """Ultralytics' config.txt (imgsz, batch, channels), read from the zip without loading the module."""
    with zipfile.ZipFile(path) as archive:
        entry = _archive_entry(archive, "config.txt")
        return json.loads(archive.read(entry) or "{}") if entry in archive.namelist() else {}


def describe_io(path: Path, reference_shapes: list[list[int]] | None = None) -> dict:
    """Input from config.txt; outputs from the PyTorch model's outputs on the parity images at batch 1 (the trace's
    own outputs, which the parity check then compares with the file's), so no extra load and JIT warm-up of the
    archive is needed here. Without them (a tool reading an archive), the module is loaded and run once."""
    import torch

    config = _config(path)
    imgsz = config.get("imgsz") or [640, 640]
    batch = int(config.get("batch") or 1)
    shape = [batch, int(config.get("channels") or 3), *imgsz]
    if reference_shapes is None:
        module = torch.jit.load(str(path), map_location="cpu")
        with torch.inference_mode():
            reference_shapes = [list(t.shape) for t in _flatten(module(torch.zeros(*shape)))]
    return {
        "input": {"name": "images", "shape": shape, "dtype": "float32", "layout": "NCHW"},
        "outputs": [
            {"name": f"output{i}", "shape": [batch, *s[1:]], "dtype": "float32"} for i, s in enumerate(reference_shapes)
        ],
        "format_details": {"torch": torch.__version__, "extra_files": ["config.txt", METADATA_FILE]},
    }


def embed_metadata(path: Path, meta: dict) -> None:
    """A torch.jit extra file beside Ultralytics' config.txt: metadata.json minus validation, appended to the zip
    archive as torch.jit.save(_extra_files=...) would store it (torch.jit.load reads it back), without a load and
    re-save of the whole module."""
    text = json.dumps(embedded_copy(meta), separators=(",", ":"))
    with zipfile.ZipFile(path, "a") as archive:
        entry = _archive_entry(archive, METADATA_FILE)
        if entry in archive.namelist():
            raise ExportError(
                errors.EXPORT_FAILED,
                f"{path.name} already holds {METADATA_FILE}.",
                "Export again into an empty folder.",
            )
        archive.writestr(entry, text)


def read_metadata(path: Path) -> dict:
    import torch

    files = {METADATA_FILE: ""}
    torch.jit.load(str(path), map_location="cpu", _extra_files=files)
    return json.loads(files[METADATA_FILE])


SPEC = register(
    FormatSpec(
        id="torchscript",
        label="TorchScript",
        artifact=ARTIFACT,
        export_options={
            "imgsz": IMGSZ,
            "batch": Option(int, 1, "batch size of the traced input", 1, 64),
        },
        optimization_options={},
        tasks=TASKS,
        rank=2,
        export=export,
        load_runner=load_runner,
        describe_io=describe_io,
        describe_io_from_reference=True,
        embed_metadata=embed_metadata,
        runtime="torch.jit (CPU)",
        packages=("torch",),
        quality="excellent",
        note="FP16 TorchScript can only be traced on an NVIDIA GPU: FP32 here; INT8 is not offered.",
    )
)
