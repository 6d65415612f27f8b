"""Accuracy on the person's labelled data: Ultralytics' own validator, run on each model file of a job in one process.

Each file is validated exactly as `YOLO(file).val(data=...)` validates it (same validator class, same arguments, same
metrics), so the figures are Ultralytics'. What one process adds: the imports, and the dataloader, are shared — a
format whose input (size, batch, rect) matches one already validated reuses its dataloader.

Cancelling (SIGTERM/SIGINT) stops at the end of the batch in progress; the format being validated reports its figures
over the images seen so far, marked partial.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainers.common.protocol import Protocol

# results_dict key suffix → the figure group it belongs to.
GROUPS = {"(B)": "box", "(M)": "mask", "(P)": "keypoints"}


class ValidationCancelled(BaseException):
    """Raised between batches once a cancel was asked for."""


@dataclass
class Candidate:
    """One model file to validate: the PyTorch original (a loaded YOLO) or an exported artifact (a path)."""

    format: str  # "pytorch" or a format id
    precision: str
    model: Any  # ultralytics.YOLO
    path: Path


@dataclass
class CancelFlag:
    asked: bool = False
    previous: dict = field(default_factory=dict)

    def __enter__(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            self.previous[sig] = signal.signal(sig, self._ask)
        return self

    def __exit__(self, *exc):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)

    def _ask(self, _signum, _frame):
        self.asked = True


def figures(stats: dict, task: str) -> dict:
    """Ultralytics' results_dict → {box|mask|keypoints: {map50_95, map50, precision, recall}} or {top1, top5}."""
    if task == "classify":
        return {"top1": float(stats["metrics/accuracy_top1"]), "top5": float(stats["metrics/accuracy_top5"])}
    out: dict[str, dict] = {}
    for key, value in stats.items():
        suffix = key[-3:]
        if key.startswith("metrics/") and suffix in GROUPS:
            name = key[len("metrics/") : -3].lower().replace("map50-95", "map50_95")
            out.setdefault(GROUPS[suffix], {})[name] = float(value)
    return out


class SharedLoaders:
    """Dataloaders by (split, batch, rect, imgsz, stride): formats that read the same input share one."""

    def __init__(self):
        self._loaders: dict[tuple, Any] = {}

    def validator_class(self, base: type) -> type:
        loaders = self._loaders

        def get_dataloader(validator, dataset_path, batch_size):
            imgsz = validator.args.imgsz
            key = (str(dataset_path), batch_size, bool(validator.args.rect), str(imgsz), int(validator.stride))
            if key not in loaders:
                loaders[key] = base.get_dataloader(validator, dataset_path, batch_size)
            return loaders[key]

        return type(f"Shared{base.__name__}", (base,), {"get_dataloader": get_dataloader})


@contextmanager
def patient_nms():
    """Ultralytics' NMS gives up after 2 s + 0.05 s per image and silently drops the rest of the batch: on a busy
    machine, at the validator's conf 0.001, that takes points off a format's mAP at random. Measuring, it gets the time
    it needs (as the parity check's NMS does, common/boxes.py)."""
    from ultralytics.utils import nms

    original = nms.non_max_suppression

    def patient(*args, **kwargs):
        kwargs.setdefault("max_time_img", 60.0)
        return original(*args, **kwargs)

    nms.non_max_suppression = patient
    try:
        yield
    finally:
        nms.non_max_suppression = original


def validate_candidates(
    candidates: list[Candidate],
    data: Path,
    task: str,
    protocol: Protocol,
    span: tuple[float, float] = (0.0, 1.0),
    save_dir: Path | None = None,
) -> tuple[list[dict], bool]:
    """(one row per candidate that was started, cancelled?). A failing format is its own row with an error."""
    shared = SharedLoaders()
    rows: list[dict] = []
    share = (span[1] - span[0]) / max(len(candidates), 1)
    with CancelFlag() as flag, patient_nms():
        for i, candidate in enumerate(candidates):
            start = span[0] + i * share
            protocol.progress("validate", start, f"validating {candidate.format} on the dataset")
            span_one = (start, start + share)
            row, cancelled = _validate_one(candidate, data, task, shared, flag, protocol, span_one, save_dir)
            rows.append(row)
            if cancelled or flag.asked:
                return rows, True
    return rows, False


def _validate_one(
    candidate: Candidate,
    data: Path,
    task: str,
    shared: SharedLoaders,
    flag: CancelFlag,
    protocol: Protocol,
    span: tuple[float, float],
    save_dir: Path | None,
) -> tuple[dict, bool]:
    seen: dict[str, Any] = {}
    model = candidate.model

    def on_start(validator):
        seen["validator"] = validator

    def on_batch_end(validator):
        total = len(validator.dataloader)
        loader = validator.dataloader
        seen["images"] = min((validator.batch_i + 1) * loader.batch_size, len(loader.dataset))
        protocol.progress("validate", span[0] + (span[1] - span[0]) * (validator.batch_i + 1) / total)
        if flag.asked:
            raise ValidationCancelled

    _replace_callback(model, "on_val_start", on_start)
    _replace_callback(model, "on_val_batch_end", on_batch_end)
    row: dict = {"format": candidate.format, "precision": candidate.precision, "model_file": candidate.path.name}
    started = time.perf_counter()
    validator_class = shared.validator_class(model._smart_load("validator"))
    cancelled = False
    try:
        metrics = model.val(data=str(data), validator=validator_class, plots=False, verbose=False, **_save(save_dir))
        stats = metrics.results_dict
        row.update(partial=False)
    except ValidationCancelled:
        cancelled = True
        stats = _partial_stats(seen.get("validator"), seen.get("images", 0))
        row.update(partial=True)
    except Exception as exc:  # this format could not be validated: said on its row, the others go on
        protocol.log(f"{candidate.format} validation failed: {type(exc).__name__}: {exc}", "warning")
        row.update(error=f"{type(exc).__name__}: {exc}", partial=False, figures=None, images=0)
        return row, False
    row["images"] = seen.get("images", 0)
    row["figures"] = figures(stats, task) if stats else None
    row["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    row["error"] = None
    return row, cancelled


def _save(save_dir: Path | None) -> dict:
    return {"project": str(save_dir), "name": "val", "exist_ok": True} if save_dir else {}


def _replace_callback(model, event: str, fn: Callable) -> None:
    """One callback of ours per event (a YOLO object validated twice must not report twice)."""
    model.callbacks[event] = [cb for cb in model.callbacks[event] if not getattr(cb, "_edgepack", False)]
    fn._edgepack = True  # type: ignore[attr-defined]
    model.add_callback(event, fn)


def _partial_stats(validator, images: int) -> dict | None:
    """Figures over the batches validated before the cancel (Ultralytics' own get_stats on what it has)."""
    if validator is None or not images:
        return None
    stats = validator.get_stats()
    return stats if stats else None
