"""Ultralytics runs offline: no downloads, no installs, no settings sync, a local font."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

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
