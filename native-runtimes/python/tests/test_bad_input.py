"""Bad input: each a clear error naming the file (and, for metadata, the field) — never a guess, never garbage boxes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REAL_PHOTOS, REPO, WRAPPER, edit_metadata

from model_wrapper import ImageError, MetadataError, ModelFileError, ModelOutputError, ModelWrapper

NOT_AN_IMAGE = REPO / "tests" / "fixtures" / "bad" / "notes.pt"  # text


def _copy(export: Path, tmp: Path, model: str = "model.onnx") -> Path:
    shutil.copy(export / model, tmp / model)
    shutil.copy(export / "metadata.json", tmp / "metadata.json")
    return tmp / model


def test_metadata_json_missing(exports, tmp_path):
    shutil.copy(exports["detect"] / "model.onnx", tmp_path / "model.onnx")
    with pytest.raises(MetadataError, match=r"metadata\.json not found") as error:
        ModelWrapper(tmp_path / "model.onnx")
    assert str(tmp_path / "metadata.json") in str(error.value)


def test_metadata_json_not_json(exports, tmp_path):
    model = _copy(exports["detect"], tmp_path)
    (tmp_path / "metadata.json").write_text('{"task": "detect",')
    with pytest.raises(MetadataError, match=r"not valid JSON") as error:
        ModelWrapper(model)
    assert str(tmp_path / "metadata.json") in str(error.value)


@pytest.mark.parametrize(
    "field",
    ["names", "input.shape", "preprocessing.resize.pad_value", "postprocessing.nms.iou", "postprocessing.nms.embedded"],
)
def test_metadata_json_missing_a_field(exports, tmp_path, field):
    model = _copy(exports["detect"], tmp_path)

    def drop(document):
        *parents, last = field.split(".")
        for key in parents:
            document = document[key]
        del document[last]

    edit_metadata(tmp_path, drop)
    with pytest.raises(MetadataError, match=rf"field `{field}` is missing") as error:
        ModelWrapper(model)
    assert str(error.value).startswith(str(tmp_path / "metadata.json"))


def test_metadata_field_of_the_wrong_type(exports, tmp_path):
    model = _copy(exports["detect"], tmp_path)
    edit_metadata(tmp_path, lambda d: d["postprocessing"]["nms"].update(conf="0.25"))
    with pytest.raises(MetadataError, match=r"field `postprocessing.nms.conf` must be float, not str"):
        ModelWrapper(model)


def test_metadata_of_another_model_file(exports, tmp_path):
    shutil.copy(exports["detect"] / "model.onnx", tmp_path / "renamed.onnx")
    shutil.copy(exports["detect"] / "metadata.json", tmp_path / "metadata.json")
    with pytest.raises(MetadataError, match=r"not renamed\.onnx \(field `model_file`\)"):
        ModelWrapper(tmp_path / "renamed.onnx")


def test_outputs_that_do_not_match_the_metadata(exports, tmp_path):
    """A detect model under a pose model's metadata.json: its output has 7 channels, pose needs 4 + 1 + 9."""
    shutil.copy(exports["detect"] / "model.onnx", tmp_path / "model.onnx")
    shutil.copy(exports["pose"] / "metadata.json", tmp_path / "metadata.json")
    model = ModelWrapper(tmp_path / "model.onnx")
    with pytest.raises(ModelOutputError, match=r"\[1, 7, 525\].*describes a pose model with 1 classes") as error:
        model.predict(REAL_PHOTOS[0])
    assert str(tmp_path / "model.onnx") in str(error.value)


def test_segment_metadata_on_a_model_without_prototypes(exports, tmp_path):
    shutil.copy(exports["detect"] / "model.onnx", tmp_path / "model.onnx")
    shutil.copy(exports["segment"] / "metadata.json", tmp_path / "metadata.json")
    with pytest.raises(ModelOutputError, match=r"segment model"):
        ModelWrapper(tmp_path / "model.onnx").predict(REAL_PHOTOS[0])


def test_not_an_image(exports):
    with pytest.raises(ImageError, match=r"notes\.pt: not an image OpenCV can read"):
        ModelWrapper(exports["detect"] / "model.onnx").predict(NOT_AN_IMAGE)


def test_a_pixel_bomb_is_refused_from_its_header(exports, tmp_path):
    """An 8000x8000 PNG whose data is a few bytes: refused before any decoding (cv2's own limit is 1 gigapixel)."""
    import struct
    import zlib

    def chunk(name: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))

    bomb = tmp_path / "bomb.png"
    header = struct.pack(">IIBBBBB", 8000, 8000, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(64))) + chunk(b"IEND", b"")
    bomb.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    with pytest.raises(ImageError, match=r"bomb\.png: the image is 8000x8000, above the 40 megapixel limit"):
        ModelWrapper(exports["detect"] / "model.onnx").predict(bomb)


def test_a_model_format_the_wrapper_does_not_run(tmp_path):
    (tmp_path / "model.mlpackage").write_bytes(b"x")
    (tmp_path / "metadata.json").write_text("{}")
    with pytest.raises(ModelFileError, match=r"model\.mlpackage: the wrapper runs \.onnx, \.tflite and OpenVINO"):
        ModelWrapper(tmp_path / "model.mlpackage")


def _example(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(WRAPPER / "example.py"), *args], capture_output=True, text=True)


def test_example_given_a_non_image(exports):
    model = str(exports["detect"] / "model.onnx")
    done = _example(str(NOT_AN_IMAGE), "--model", model)
    assert done.returncode == 1
    assert "notes.pt: error:" in done.stdout and "not an image OpenCV can read" in done.stdout
    mixed = _example(str(REAL_PHOTOS[0]), str(NOT_AN_IMAGE), "--model", model, "--json")
    assert mixed.returncode == 3  # some images failed
    results = json.loads(mixed.stdout)["results"]
    assert "predictions" in results[0]
    assert results[1]["error"]["code"] == "ImageError"


def test_example_without_metadata(exports, tmp_path):
    shutil.copy(exports["detect"] / "model.onnx", tmp_path / "model.onnx")
    done = _example(str(REAL_PHOTOS[0]), "--model", str(tmp_path / "model.onnx"))
    assert done.returncode == 1
    assert "metadata.json not found" in done.stderr


def test_example_usage_errors():
    assert _example("photo.jpg", "--conf", "2").returncode == 2
    assert _example("photo.jpg", "--repeat", "0").returncode == 2


def test_example_repeat_prints_median_stage_timings(exports):
    done = _example(str(REAL_PHOTOS[0]), "--model", str(exports["detect"] / "model.onnx"), "--repeat", "3")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    stages = report["median_ms"]
    assert list(stages) == ["decode", "preprocess", "inference", "postprocess", "total"]
    assert all(v > 0 for v in stages.values())
    assert stages["total"] >= stages["inference"]
    assert report["repeat"] == 3
