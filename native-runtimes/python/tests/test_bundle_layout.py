"""The wrapper as a bundle ships it (ship.json's files in runtimes/python/, the export at the bundle's root): it runs
from there with no paths given and answers `edgepack predict --json`'s predictions; ship.json lists every module."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import LOW_CONF, REAL_PHOTOS, WRAPPER, cli_predict

from wrapper_json import js_stringify

SHIP = json.loads((WRAPPER / "ship.json").read_text())


def test_ship_json_lists_every_module_and_only_existing_files():
    modules = {p.name for p in WRAPPER.glob("*.py")}
    assert modules <= set(SHIP["files"])
    assert all((WRAPPER / f).is_file() for f in SHIP["files"])
    assert SHIP["runtime"] == "python" and SHIP["formats"] == ["onnx", "openvino", "tflite"]


@pytest.mark.parametrize("task", ["detect", "classify"])
def test_example_in_a_bundle_finds_the_model_and_answers_as_edgepack(task, exports, tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(exports[task], bundle)
    runtime = bundle / "runtimes" / "python"
    runtime.mkdir(parents=True)
    for name in SHIP["files"]:
        shutil.copy(WRAPPER / name, runtime / name)
    images = REAL_PHOTOS[:2]
    args = [sys.executable, "example.py", *map(str, images), "--json", "--conf", str(LOW_CONF)]
    done = subprocess.run(args, cwd=runtime, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["model"] == str(bundle / "model.onnx")  # the first format metadata.json names
    reference = json.loads(cli_predict(exports[task] / "model.onnx", images, tmp_path, "--conf", str(LOW_CONF)))
    for mine, theirs in zip(answer["results"], reference["results"], strict=True):
        assert js_stringify(mine["predictions"]) == js_stringify(theirs["predictions"])
