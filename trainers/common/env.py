"""Ultralytics offline settings, applied BEFORE `import ultralytics` (it reads them at import time).

Never downloads or pip-installs: YOLO_OFFLINE, YOLO_AUTOINSTALL=false, ULTRALYTICS_SKIP_REQUIREMENTS_CHECKS, its own
YOLO_CONFIG_DIR holding a font (so plotting never fetches Arial.ttf), settings sync and integrations off, and
runs/datasets/weights folders inside the config dir rather than wherever the process happens to start. Nor do the
libraries an export runs phone home: ONNX Runtime's telemetry is off (ORT_DISABLE_TELEMETRY, 1.29+ uploads it from
Linux and macOS by default), and OpenVINO's model conversion and NNCF (its INT8 quantiser) find no
`openvino_telemetry` to import, which makes both use their own no-op stand-in — installed, that package sends Google
Analytics events unless the user opted out in ~/intel/openvino_telemetry.

The trainer image prepares one config dir at build time (`prepare_config_dir`) and names it in
EDGEPACK_ULTRALYTICS_CONFIG_SEED: its root file system is read-only when it runs as a Job, so each run copies that
seed into its writable YOLO_CONFIG_DIR under /tmp.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

OFFLINE_ENV = {
    "YOLO_OFFLINE": "true",
    "YOLO_AUTOINSTALL": "false",
    "ULTRALYTICS_SKIP_REQUIREMENTS_CHECKS": "1",
    "ORT_DISABLE_TELEMETRY": "1",
}
BLOCKED_MODULES = ("openvino_telemetry",)
FONT_NAMES = ("Arial.ttf", "Arial.Unicode.ttf")
CONFIG_SEED_ENV = "EDGEPACK_ULTRALYTICS_CONFIG_SEED"
SETTINGS_OFF = ("sync", "clearml", "comet", "dvc", "mlflow", "raytune", "tensorboard", "wandb", "vscode_msg")


def default_config_dir() -> Path:
    """A folder inside the virtual environment (one per toolchain), else a private temp folder."""
    candidate = Path(sys.prefix) / "ultralytics-config"
    try:
        candidate.mkdir(parents=True, exist_ok=True)
        if os.access(candidate, os.W_OK):
            return candidate
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / f"edgepack-ultralytics-config-{os.getuid() if hasattr(os, 'getuid') else 0}"


def bundled_font() -> Path | None:
    """matplotlib (an Ultralytics dependency) ships DejaVuSans.ttf; found without importing matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    if not spec or not spec.submodule_search_locations:
        return None
    font = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    return font if font.is_file() else None


def apply_offline_settings(config_dir: str | Path | None = None) -> Path:
    """Set the environment for an offline Ultralytics; returns YOLO_CONFIG_DIR. Call before importing ultralytics."""
    if "ultralytics" in sys.modules:
        raise RuntimeError("apply_offline_settings() must run before `import ultralytics`")
    root = Path(config_dir or os.environ.get("YOLO_CONFIG_DIR") or default_config_dir()).expanduser().resolve()
    user_dir = root / "Ultralytics"  # what Ultralytics appends to YOLO_CONFIG_DIR
    _copy_seed(root)
    user_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(OFFLINE_ENV)
    for name in BLOCKED_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: `import name` raises ImportError
    os.environ["YOLO_CONFIG_DIR"] = str(root)
    os.environ.setdefault("MPLCONFIGDIR", str(root / "matplotlib"))
    font = bundled_font()
    for name in FONT_NAMES:
        target = user_dir / name
        if font and not target.exists():
            shutil.copyfile(font, target)
    return root


def _copy_seed(root: Path) -> None:
    seed = os.environ.get(CONFIG_SEED_ENV)
    if not seed or not Path(seed).is_dir() or Path(seed).resolve() == root:
        return
    if not (root / "Ultralytics" / "settings.json").exists():
        shutil.copytree(seed, root, dirs_exist_ok=True)


def prepare_config_dir(config_dir: str | Path) -> Path:
    """Make a complete config dir ahead of time (the trainer image's build): Ultralytics' settings, the font and
    matplotlib's font cache."""
    root = Path(config_dir).resolve()
    os.environ["MPLCONFIGDIR"] = str(root / "matplotlib")
    import_ultralytics(root)
    import matplotlib.font_manager  # noqa: F401  (builds its font cache in MPLCONFIGDIR)

    return root


def import_ultralytics(config_dir: str | Path | None = None):
    """Apply the offline settings, import Ultralytics, switch settings sync and integrations off."""
    root = apply_offline_settings(config_dir) if "ultralytics" not in sys.modules else None
    from ultralytics.utils import SETTINGS

    import ultralytics

    wanted: dict = {key: False for key in SETTINGS_OFF}
    if root is not None:
        wanted.update(
            runs_dir=str(root / "runs"), datasets_dir=str(root / "datasets"), weights_dir=str(root / "weights")
        )
    if any(SETTINGS.get(k) != v for k, v in wanted.items()):
        SETTINGS.update(wanted)
    return ultralytics
