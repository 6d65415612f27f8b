"""The wrapper keeps ONNX Runtime's usage telemetry off: from 1.29 ORT uploads it from Linux and macOS by default,
leaving a device id under ~/.cache/Microsoft and /tmp/mat-debug-<pid>.log; a person's own ORT_DISABLE_TELEMETRY wins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import WRAPPER, images_for

# What ONNX Runtime takes for a CI machine, where it keeps telemetry quiet (tests/support/onnxruntime-telemetry.mjs
# lists the same): a person's desktop has none, so the example runs without them.
CI_MARKERS = (
    "CI",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "JENKINS_URL",
    "TRAVIS",
    "TF_BUILD",
    "BUILDKITE",
    "CIRCLECI",
    "APPVEYOR",
    "CODEBUILD_BUILD_ID",
    "TEAMCITY_VERSION",
    "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI",
    "ORT_RUNNING_UNIT_TESTS",
)


def _traces(home: Path, pid: int) -> list[str]:
    store = home / ".cache" / "Microsoft" / "DeveloperTools" / ".onnxruntime"
    found = [p.name for p in store.iterdir()] if store.is_dir() else []
    debug_log = Path("/tmp") / f"mat-debug-{pid}.log"
    if debug_log.exists():
        found.append(debug_log.name)
        debug_log.unlink()
    return found


def _example_with_fresh_home(model: Path, tmp_path: Path, setting: str | None) -> list[str]:
    home = tmp_path / f"home-{setting}"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY" and k not in CI_MARKERS}
    env["HOME"] = str(home)
    if setting is not None:
        env["ORT_DISABLE_TELEMETRY"] = setting
    args = [sys.executable, str(WRAPPER / "example.py"), str(images_for("detect")[0]), "--model", str(model)]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "predictions" in out
    return _traces(home, proc.pid)


def test_onnx_runtime_sends_no_telemetry_unless_the_person_asks(exports, tmp_path):
    model = exports["detect"] / "model.onnx"
    assert _example_with_fresh_home(model, tmp_path, None) == []
    # ORT_DISABLE_TELEMETRY=0 is kept, and then telemetry runs: the first check could have seen it.
    assert "deviceid" in _example_with_fresh_home(model, tmp_path, "0")
