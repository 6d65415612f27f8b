"""Calibration images for INT8: the person's own folder, or Ultralytics' sample photos when none is given,
prepared like inference inputs."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import errors
from .errors import ExportError
from .preprocess import load_rgb, to_input

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
MAX_IMAGES = 128
RECOMMENDED = 32


@dataclass(frozen=True)
class CalibrationSet:
    files: list[Path]
    folder: Path
    sample_photos: bool  # no folder was given: the photos shipped inside the ultralytics wheel
    warning: str | None  # too few images for steady INT8 scales, said to the person and kept on the result

    def record(self) -> dict:
        return {
            "images": len(self.files),
            "source": str(self.folder),
            "sample_photos": self.sample_photos,
            "warning": self.warning,
        }


def _images_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def sample_photos_folder() -> Path:
    """`ultralytics/assets` (bus.jpg, zidane.jpg), found without importing ultralytics."""
    spec = importlib.util.find_spec("ultralytics")
    folder = Path(spec.origin).parent / "assets" if spec and spec.origin else None
    if folder is None or not folder.is_dir() or not _images_in(folder):
        raise ExportError(
            errors.INVALID_CONFIG,
            "INT8 needs calibration images: no calib_dir was given and Ultralytics' sample photos are not installed.",
            f"Set calib_dir to a folder of representative images ({RECOMMENDED} or more), "
            "or run `npx edgepack doctor --fix` to repair the toolchain.",
        )
    return folder


def calibration_set(calib_dir: str | None) -> CalibrationSet:
    """The images to calibrate on; a missing or empty folder is refused, naming it and what to do."""
    sample_photos = not calib_dir
    folder = sample_photos_folder() if sample_photos else Path(str(calib_dir)).expanduser().resolve()
    if not folder.is_dir():
        raise ExportError(
            errors.INVALID_CONFIG,
            f"Calibration folder not found: {folder}",
            "Choose an existing folder of images for calib_dir.",
        )
    files = _images_in(folder)
    if not files:
        raise ExportError(
            errors.INVALID_CONFIG,
            f"No images in the calibration folder {folder}.",
            f"Put {RECOMMENDED} or more .jpg/.png images like the ones the model will see into it.",
        )
    files = files[:MAX_IMAGES]
    warning = None
    if sample_photos:
        warning = (
            f"INT8: no calibration folder given, so calibrated on Ultralytics' {len(files)} sample photos; "
            f"choose a folder of {RECOMMENDED} or more images like the ones the model will see for steadier accuracy"
        )
    elif len(files) < RECOMMENDED:
        warning = f"INT8: only {len(files)} calibration images; {RECOMMENDED} or more give steadier scales"
    return CalibrationSet(files, folder, sample_photos, warning)


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
                f"Remove or replace that file in the calibration folder ({path.parent}).",
            ) from exc
        x = to_input([image], shape, task)
        batches.append(np.repeat(x, batch, axis=0) if batch > 1 else x)
    return batches
