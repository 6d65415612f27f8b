"""What a format exporter gets: the loaded checkpoint, where to write, and its resolved options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .checkpoint import LoadedCheckpoint
from .reference import ReferenceOutputs


@dataclass
class ExportContext:
    loaded: LoadedCheckpoint
    output_dir: Path  # final artifacts: <output_dir>/<spec.artifact>
    work_dir: Path  # scratch space, removed at the end
    export_options: dict
    optimization_options: dict
    imgsz: list[int]  # [h, w] actually exported
    log: Callable[[str, str], None]  # (level, message)
    reference: ReferenceOutputs  # the PyTorch outputs parity compares against, shared by the job's formats
    calibration: dict | None = None  # set by an INT8 export: what it was calibrated on

    @property
    def precision(self) -> str:
        if self.optimization_options.get("int8"):
            return "int8"
        return "fp16" if self.optimization_options.get("half") else "fp32"
