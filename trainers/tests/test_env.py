"""Ultralytics runs offline: no downloads, no installs, no settings sync, a local font."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from .conftest import REPO


def test_offline_settings_apply_before_import(tmp_path):
    script = textwrap.dedent(
        """
        import json, os, sys
        sys.path.append(sys.argv[1])
        from trainers.common.env import import_ultralytics
        import_ultralytics(sys.argv[2])
        from ultralytics.utils import ONLINE, AUTOINSTALL, SETTINGS, USER_CONFIG_DIR
        from ultralytics.utils.checks import check_font
        print(json.dumps({
            "online": ONLINE, "autoinstall": AUTOINSTALL, "sync": SETTINGS["sync"],
            "config": str(USER_CONFIG_DIR), "font": str(check_font("Arial.ttf")),
            "runs": SETTINGS["runs_dir"], "skip": os.environ["ULTRALYTICS_SKIP_REQUIREMENTS_CHECKS"],
        }))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(REPO), str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    state = json.loads(proc.stdout.strip().splitlines()[-1])
    assert state["online"] is False and state["autoinstall"] is False and state["sync"] is False
    assert state["skip"] == "1"
    assert state["config"] == str(tmp_path / "Ultralytics")
    assert state["font"] == str(tmp_path / "Ultralytics" / "Arial.ttf")
    assert (tmp_path / "Ultralytics" / "Arial.ttf").stat().st_size > 100_000
    assert state["runs"].startswith(str(tmp_path))


CONVERT_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.append(sys.argv[1])
    if sys.argv[3] == "edgepack":
        from trainers.common.env import apply_offline_settings
        apply_offline_settings(sys.argv[2])
    import onnx
    from onnx import TensorProto, helper
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    path = sys.argv[2] + "-relu.onnx"
    onnx.save(model, path)
    import openvino as ov
    ov.convert_model(path)
    import openvino.tools.ovc.telemetry_utils as telemetry
    print(telemetry.tm.__name__)
    """
)


def _convert_as_a_user_would(tmp_path, settings: str) -> tuple[str, Path]:
    home = tmp_path / settings
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TF_BUILD", "JENKINS_URL")}  # a person's desktop
    env["HOME"] = str(home)
    proc = subprocess.run(
        [sys.executable, "-c", CONVERT_SCRIPT, str(REPO), str(tmp_path / "config"), settings],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1], home


def test_openvino_conversion_sends_no_telemetry(tmp_path):
    used, home = _convert_as_a_user_would(tmp_path, "edgepack")
    assert used == "openvino.tools.ovc.telemetry_stub"
    assert not (home / "intel").exists()
    # The same conversion without Edgepack's settings: OpenVINO's telemetry runs, giving this machine a Google
    # Analytics client id (no network here, so nothing leaves it) — what the check above would catch.
    used, home = _convert_as_a_user_would(tmp_path, "plain")
    assert used == "openvino_telemetry"
    assert (home / "intel" / "openvino_ga_cid").exists()
