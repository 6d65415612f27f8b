"""Calibration images for INT8: the person's own images, read from a folder, prepared like inference inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import errors
from .errors import ExportError
from .preprocess import load_rgb, to_input

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
MAX_IMAGES = 128
RECOMMENDED = 32


def calibration_images(calib_dir: str | None) -> list[Path]:
    if not calib_dir:
        raise ExportError(
            errors.INVALID_CONFIG,
            "INT8 needs calibration images, and no calibDir was given.",
            f"Set calibDir to a folder of representative images (at least {RECOMMENDED} recommended).",
        )
    folder = Path(calib_dir).expanduser()
    if not folder.is_dir():
        raise ExportError(
            errors.INVALID_CONFIG,
            f"Calibration folder not found: {folder}",
            "Choose an existing folder of images for calibDir.",
        )
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not files:
        raise ExportError(
            errors.INVALID_CONFIG,
            f"No images in the calibration folder {folder}.",
            f"Put {RECOMMENDED} or more .jpg/.png images like the ones the model will see into it.",
        )
    return files[:MAX_IMAGES]


def calibration_batches(files: list[Path], shape: tuple[int, int], task: str, batch: int = 1) -> list[np.ndarray]:
    """One float32 NCHW array per image (tiled to a static batch size), unreadable files reported by name."""
    batches = []
    for path in files:
        try:
            image = load_rgb(path)
        except Exception as exc:
            raise ExportError(
                errors.INVALID_CONFIG,
                f"Cannot read calibration image {path.name}: {exc}",
                "Remove or replace that file in the calibration folder.",
            ) from exc
        x = to_input([image], shape, task)
        batches.append(np.repeat(x, batch, axis=0) if batch > 1 else x)
    return batches
