"""Ultralytics checkpoints: refuse unsafe or foreign files by their pickle globals, then load and describe one."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainers.common import errors, registry
from trainers.common.checkpoint_file import DROP_HINT, scan_checkpoint
from trainers.common.errors import ExportError
from trainers.common.picklescan import ScanReport

from .restricted_load import GlobalsCheck, RefusedGlobals, check_globals, load_restricted

SUPPORTED_TASKS = registry.TASKS

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
    restricted: bool = True  # loaded through the restricted unpickler (False only for a trusted file that needs more)

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


def unsafe_error(path: Path, names: list[str], detail: str = "") -> ExportError:
    shown = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
    dill = any(n.startswith("dill.") for n in names)
    why = (
        "It was pickled with dill (Ultralytics 8.0.x did this), and a dill pickle can carry code objects. "
        if dill
        else ""
    )
    return ExportError(
        errors.UNSAFE_PICKLE,
        f"{path.name} needs globals outside what an Ultralytics checkpoint is made of: {shown}"
        f"{f' ({detail})' if detail else ''}. It was not loaded.",
        why + "Loading a checkpoint runs code. Only if you trust where this file came from, confirm to load it anyway "
        "(--trust-unsafe); it is then loaded in a sandbox where the system provides one (`edgepack doctor` says).",
        {"unsafe_globals": names, "dill": dill},
    )


def check_scan(path: Path, scan: ScanReport, trust_unsafe: bool) -> None:
    """Decide from the globals alone whether this file may be loaded as an Ultralytics checkpoint."""
    foreign = foreign_framework(scan)
    unsafe = [g for g in scan.unsafe if not foreign or g not in foreign[1]]
    if unsafe and not trust_unsafe:  # a quick first answer; the restricted load is the gate
        raise unsafe_error(path, unsafe)
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


@contextlib.contextmanager
def _ultralytics_loads_restricted(path: Path, check: GlobalsCheck):
    """Ultralytics' YOLO(...) reads the file through tasks.torch_safe_load; route that read through the restricted
    loader for the duration of one YOLO(...) call."""
    from ultralytics.nn import tasks

    original = tasks.torch_safe_load

    def restricted(weight, safe_only=None):
        try:
            return load_restricted(weight, check=check), weight
        except RefusedGlobals as exc:
            raise unsafe_error(path, exc.names, exc.detail) from None

    tasks.torch_safe_load = restricted
    try:
        yield
    finally:
        tasks.torch_safe_load = original


def load_checkpoint(
    path: str | Path, workdir: Path, trust_unsafe: bool = False, scan: ScanReport | None = None
) -> LoadedCheckpoint:
    """Scan (unless done already) for a quick, friendly answer, then load: through PyTorch's restricted unpickler
    and the class allowlist — unless the person trusted a file that needs more. Requires import_ultralytics()."""
    path = Path(path)
    scan = scan or scan_checkpoint(path)
    check_scan(path, scan, trust_unsafe)
    from ultralytics import YOLO

    check = check_globals(path, scan.globals)
    if check.refused and not trust_unsafe:
        raise unsafe_error(path, check.refused)
    scan = dataclasses.replace(scan, unsafe=check.refused)
    restricted = not check.refused
    loading = _ultralytics_loads_restricted(path, check) if restricted else contextlib.nullcontext()
    try:
        with loading:
            yolo = YOLO(str(_loadable_path(path, workdir)))
    except ExportError:
        raise
    except Exception as exc:
        dill = "dill" in str(exc)
        raise ExportError(
            errors.CHECKPOINT_LOAD_FAILED,
            f"Ultralytics could not load {path.name}: {type(exc).__name__}: {exc}",
            "The checkpoint was pickled with dill, which this toolchain does not include."
            if dill
            else "The checkpoint may come from a newer Ultralytics than the toolchain's, or be damaged. "
            "Run `edgepack doctor` to see the toolchain versions.",
        ) from exc
    task = str(getattr(yolo, "task", "") or "")
    if task not in SUPPORTED_TASKS:
        raise ExportError(
            errors.UNSUPPORTED_TASK,
            f"{path.name} is a '{task}' model; Edgepack exports {', '.join(SUPPORTED_TASKS)} models.",
            "Use a detection, segmentation, classification, pose or OBB checkpoint.",
        )
    return LoadedCheckpoint(
        path=path, scan=scan, yolo=yolo, ckpt=getattr(yolo, "ckpt", None) or {}, restricted=restricted
    )


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
        rounded, warning = registry.stride_rounded(int(requested), stride)
        if warning and log:
            log("warning", warning)
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
        "scan": {
            "globals": len(loaded.scan.globals),
            "unsafe": loaded.scan.unsafe,
            "loader": "restricted" if loaded.restricted else "trusted",
        },
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
