"""What a format exporter gets: the checkpoint (loaded once), where to write, and its resolved options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainers.common.picklescan import ScanReport

from .checkpoint import LoadedCheckpoint
from .reference import ReferenceOutputs


@dataclass
class ExportContext:
    checkpoint: Path  # the person's file, already scanned
    scan: ScanReport
    output_dir: Path  # final artifacts: <output_dir>/<spec.artifact>
    work_dir: Path  # scratch space, removed at the end
    export_options: dict
    optimization_options: dict
    log: Callable[[str, str], None]  # (level, message)
    trust_unsafe: bool = False
    # Set once the checkpoint is loaded, before any format's export runs (a format's `start` may run before that).
    loaded: LoadedCheckpoint = None  # type: ignore[assignment]
    imgsz: list[int] = None  # type: ignore[assignment]  # [h, w] actually exported
    reference: ReferenceOutputs = None  # type: ignore[assignment]  # PyTorch outputs parity compares against
    calibration: dict | None = None  # set by an INT8 export: what it was calibrated on
    started: Any = None  # work the format's `start` began ahead of its turn (a conversion in another process)

    @property
    def precision(self) -> str:
        if self.optimization_options.get("int8"):
            return "int8"
        return "fp16" if self.optimization_options.get("half") else "fp32"
