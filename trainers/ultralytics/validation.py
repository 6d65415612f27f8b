"""Parity of an exported artifact against the PyTorch model, plus its CPU latency."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import torch

from trainers.common.parity import TimedRunner, check_parity
from trainers.common.preprocess import load_rgb
from trainers.common.synthetic import parity_scenes

from .checkpoint import class_names
from .context import ExportContext

REAL_PHOTOS = ("bus.jpg", "zidane.jpg")  # shipped inside the ultralytics package


def real_photos() -> list[Path]:
    import ultralytics

    assets = Path(ultralytics.__file__).parent / "assets"
    return [assets / name for name in REAL_PHOTOS if (assets / name).is_file()]


def parity_images() -> tuple[list[np.ndarray], list[str]]:
    photos = real_photos()
    images = [load_rgb(p) for p in photos] + parity_scenes()
    names = [p.name for p in photos] + [f"synthetic-{i}" for i in range(len(images) - len(photos))]
    return images, names


def _flatten(out) -> list[torch.Tensor]:
    """The tensors the exporter turns into ONNX outputs: the first element of eval-mode output, flattened."""
    first = out[0] if isinstance(out, (list, tuple)) else out
    if isinstance(first, (list, tuple)):
        return [t for t in first if isinstance(t, torch.Tensor)]
    return [first]


def torch_runner(model: torch.nn.Module):
    model = copy.deepcopy(model).float().eval()

    def run(x: np.ndarray) -> list[np.ndarray]:
        with torch.inference_mode():
            out = model(torch.from_numpy(x))
        return [t.detach().cpu().numpy().astype(np.float32) for t in _flatten(out)]

    return run


def validate(ctx: ExportContext, artifact: Path, load_runner) -> dict:
    """Parity figures + latency_ms for one exported artifact."""
    loaded = ctx.loaded
    task = loaded.task
    inputs, names, reference_outputs = ctx.reference.get(ctx.imgsz)
    by_input = {id(x): out for x, out in zip(inputs, reference_outputs, strict=True)}
    exported = TimedRunner(load_runner(artifact))
    nms_embedded = bool(ctx.export_options.get("nms"))
    model = loaded.yolo.model
    result = check_parity(
        task,
        lambda x: by_input[id(x)],
        exported,
        inputs,
        nc=len(class_names(loaded.yolo)),
        precision=ctx.precision,
        nms_embedded=nms_embedded and task != "classify",
        end2end=bool(getattr(model, "end2end", False)),
        kpt_shape=[int(k) for k in model.model[-1].kpt_shape] if task == "pose" else None,
    )
    result["image_names"] = names
    result["latency_ms"] = round(exported.latency_ms(), 3)
    return result
