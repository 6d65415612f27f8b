"""INT8 calibration on the person's own images (calib_dir; Ultralytics' sample photos when none is given), fed to
whichever quantizer a format uses.

Ultralytics' exporters read calibration batches from a dataset YAML (`data=`); Edgepack calibrates on a plain folder
instead, so the exporter's dataloader is swapped for batches prepared exactly like inference inputs.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from trainers.common import errors
from trainers.common.calibration import CalibrationSet, calibration_batches, calibration_set
from trainers.common.errors import ExportError


def refuse_half_and_int8(optimization: dict) -> None:
    if optimization.get("half") and optimization.get("int8"):
        raise ExportError(errors.INVALID_CONFIG, "Choose FP16 (half) or INT8, not both.", "Untick one of them.")


def chosen_calibration(ctx) -> CalibrationSet:
    """The job's calibration images (checked), said in the log with any warning and recorded on ctx.calibration."""
    calibration = calibration_set(ctx.optimization_options.get("calib_dir"))
    if calibration.warning:
        ctx.log("warning", calibration.warning)
    ctx.log("info", f"INT8: calibrating on {len(calibration.files)} images from {calibration.folder}")
    ctx.calibration = calibration.record()
    return calibration


def calibration_arrays(ctx, batch: int = 1) -> list[np.ndarray]:
    """Float32 NCHW arrays (0..1), one per image; records what was used on ctx.calibration."""
    calibration = chosen_calibration(ctx)
    return calibration_batches(calibration.files, tuple(ctx.imgsz), ctx.loaded.task, batch)


@contextmanager
def exporter_calibration(arrays: list[np.ndarray]):
    """Make Ultralytics' Exporter calibrate on `arrays` (uint8 image batches, as its own dataloader yields)."""
    import torch
    from ultralytics.engine.exporter import Exporter

    batches = [{"img": torch.from_numpy(np.round(a * 255).astype(np.uint8))} for a in arrays]
    original = Exporter.get_int8_calibration_dataloader
    Exporter.get_int8_calibration_dataloader = lambda self, prefix="": batches
    try:
        yield
    finally:
        Exporter.get_int8_calibration_dataloader = original
