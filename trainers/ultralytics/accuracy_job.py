"""Accuracy of a job's model files on a labelled dataset: the PyTorch original and every runnable export.

Runs in the export job (`--validate-data` with `--export-format`) or later on an existing export (`--validate-data`
with `--validate-export <folder>`, the folder holding its metadata.json). The dataset is checked first (its names
against the model's), then each file is validated by Ultralytics' own validator (accuracy.py), and the figures are
written into metadata.json (each format document's `validation.accuracy`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from trainers.common import errors
from trainers.common.dataset import Dataset, checked_dataset
from trainers.common.errors import ExportError
from trainers.common.metadata import METADATA_FILE, write_metadata
from trainers.common.protocol import Protocol

# Formats Ultralytics' AutoBackend runs on this machine (CoreML needs macOS; a deferred TensorRT build has no engine).
RUNNABLE = ("onnx", "torchscript", "openvino", "tflite")


@dataclass
class ValidationSettings:
    data: Path
    accept_names: bool = False
    formats: list[str] | None = None  # only these ("pytorch" is the checkpoint); None: the checkpoint and every format

    def wants(self, fmt: str) -> bool:
        return self.formats is None or fmt in self.formats


@dataclass
class CheckedData:
    dataset: Dataset
    ultralytics_data: Path  # what the validator reads (resolved data.yaml, or a folder for classify)


def check_dataset(
    settings: ValidationSettings, task: str, names: list[str], kpt_shape, work_dir: Path, protocol: Protocol
) -> CheckedData:
    protocol.progress("dataset", 0.03, f"checking the dataset {settings.data}")
    dataset = checked_dataset(settings.data, task, names, kpt_shape, settings.accept_names)
    protocol.log(f"dataset: {len(dataset.images)} validation images, labels checked")
    return CheckedData(dataset, dataset.ultralytics_data(names, work_dir / "dataset", kpt_shape))


def read_metadata(export_dir: Path) -> tuple[Path, dict]:
    path = export_dir / METADATA_FILE
    try:
        return path, json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(
            errors.INVALID_CONFIG,
            f"{path} cannot be read: {exc}",
            "Validate an export folder made by Edgepack (it holds metadata.json).",
        ) from exc


def runnable_files(export_dir: Path, documents: list[dict]) -> list[tuple[str, str, Path]]:
    """(format, precision, model path) of every format document whose model runs here (its parity check ran)."""
    return [
        (d["format"], d["quantization"]["precision"], export_dir / d["model_file"])
        for d in documents
        if d["format"] in RUNNABLE and d.get("validation") is not None
    ]


def validate_files(
    checked: CheckedData,
    task: str,
    pytorch,  # the loaded ultralytics.YOLO of the checkpoint, or None
    files: list[tuple[str, str, Path]],
    checkpoint: Path | None,
    protocol: Protocol,
    work_dir: Path,
    span: tuple[float, float],
) -> dict:
    """Validate the PyTorch model then each file; the summary that goes into the result and metadata.json."""
    from ultralytics import YOLO

    from .accuracy import Candidate, validate_candidates

    candidates = [Candidate("pytorch", "fp32", pytorch, checkpoint)] if pytorch is not None else []
    candidates += [Candidate(fmt, precision, YOLO(str(path), task=task), path) for fmt, precision, path in files]
    rows, cancelled = validate_candidates(
        candidates, checked.ultralytics_data, task, protocol, span, save_dir=work_dir / "runs"
    )
    return {
        "dataset": str(checked.dataset.source),
        "images": len(checked.dataset.images),
        "task": task,
        "partial": cancelled,
        "validated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rows": rows,
    }


def accuracy_entry(summary: dict, row: dict) -> dict:
    pytorch = next((r for r in summary["rows"] if r["format"] == "pytorch"), None)
    return {
        "dataset": summary["dataset"],
        "images": row["images"],
        "partial": row["partial"],
        "figures": row["figures"],
        "pytorch": pytorch["figures"] if pytorch else None,
        "validated_at": summary["validated_at"],
    }


def with_accuracy(metadata: dict, summary: dict) -> dict:
    """metadata.json with each validated format's `validation.accuracy` set (a format not validated keeps its own)."""
    for row in summary["rows"]:
        if row["format"] == "pytorch" or not row.get("figures"):
            continue
        entry = accuracy_entry(summary, row)
        documents = [metadata.get("formats", {}).get(row["format"])]
        documents += [metadata] if metadata.get("format") == row["format"] else []
        for document in documents:
            if document is not None and document.get("validation") is not None:
                document["validation"]["accuracy"] = entry
    return metadata


def record(metadata_path: Path, summary: dict) -> None:
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    tmp = metadata_path.with_suffix(".json.tmp")
    write_metadata(with_accuracy(metadata, summary), tmp)
    tmp.replace(metadata_path)


def model_facts(metadata: dict) -> tuple[str, list[str], list[int] | None]:
    """(task, class names, kpt_shape) as the export's metadata.json records them."""
    keypoints = metadata["postprocessing"]["decoder"].get("keypoints") or {}
    return metadata["task"], [str(n) for n in metadata["names"]], keypoints.get("shape")


def validate_export(
    job_id: str, checkpoint: Path, export_dir: Path, settings: ValidationSettings, protocol: Protocol, load
) -> dict:
    """Validate an existing export (and the checkpoint it came from) on a dataset; metadata.json gains the figures.
    `load(work_dir)` imports Ultralytics and loads the checkpoint (the restricted loader), or returns None when the
    checkpoint is not asked for: only once the dataset passed its checks, so bad data is answered before the heavy
    imports."""
    import shutil
    import tempfile

    metadata_path, metadata = read_metadata(export_dir)
    task, names, kpt_shape = model_facts(metadata)
    runnable = runnable_files(export_dir, list((metadata.get("formats") or {"": metadata}).values()))
    unknown = [f for f in settings.formats or [] if f != "pytorch" and f not in [r[0] for r in runnable]]
    if unknown:
        raise ExportError(
            errors.INVALID_CONFIG,
            f"This export has no runnable {', '.join(unknown)} model to validate.",
            f"Choose among: pytorch, {', '.join(r[0] for r in runnable)}.",
        )
    files = [f for f in runnable if settings.wants(f[0])]
    if not files and not settings.wants("pytorch"):
        raise ExportError(
            errors.UNSUPPORTED_FORMAT,
            f"No format of this export runs on this machine ({', '.join(metadata.get('formats') or [])}).",
            f"Accuracy is measured on {', '.join(RUNNABLE)} exports; CoreML needs macOS, TensorRT an NVIDIA GPU.",
        )
    work_dir = Path(tempfile.mkdtemp(prefix="edgepack-validate-"))
    try:
        checked = check_dataset(settings, task, names, kpt_shape, work_dir, protocol)
        loaded = load(work_dir)
        pytorch = loaded.yolo if loaded else None
        summary = validate_files(checked, task, pytorch, files, checkpoint, protocol, work_dir, (0.08, 0.98))
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    record(metadata_path, summary)
    protocol.progress("done", 1.0)
    return {"job_id": job_id, "validation": summary, "metadata": str(metadata_path)}
