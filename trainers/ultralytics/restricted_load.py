"""Load a checkpoint with PyTorch's restricted unpickler and an explicit allowlist of classes.

`torch.load(weights_only=True)` is the gate: it rebuilds tensors with torch's own rebuilders and creates objects only
of the classes registered here, by their exact pickled name (no attribute walk, no prefix). The allowlist holds what
an Ultralytics checkpoint is made of: the Ultralytics model and layer classes, `torch.nn` layers, the loss/assigner
classes old checkpoints keep, classify transforms, a namespace, paths and numpy's array rebuilders. Nothing else —
no function beyond torch's tensor rebuilders and numpy's two array rebuilders.

A pickle rebuilds objects through `cls.__new__` and their saved state, never through their constructor; a file that
*calls* an allowed class (REDUCE) would run its `__init__` with arguments it chose (`DetectionModel(cfg)` builds a
network from a yaml dict and evaluates its `activation` string). So constructors of the allowed classes are switched
off for the duration of the load, and a call is refused like an unlisted global.
"""

from __future__ import annotations

import contextlib
import enum
import importlib
import pathlib
import pickle
import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path

# Ultralytics modules whose classes are checkpoint material; each class is listed by the name it is defined under.
ULTRALYTICS_LAYER_MODULES = (
    "ultralytics.nn.modules.activation",
    "ultralytics.nn.modules.block",
    "ultralytics.nn.modules.conv",
    "ultralytics.nn.modules.head",
    "ultralytics.nn.modules.transformer",
    "ultralytics.nn.modules.utils",
)
ULTRALYTICS_PLAIN_CLASS_MODULES = ("ultralytics.utils.loss", "ultralytics.utils.tal")

# Names older Ultralytics releases pickled, and the class each means today (Ultralytics' own load maps the same).
LEGACY_NAMES = {
    "ultralytics.nn.modules.block.Silence": "torch.nn.modules.linear.Identity",
    "ultralytics.nn.tasks.YOLOv10DetectionModel": "ultralytics.nn.tasks.DetectionModel",
    "ultralytics.utils.loss.v10DetectLoss": "ultralytics.utils.loss.E2EDetectLoss",
    "ultralytics.yolo.utils.IterableSimpleNamespace": "ultralytics.utils.IterableSimpleNamespace",
}
LEGACY_PREFIXES = {"ultralytics.yolo.utils.": "ultralytics.utils.", "ultralytics.yolo.v8.": "ultralytics.models.yolo."}

NUMPY_REBUILDERS = (
    "numpy.core.multiarray._reconstruct",
    "numpy._core.multiarray._reconstruct",
    "numpy.core.multiarray.scalar",
    "numpy._core.multiarray.scalar",
)
CLASSIFY_TRANSFORMS = ("Compose", "Normalize", "Resize", "CenterCrop", "ToTensor")

# Classes a pickle legitimately calls (REDUCE), whose constructors only store their arguments: enum members, and
# namespaces (Ultralytics' IterableSimpleNamespace pickles as a call). Paths and numpy types are skipped by module.
CALLABLE_CLASSES = (enum.Enum, types.SimpleNamespace)

REFUSED_GLOBAL = re.compile(r"GLOBAL (\S+) was not an allowed global")
REFUSED_CALL = re.compile(r"(?:unrecognized function|create new object for nn\.Parameter or classes allowlisted)")


class RefusedGlobals(Exception):
    """The checkpoint needs globals outside the allowlist; `names` says which."""

    def __init__(self, names: list[str], detail: str = ""):
        super().__init__(", ".join(names) + (f" ({detail})" if detail else ""))
        self.names = names
        self.detail = detail


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _classes_defined_in(module_name: str, base: type | None = None) -> dict[str, type]:
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return {}
    found = {}
    for value in vars(module).values():
        if isinstance(value, type) and value.__module__ == module_name and (base is None or issubclass(value, base)):
            found[_qualified(value)] = value
    return found


def _torch_layers() -> dict[str, type]:
    import torch.nn.modules as layers
    from torch import nn

    found = {}
    for name in layers.__all__:
        value = getattr(layers, name, None)
        if isinstance(value, type) and issubclass(value, nn.Module):
            found[_qualified(value)] = value
    return found


def _ultralytics_models() -> dict[str, type]:
    tasks = importlib.import_module("ultralytics.nn.tasks")
    return {
        name: cls
        for name, cls in _classes_defined_in("ultralytics.nn.tasks").items()
        if issubclass(cls, tasks.BaseModel) or cls.__name__ == "Ensemble"
    }


def _numpy_entries() -> dict[str, object]:
    import numpy as np

    found: dict[str, object] = {"numpy.ndarray": np.ndarray, "numpy.dtype": np.dtype}
    for name in NUMPY_REBUILDERS:
        module, _, attr = name.rpartition(".")
        with contextlib.suppress(ImportError, AttributeError):
            found[name] = getattr(importlib.import_module(module), attr)
    for code in ("?", "b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "e", "f", "d"):
        dtype_class = type(np.dtype(code))
        found[_qualified(dtype_class)] = dtype_class
    return found


def _classify_transforms() -> dict[str, object]:
    # Imported only for a checkpoint that holds them: the TFLite environment cannot import torchvision.
    transforms = importlib.import_module("torchvision.transforms.transforms")
    functional = importlib.import_module("torchvision.transforms.functional")
    found: dict[str, object] = {_qualified(getattr(transforms, n)): getattr(transforms, n) for n in CLASSIFY_TRANSFORMS}
    found[_qualified(functional.InterpolationMode)] = functional.InterpolationMode
    return found


def allowlist(names: set[str] | list[str] = ()) -> dict[str, object]:
    """Every class (and the numpy rebuilders) a checkpoint may name, keyed by the exact name a pickle uses."""
    from torch import nn
    from ultralytics.utils import IterableSimpleNamespace

    table: dict[str, object] = {}
    table.update(_torch_layers())
    for module in ULTRALYTICS_LAYER_MODULES:
        table.update(_classes_defined_in(module, nn.Module))
    for module in ULTRALYTICS_PLAIN_CLASS_MODULES:
        table.update(_classes_defined_in(module))
    table.update(_ultralytics_models())
    table.update(_numpy_entries())
    table["ultralytics.utils.IterableSimpleNamespace"] = IterableSimpleNamespace
    table["types.SimpleNamespace"] = types.SimpleNamespace
    native_path = pathlib.WindowsPath if sys.platform == "win32" else pathlib.PosixPath
    table["pathlib.PosixPath"] = table["pathlib.WindowsPath"] = native_path  # train_args paths from either OS
    if any(n.startswith("torchvision.transforms.") for n in names):
        table.update(_classify_transforms())
    for old, new in LEGACY_NAMES.items():
        if new in table:
            table[old] = table[new]
    for name in names:  # older releases kept the same classes under other module paths
        for old_prefix, new_prefix in LEGACY_PREFIXES.items():
            if name.startswith(old_prefix) and new_prefix + name[len(old_prefix) :] in table:
                table[name] = table[new_prefix + name[len(old_prefix) :]]
        short = re.fullmatch(r"ultralytics\.nn\.modules\.(\w+)", name)  # 8.0.x: the package, not its submodule
        if short:
            hits = [
                cls
                for key, cls in table.items()
                if key.startswith("ultralytics.nn.modules.") and key.endswith(f".{short[1]}")
            ]
            if len(hits) == 1:
                table[name] = hits[0]
    return table


@dataclass
class GlobalsCheck:
    needed: list[str]  # every non-default global the pickle names, as torch's own reader sees it
    refused: list[str]  # those outside the allowlist
    table: dict[str, object]  # the allowlist for these names


def needed_globals(path: Path, fallback: list[str]) -> list[str]:
    """The globals torch's own zip reader finds in the pickle it would load; `fallback` for a non-zip file."""
    import torch

    try:
        return sorted(torch.serialization.get_unsafe_globals_in_checkpoint(str(path)))
    except (ValueError, RuntimeError, pickle.UnpicklingError):
        # The legacy (non-zip) stream, or opcodes torch's lister does not read (its unpickler refuses those too):
        # the static scan's list names what the file asks for.
        return sorted(fallback)


def check_globals(path: Path, fallback: list[str]) -> GlobalsCheck:
    needed = needed_globals(path, fallback)
    table = allowlist(needed)
    return GlobalsCheck(needed=needed, refused=[n for n in needed if n not in table], table=table)


@contextlib.contextmanager
def _constructors_refused(classes: list[object]):
    """Replace each allowed Python class's __init__ with a refusal while the load runs (see the module docstring)."""

    def refuse(self, *args, **kwargs):
        raise pickle.UnpicklingError(f"Trying to call reduce for unrecognized function {_qualified(type(self))}()")

    patched: list[tuple[type, object | None]] = []
    try:
        for cls in classes:
            if not isinstance(cls, type) or issubclass(cls, CALLABLE_CLASSES):
                continue
            if cls.__module__.startswith(("numpy", "pathlib")):
                continue
            try:
                original = cls.__dict__.get("__init__")
                cls.__init__ = refuse
            except TypeError:  # a built-in type: its constructor runs no Python code
                continue
            patched.append((cls, original))
        yield
    finally:
        for cls, original in reversed(patched):
            if original is None:
                del cls.__init__
            else:
                cls.__init__ = original


def load_restricted(path: str | Path, fallback_globals: list[str] = (), check: GlobalsCheck | None = None) -> dict:
    """torch.load(weights_only=True) with the allowlist; RefusedGlobals names whatever the file needs beyond it.
    `check` is check_globals' answer for this file, when the caller already has it."""
    import torch

    path = Path(path)
    check = check or check_globals(path, list(fallback_globals))
    if check.refused:
        raise RefusedGlobals(check.refused)
    needed, table = check.needed, check.table
    entries = [(table[n], n) for n in needed]
    try:
        with torch.serialization.safe_globals(entries), _constructors_refused([table[n] for n in needed]):
            ckpt = torch.load(str(path), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        message = str(exc)
        named = REFUSED_GLOBAL.search(message)
        if named:
            raise RefusedGlobals([named[1]]) from exc
        if REFUSED_CALL.search(message):
            raise RefusedGlobals(
                [_called_name(message)], "called: a checkpoint rebuilds objects, it never calls a class"
            ) from exc
        raise RefusedGlobals(["<unknown>"], message.splitlines()[0][:300]) from exc
    return ckpt if isinstance(ckpt, dict) else {"model": ckpt}


def _called_name(message: str) -> str:
    found = re.search(r"unrecognized function ([\w.]+)", message) or re.search(r"but got <class '([\w.]+)'>", message)
    return found[1] if found else "<call>"
