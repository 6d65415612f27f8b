"""What parity compares on and against: the parity images and a runner for the PyTorch model.

Shared by reference.py (which computes the PyTorch outputs once per job) and validation.py (which compares each
exported artifact with them). torch is imported only when a runner is made: the job imports this module through
context.py before any heavy import.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

from trainers.common.preprocess import load_rgb
from trainers.common.synthetic import parity_scenes

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


def _flatten(out) -> list:
    """The tensors the exporter turns into ONNX outputs: the first element of eval-mode output, flattened."""
    import torch

    first = out[0] if isinstance(out, (list, tuple)) else out
    if isinstance(first, (list, tuple)):
        return [t for t in first if isinstance(t, torch.Tensor)]
    return [first]


def torch_runner(model):
    """A function from one NCHW float32 input to the PyTorch model's flattened outputs (on a float32 copy)."""
    import torch

    model = copy.deepcopy(model).float().eval()

    def run(x: np.ndarray) -> list[np.ndarray]:
        with torch.inference_mode():
            out = model(torch.from_numpy(x))
        return [t.detach().cpu().numpy().astype(np.float32) for t in _flatten(out)]

    return run
