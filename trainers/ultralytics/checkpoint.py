"""Ultralytics checkpoints: refuse unsafe or foreign files by their pickle globals, then load and describe one."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainers.common import errors
from trainers.common.checkpoint_file import DROP_HINT, scan_checkpoint
from trainers.common.errors import ExportError
from trainers.common.picklescan import ScanReport

SUPPORTED_TASKS = ("detect", "segment", "classify", "pose", "obb")

# Global prefix → what a person would call that framework.
FOREIGN_FRAMEWORKS = (
    ("torchvision.", "a torchvision model"),
    ("timm.", "a timm model"),
    ("transformers.", "a Hugging Face transformers model"),
    ("detectron2.", "a Detectron2 model"),
    ("mmdet.", "an OpenMMLab (MMDetection) model"),
    ("mmcv.", "an OpenMMLab model"),
    ("mmengine.", "an OpenMMLab model"),
    ("pytorch_lightning.", "a PyTorch Lightning checkpoint"),
    ("lightning.", "a PyTorch Lightning checkpoint"),
    ("sklearn.", "a scikit-learn model"),
    ("keras.", "a Keras model"),
    ("tensorflow.", "a TensorFlow model"),
    ("models.yolo.", "a YOLOv5/YOLOv7 checkpoint from the original repositories"),
    ("models.common.", "a YOLOv5/YOLOv7 checkpoint from the original repositories"),
)


@dataclass
class LoadedCheckpoint:
    path: Path
    scan: ScanReport
    yolo: Any  # ultralytics.YOLO
    ckpt: dict

    @property
    def task(self) -> str:
        return str(self.yolo.task)


def foreign_framework(scan: ScanReport) -> tuple[str, list[str]] | None:
    """Which other framework's classes the pickle holds — unless it holds an Ultralytics model (classify checkpoints
    carry torchvision transforms, for instance)."""
    if any(g.startswith("ultralytics.") for g in scan.globals):
        return None
    for prefix, label in FOREIGN_FRAMEWORKS:
        hits = [g for g in scan.globals if g.startswith(prefix)]
        if hits:
            return label, hits
    return None


def check_scan(path: Path, scan: ScanReport, trust_unsafe: bool) -> None:
    """Decide from the globals alone whether this file may be loaded as an Ultralytics checkpoint."""
    foreign = foreign_framework(scan)
    unsafe = [g for g in scan.unsafe if not foreign or g not in foreign[1]]
    if unsafe and not trust_unsafe:
        shown = ", ".join(unsafe[:12]) + (f" and {len(unsafe) - 12} more" if len(unsafe) > 12 else "")
        raise ExportError(
            errors.UNSAFE_PICKLE,
            f"{path.name} would import code outside the allowlist when loaded: {shown}. It was not loaded.",
            "Loading a checkpoint runs code. Only if you trust where this file came from, confirm to load it anyway "
            "(--trust-unsafe).",
            {"unsafe_globals": unsafe, "globals": scan.globals},
        )
    if foreign:
        label, hits = foreign
        raise ExportError(
            errors.WRONG_FRAMEWORK,
            f"{path.name} is {label} ({hits[0]}), not an Ultralytics YOLO checkpoint.",
            "Edgepack exports Ultralytics YOLO checkpoints (and takes ONNX files as they are). "
            "Export this model to ONNX with its own tools and add the .onnx file.",
            {"globals": hits},
        )
    if not any(g.startswith("ultralytics.") for g in scan.globals):
        only_tensors = all(g.startswith(("torch.", "collections.")) for g in scan.globals)
        what = "holds only tensors (a plain PyTorch state_dict)" if only_tensors else "holds no Ultralytics model"
        raise ExportError(
            errors.WRONG_FRAMEWORK,
            f"{path.name} is a PyTorch file but {what}, not an Ultralytics YOLO checkpoint.",
            "A state_dict has weights but no architecture. " + DROP_HINT,
        )


def _loadable_path(path: Path, workdir: Path) -> Path:
    """Ultralytics insists on a .pt suffix and writes exports beside the checkpoint: give it a private link."""
    workdir.mkdir(parents=True, exist_ok=True)
    link = workdir / "model.pt"
    if link.exists() or link.is_symlink():
        link.unlink()
    try:
        os.symlink(path.resolve(), link)
    except OSError:  # Windows without symlink rights
        shutil.copyfile(path, link)
    return link


def load_checkpoint(
    path: str | Path, workdir: Path, trust_unsafe: bool = False, scan: ScanReport | None = None
) -> LoadedCheckpoint:
    """Scan (unless done already), then load with Ultralytics. Requires import_ultralytics() to have run."""
    path = Path(path)
    scan = scan or scan_checkpoint(path)
    check_scan(path, scan, trust_unsafe)
    from ultralytics import YOLO

    try:
        yolo = YOLO(str(_loadable_path(path, workdir)))
    except ExportError:
        raise
    except Exception as exc:
        raise ExportError(
            errors.CHECKPOINT_LOAD_FAILED,
            f"Ultralytics could not load {path.name}: {type(exc).__name__}: {exc}",
            "The checkpoint may come from a newer Ultralytics than the toolchain's, or be damaged. "
            "Run `edgepack doctor` to see the toolchain versions.",
        ) from exc
    task = str(getattr(yolo, "task", "") or "")
    if task not in SUPPORTED_TASKS:
        raise ExportError(
            errors.UNSUPPORTED_TASK,
            f"{path.name} is a '{task}' model; Edgepack exports {', '.join(SUPPORTED_TASKS)} models.",
            "Use a detection, segmentation, classification, pose or OBB checkpoint.",
        )
    return LoadedCheckpoint(path=path, scan=scan, yolo=yolo, ckpt=getattr(yolo, "ckpt", None) or {})


def class_names(yolo: Any) -> list[str]:
    names = getattr(yolo, "names", None) or {}
    if isinstance(names, dict):
        return [str(names[k]) for k in sorted(names)]
    return [str(n) for n in names]


def train_imgsz(loaded: LoadedCheckpoint) -> list[int]:
    """[h, w] the model was trained at (Ultralytics stores an int or a pair); 640 when it was never trained."""
    args = loaded.ckpt.get("train_args") or getattr(loaded.yolo.model, "args", {}) or {}
    value = args.get("imgsz", 640) if isinstance(args, dict) else 640
    if isinstance(value, (list, tuple)):
        return [int(value[0]), int(value[-1])]
    return [int(value), int(value)]


def export_imgsz(loaded: LoadedCheckpoint, requested: int | None, log=None) -> list[int]:
    """[h, w] to export at: the requested size rounded up to the model stride, else the training size."""
    stride = int(max(loaded.yolo.model.stride)) if hasattr(loaded.yolo.model, "stride") else 32
    if requested:
        rounded = -(-int(requested) // stride) * stride
        if rounded != requested and log:
            log("warning", f"imgsz {requested} is not a multiple of the model stride {stride}; using {rounded}")
        return [rounded, rounded]
    return train_imgsz(loaded)


def describe(loaded: LoadedCheckpoint) -> dict:
    """The model card: framework, task, class names, input size and facts worth showing."""
    model = loaded.yolo.model
    ckpt = loaded.ckpt
    yaml = getattr(model, "yaml", {}) or {}
    head = model.model[-1] if hasattr(model, "model") else None
    train_args = ckpt.get("train_args") or {}
    details: dict[str, Any] = {
        "ultralytics_version": ckpt.get("version"),
        "architecture": Path(str(yaml.get("yaml_file", ""))).stem or None,
        "scale": yaml.get("scale"),
        "head": type(head).__name__ if head is not None else None,
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "layers": len(list(model.modules())),
        "stride": int(max(model.stride)) if hasattr(model, "stride") else None,
        "channels": int(yaml.get("channels", 3)),
        "nc": len(class_names(loaded.yolo)),
        "trained_epochs": (ckpt.get("epoch") + 1)
        if isinstance(ckpt.get("epoch"), int) and ckpt["epoch"] >= 0
        else None,
        "train_data": str(train_args.get("data")) if train_args.get("data") else None,
        "date": ckpt.get("date"),
        "license": ckpt.get("license"),
        "scan": {"globals": len(loaded.scan.globals), "unsafe": loaded.scan.unsafe},
    }
    if loaded.task == "pose" and head is not None and hasattr(head, "kpt_shape"):
        details["kpt_shape"] = [int(x) for x in head.kpt_shape]
    return {
        "framework": "ultralytics",
        "task": loaded.task,
        "names": class_names(loaded.yolo),
        "imgsz": train_imgsz(loaded),
        "details": {k: v for k, v in details.items() if v is not None},
    }
