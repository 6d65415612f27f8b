"""TorchScript through Ultralytics' exporter; metadata goes into the archive's extra files (beside Ultralytics'
config.txt)."""

from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path

import numpy as np

from trainers.common import errors
from trainers.common.errors import ExportError
from trainers.common.registry import IMGSZ, FormatSpec, Option, register

from ..checkpoint import SUPPORTED_TASKS

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


@functools.lru_cache(maxsize=1)
def _loaded_archive(path: str, _stamp: tuple[int, int]):
    import torch

    files = {"config.txt": ""}
    module = torch.jit.load(path, map_location="cpu", _extra_files=files)
    return module, files["config.txt"]


def _archive(path: Path):
    """(module, config.txt) of the archive as it is on disk: loaded once for describe_io and embed_metadata (a load
    costs about a second); the parity check loads the final file afresh."""
    stat = path.stat()
    return _loaded_archive(str(path), (stat.st_mtime_ns, stat.st_size))


def describe_io(path: Path) -> dict:
    import torch

    module, config_text = _archive(path)
    config = json.loads(config_text or "{}")
    imgsz = config.get("imgsz") or [640, 640]
    batch = int(config.get("batch") or 1)
    x = torch.zeros(batch, int(config.get("channels") or 3), *imgsz)
    with torch.inference_mode():
        outputs = _flatten(module(x))
    return {
        "input": {"name": "images", "shape": list(x.shape), "dtype": "float32", "layout": "NCHW"},
        "outputs": [
            {"name": f"output{i}", "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}
            for i, t in enumerate(outputs)
        ],
        "format_details": {"torch": torch.__version__, "extra_files": ["config.txt", METADATA_FILE]},
    }


def embed_metadata(path: Path, meta: dict) -> None:
    """torch.jit extra files: Ultralytics' config.txt stays; metadata.json (minus validation) is added beside it."""
    import torch

    module, config_text = _archive(path)
    files = {
        "config.txt": config_text,
        METADATA_FILE: json.dumps({k: v for k, v in meta.items() if k != "validation"}, separators=(",", ":")),
    }
    torch.jit.save(module, str(path), _extra_files=files)


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
        tasks=SUPPORTED_TASKS,
        export=export,
        load_runner=load_runner,
        describe_io=describe_io,
        embed_metadata=embed_metadata,
        runtime="torch.jit (CPU)",
        packages=("torch",),
        quality="excellent",
        note="FP16 TorchScript can only be traced on an NVIDIA GPU: FP32 here; INT8 is not offered.",
    )
)
