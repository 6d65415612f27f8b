"""FP16 and INT8 across the formats in one job each, and the bad input around them: each a clear error, nothing lost."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import onnx
import pytest
from jsonschema import Draft202012Validator

from trainers.common.metadata import document_for
from trainers.common.registry import FormatSpec, run_format

from .conftest import FIXTURES, run_export

DETECT = str(FIXTURES / "models" / "detect.pt")
CALIB = str(FIXTURES / "images")
ALL = "onnx,torchscript,openvino,coreml,tflite,tensorrt"


def _export(out: Path, formats: str, optimization: dict | None, config_dir, env: dict | None = None):
    args = ["--checkpoint-path", DETECT, "--export-format", formats, "--output-dir", str(out)]
    if optimization is not None:
        args += ["--optimization-config", json.dumps(optimization)]
    return run_export(*args, env=env, config_dir=config_dir, timeout=1200)


@pytest.fixture(scope="module")
def fp32_onnx(tmp_path_factory, config_dir):
    out = tmp_path_factory.mktemp("fp32")
    run = _export(out, "onnx", None, config_dir)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.result["formats"]["onnx"]


@pytest.fixture(scope="module")
def int8(tmp_path_factory, config_dir, tflite_python):
    out = tmp_path_factory.mktemp("int8")
    run = _export(out, ALL, {"int8": True, "calib_dir": CALIB}, config_dir, {"EDGEPACK_TFLITE_PYTHON": tflite_python})
    assert run.returncode == 0, run.stderr[-3000:]
    return out, run.result["formats"]


@pytest.fixture(scope="module")
def fp16(tmp_path_factory, config_dir, tflite_python):
    out = tmp_path_factory.mktemp("fp16")
    run = _export(out, ALL, {"half": True}, config_dir, {"EDGEPACK_TFLITE_PYTHON": tflite_python})
    assert run.returncode == 0, run.stderr[-3000:]
    return out, run.result["formats"]


@pytest.mark.parametrize("fmt", ["onnx", "openvino", "tflite"])
def test_int8_runs_here_and_passes_its_parity_gate(int8, fmt):
    _out, formats = int8
    result = formats[fmt]
    assert result["status"] == "passed", result
    assert result["parity"]["precision"] == "int8" and result["parity"]["boxes_reference"] > 0
    meta = document_for(json.loads(Path(result["metadata"]).read_text()), fmt)
    assert meta["quantization"]["precision"] == "int8"
    assert meta["quantization"]["calibration"]["images"] == len(list(Path(CALIB).glob("*.png")))


def test_int8_onnx_is_smaller_than_fp32(int8, fp32_onnx):
    assert int8[1]["onnx"]["bytes"] < 0.5 * fp32_onnx["bytes"]


def test_int8_tensorrt_ships_a_calibrated_qdq_onnx_and_int8_flags(int8):
    out, formats = int8
    assert formats["tensorrt"]["status"] == "deferred"
    package = out / "model_tensorrt"
    assert "--int8" in (package / "build_engine.sh").read_text()
    ops = {n.op_type for n in onnx.load(str(package / "model.onnx")).graph.node}
    assert {"QuantizeLinear", "DequantizeLinear"} <= ops


def test_int8_coreml_quantizes_weights_without_running(int8):
    result = int8[1]["coreml"]
    assert result["status"] == "not_runnable" and all(c["passed"] for c in result["checks"])
    meta = document_for(json.loads(Path(result["metadata"]).read_text()), "coreml")
    assert (
        meta["quantization"]["precision"] == "int8" and "palettization" in meta["quantization"]["calibration"]["method"]
    )


def test_a_format_without_int8_says_so_on_its_own(int8):
    out, formats = int8
    result = formats["torchscript"]
    assert result["status"] == "failed" and result["error"]["code"] == "INVALID_CONFIG"
    assert "does not offer INT8" in result["error"]["message"]
    assert not (out / "model.torchscript").exists()


@pytest.mark.parametrize("fmt", ["onnx", "openvino"])
def test_fp16_runs_here_and_passes_its_parity_gate(fp16, fmt):
    result = fp16[1][fmt]
    assert result["status"] == "passed", result
    assert result["parity"]["precision"] == "fp16" and result["parity"]["box_match"] >= 0.85


def test_fp16_tensorrt_build_asks_for_fp16(fp16):
    out, formats = fp16
    assert formats["tensorrt"]["status"] == "deferred"
    assert "--fp16" in (out / "model_tensorrt" / "build_engine.sh").read_text()


@pytest.mark.parametrize("fmt, words", [("torchscript", "GPU"), ("tflite", "FP16")])
def test_fp16_where_it_cannot_be_made_is_refused_with_the_reason(fp16, fmt, words):
    result = fp16[1][fmt]
    assert result["status"] == "failed" and result["error"]["code"] == "INVALID_CONFIG"
    assert words in result["error"]["message"] + result["error"]["hint"]


@pytest.mark.parametrize(
    "formats, optimization, words",
    [
        ("torchscript", {"half": True}, "FP16"),
        ("tflite", {"half": True}, "FP16"),
        ("torchscript", {"int8": True, "calib_dir": CALIB}, "INT8"),
        (ALL, {"half": True, "int8": True, "calib_dir": CALIB}, "not both"),
    ],
)
def test_nonsensical_combinations_are_refused_before_anything_starts(
    tmp_path, config_dir, formats, optimization, words
):
    run = _export(tmp_path / "out", formats, optimization, config_dir)
    assert run.returncode == 1
    assert run.error["code"] == "INVALID_CONFIG" and words in run.error["message"]
    assert not any(e.get("stage") == "load" for e in run.of("progress")), "refused before the model was loaded"


def test_int8_without_a_folder_calibrates_on_the_sample_photos_warns_and_passes_parity(tmp_path, config_dir):
    run = _export(tmp_path, "onnx", {"int8": True}, config_dir)
    assert run.returncode == 0, run.stderr[-3000:]
    warnings = [e["message"] for e in run.of("log") if e["level"] == "warning"]
    assert any("sample photos" in w for w in warnings), warnings
    result = run.result["formats"]["onnx"]
    assert result["status"] == "passed", result["parity"]
    assert result["parity"]["precision"] == "int8" and result["parity"]["boxes_reference"] > 0
    assert result["calibration"]["sample_photos"] and "sample photos" in result["calibration"]["warning"]
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["quantization"]["calibration"]["warning"] == result["calibration"]["warning"]
    assert meta["quantization"]["calibration"]["images"] == result["calibration"]["images"] >= 2


def test_calibration_folder_without_images(tmp_path, config_dir):
    empty = tmp_path / "calib"
    empty.mkdir()
    (empty / "notes.txt").write_text("no pictures here")
    run = _export(tmp_path / "out", "onnx", {"int8": True, "calib_dir": str(empty)}, config_dir)
    assert run.returncode == 1 and run.error["code"] == "INVALID_CONFIG"
    assert "No images in the calibration folder" in run.error["message"] and ".jpg" in run.error["hint"]
    assert not (tmp_path / "out" / "model.onnx").exists()


@pytest.mark.parametrize("fmt, artifact", [("openvino", "model_openvino_model"), ("tflite", "model.tflite")])
def test_calibration_folder_with_a_broken_image(tmp_path, config_dir, tflite_python, fmt, artifact):
    """TFLite reads the folder in its own environment, started before the model loads here: the same error."""
    calib = tmp_path / "calib"
    calib.mkdir()
    (calib / "good.png").write_bytes((FIXTURES / "images" / "shapes-1.png").read_bytes())
    (calib / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    optimization = {"int8": True, "calib_dir": str(calib)}
    run = _export(tmp_path / "out", fmt, optimization, config_dir, {"EDGEPACK_TFLITE_PYTHON": tflite_python})
    assert run.returncode == 1 and run.error["code"] == "INVALID_CONFIG"
    assert "broken.jpg" in run.error["message"] and "Remove or replace" in run.error["hint"]
    assert not (tmp_path / "out" / artifact).exists()


def test_a_missing_converter_names_the_install(tmp_path):
    spec = FormatSpec(
        id="demo",
        label="Demo",
        artifact="model.demo",
        export_options={},
        optimization_options={},
        tasks=("detect",),
        export=lambda ctx: pytest.fail("must not run without its converter"),
        packages=("edgepack-no-such-converter",),
    )
    outcome = run_format(spec, SimpleNamespace(output_dir=tmp_path), lambda *_: None)
    assert outcome.status == "failed" and outcome.error.code == "CONVERTER_MISSING"
    assert "edgepack-no-such-converter" in outcome.error.message
    assert "edgepack doctor --fix" in outcome.error.hint


def test_tflite_without_its_environment_names_the_install(tmp_path, config_dir):
    run = _export(tmp_path, "onnx,tflite", None, config_dir, {"EDGEPACK_TFLITE_PYTHON": ""})
    assert run.returncode == 0, "the other format still succeeds"
    result = run.result["formats"]["tflite"]
    assert result["status"] == "failed" and result["error"]["code"] == "CONVERTER_MISSING"
    assert "requirements/tflite.txt" in result["error"]["hint"]
    assert run.result["formats"]["onnx"]["status"] == "passed"


def test_a_conversion_failing_midway_leaves_nothing_and_carries_the_converters_message(tmp_path, config_dir):
    """The main environment's python has no litert-torch: the converter starts, then fails inside Ultralytics."""
    run = _export(tmp_path, "tflite,onnx", None, config_dir, {"EDGEPACK_TFLITE_PYTHON": sys.executable})
    result = run.result["formats"]["tflite"]
    assert result["status"] == "failed" and result["error"]["code"] == "EXPORT_FAILED"
    assert "litert" in result["error"]["message"].lower() and result["error"]["hint"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metadata.json", "model.onnx"]
    assert list(json.loads((tmp_path / "metadata.json").read_text())["formats"]) == ["onnx"], "only what was made"


def test_every_optimized_metadata_json_validates_against_the_schema(int8, fp16, schema):
    checked = 0
    for out, formats in (int8, fp16):
        meta = json.loads((out / "metadata.json").read_text())
        Draft202012Validator(schema).validate(meta)
        made = [fmt for fmt, result in formats.items() if result.get("metadata")]
        assert list(meta["formats"]) == made, "metadata.json has every format that produced a model, and only those"
        checked += len(made)
    assert checked >= 8, "every format that produced a model has its metadata checked"
