"""Ultralytics' log, made true for an Edgepack export.

Ultralytics ends each export with hints for its own CLI ("Predict: yolo predict … model=<file>", "Validate: …",
"Visualize: https://netron.app") and names files in the job's private scratch folder, which is gone when the job
ends. The hints are dropped (the app and `edgepack predict` are how an export is run here) and a scratch path is
shown by its name inside the scratch folder: the `artifact` line says where each file ends up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

CLI_HINTS = re.compile(r"^\s*(Predict|Validate|Visualize):\s")


def log_tidy(work_dir: Path) -> Callable[[str], str]:
    """A `tidy` for route_library_logs: drops the CLI hint lines, shortens paths inside `work_dir`."""
    prefixes = sorted(
        {str(work_dir).rstrip("/") + "/", str(work_dir.resolve()).rstrip("/") + "/"}, key=len, reverse=True
    )

    def tidy(message: str) -> str:
        kept = [line for line in message.splitlines() if not CLI_HINTS.match(line)]
        text = "\n".join(kept)
        for prefix in prefixes:
            text = text.replace(prefix, "")
        return text

    return tidy
