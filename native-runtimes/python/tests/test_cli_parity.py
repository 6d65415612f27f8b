"""The wrapper's predictions are `edgepack predict --json`'s, byte for byte: the real CLI (the app's reference
runtime) and the wrapper on the same ONNX export, on real photos (CMYK, YCCK and ICC-tagged too) and the fixture
scenes, every task (threshold 0.01: see LOW_CONF). example.py --json prints each image's predictions block exactly as
the CLI prints it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import CONVERTED_PHOTOS, LOW_CONF, TASKS, WRAPPER, cli_predict, images_for

from model_wrapper import ModelWrapper
from wrapper_json import js_stringify


@pytest.mark.parametrize("task", TASKS)
def test_predictions_equal_edgepack_predict(task, exports, tmp_path):
    model = exports[task] / "model.onnx"
    images = [*images_for(task), *CONVERTED_PHOTOS]
    reference = json.loads(cli_predict(model, images, tmp_path, "--conf", str(LOW_CONF)))["results"]
    wrapper = ModelWrapper(model)
    compared = 0
    for image, result in zip(images, reference, strict=True):
        assert "error" not in result, result
        mine = wrapper.predict(image, conf=LOW_CONF)
        assert js_stringify(mine) == js_stringify(result["predictions"]), f"{task} on {image.name}"
        compared += len(mine)
    assert compared >= 2 * len(images), "too few predictions to compare: the check would prove little"


@pytest.mark.parametrize("task", ["detect", "classify"])
def test_example_json_prints_the_clis_predictions_text(task, exports, tmp_path):
    model = exports[task] / "model.onnx"
    images = images_for(task)[:2]
    cli_text = cli_predict(model, images, tmp_path, "--conf", str(LOW_CONF))
    args = [sys.executable, str(WRAPPER / "example.py"), *map(str, images), "--model", str(model), "--json"]
    done = subprocess.run([*args, "--conf", str(LOW_CONF)], capture_output=True, text=True, check=True)
    for result in json.loads(cli_text)["results"]:
        # Both documents hold each image's predictions at the same depth: the same text, byte for byte.
        block = '"predictions": ' + js_stringify(result["predictions"], level=3)
        assert block in cli_text, "the serialiser does not write what JSON.stringify wrote"
        assert block in done.stdout
