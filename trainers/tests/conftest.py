"""Shared helpers: run export.py as the app does (a subprocess speaking JSON lines) and read its events."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from trainers.common.env import apply_offline_settings

# Tests import ultralytics too (to load exported models): offline settings first, in a private config dir.
ULTRALYTICS_CONFIG = apply_offline_settings(Path(tempfile.mkdtemp(prefix="edgepack-pytest-ultralytics-")))

REPO = Path(__file__).resolve().parents[2]
EXPORT_PY = REPO / "trainers" / "ultralytics" / "export.py"
FIXTURES = REPO / "tests" / "fixtures"
SCHEMA = REPO / "resources" / "schemas" / "metadata.schema.json"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def of(self, kind: str) -> list[dict]:
        return [e for e in self.events if e["event"] == kind]

    @property
    def result(self) -> dict:
        results = self.of("result")
        assert len(results) == 1, f"expected one result event, got {len(results)}; stderr:\n{self.stderr[-3000:]}"
        return results[0]

    @property
    def error(self) -> dict:
        errors = self.of("error")
        assert errors, f"expected an error event; stdout:\n{self.stdout[-3000:]}"
        return errors[-1]


def run_export(*args: str, env: dict | None = None, config_dir: Path | None = None, timeout: float = 300) -> Run:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("EXPORT_", "CHECKPOINT_", "OUTPUT_DIR"))}
    full_env.update(env or {})
    cmd = [sys.executable, str(EXPORT_PY), *args]
    if config_dir is not None:
        cmd += ["--config-dir", str(config_dir)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=REPO)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def config_dir() -> Path:
    """One Ultralytics config dir for the whole session (as one toolchain venv would have)."""
    return ULTRALYTICS_CONFIG


@pytest.fixture(scope="session")
def manifest() -> dict:
    return json.loads((FIXTURES / "manifest.json").read_text())


@pytest.fixture(scope="session")
def schema() -> dict:
    return json.loads(SCHEMA.read_text())


def _toolchains_dir() -> Path:
    if os.environ.get("EDGEPACK_TOOLCHAINS"):
        return Path(os.environ["EDGEPACK_TOOLCHAINS"])
    home = os.environ.get("EDGEPACK_HOME") or str(Path.home() / ".local" / "share" / "Edgepack")
    return Path(home) / "toolchains"


@pytest.fixture(scope="session")
def tflite_python() -> str:
    """The TFLite converter's own environment, made the app's way (`edgepack doctor --fix --with tflite`)."""
    import hashlib

    if os.environ.get("EDGEPACK_TFLITE_PYTHON"):
        return os.environ["EDGEPACK_TFLITE_PYTHON"]
    digest = hashlib.sha256((REPO / "trainers" / "requirements" / "tflite.txt").read_bytes()).hexdigest()[:12]
    env_dir = _toolchains_dir() / f"tflite-{digest}"
    if not (env_dir / ".edgepack-ready.json").exists():
        env = {**os.environ, "EDGEPACK_TOOLCHAINS": str(_toolchains_dir())}
        proc = subprocess.run(
            ["node", "bin/edgepack.mjs", "doctor", "--fix", "--with", "tflite", "--json"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert proc.returncode == 0, (
            f"the TFLite environment could not be made:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
    return str(env_dir / "bin" / "python")


# Every format Edgepack writes, in the order of a job that asks for all of them (the first is metadata.json's top).
EVERY_FORMAT = ("onnx", "torchscript", "openvino", "coreml", "tflite", "tensorrt")
TEST_TASKS = ("detect", "segment", "classify", "pose")


@pytest.fixture(scope="session", params=TEST_TASKS)
def every_format_export(request, tmp_path_factory, config_dir, tflite_python):
    """ONE multi-format job per task (one model load, shared reference outputs), kept for the session: the formats
    tests (test_formats.py) and the loader tests (test_loaders.py) read the same export. -> (task, folder, run)."""
    task = request.param
    out = tmp_path_factory.mktemp(f"formats-{task}")
    run = run_export(
        "--checkpoint-path",
        str(FIXTURES / "models" / f"{task}.pt"),
        "--export-format",
        ",".join(EVERY_FORMAT),
        "--output-dir",
        str(out),
        env={"EDGEPACK_TFLITE_PYTHON": tflite_python},
        config_dir=config_dir,
        timeout=1200,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return task, out, run
