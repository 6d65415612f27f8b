"""Every registered format × every task, from ONE multi-format job per task (one model load, shared reference
outputs), checked the way a user would: its status, its files, its parity, metadata.json and its native metadata.

A format registered in trainers/ultralytics/formats/ without an entry in EXPECTED fails test_every_registered_format
_is_tested: a new format must come with its checks."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from trainers.common.registry import REGISTRY
from trainers.ultralytics import formats as format_modules  # noqa: F401  (registers every format)
from trainers.ultralytics.formats import coreml, onnx, openvino, tflite, torchscript

from .conftest import FIXTURES, run_export

TASKS = ("detect", "segment", "classify", "pose")
NAMES = {t: ["circle", "square", "triangle"] for t in ("detect", "segment", "classify")} | {"pose": ["triangle"]}

# What each format must come back as on this machine (no GPU, Linux), and how its native metadata is read back.
EXPECTED = {
    "onnx": {"status": "passed", "read": onnx.read_metadata},
    "torchscript": {"status": "passed", "read": torchscript.read_metadata},
    "openvino": {"status": "passed", "read": openvino.read_metadata},
    "coreml": {"status": "not_runnable", "read": coreml.read_metadata},
    "tflite": {"status": "passed", "read": tflite.read_metadata},
    "tensorrt": {"status": "deferred", "read": lambda p: json.loads((p / "metadata.json").read_text())},
}
ALL = ",".join(EXPECTED)


def test_every_registered_format_is_tested():
    assert set(REGISTRY) == set(EXPECTED), "a registered format has no per-task test (add it to EXPECTED)"


@pytest.fixture(scope="module", params=TASKS)
def job(request, tmp_path_factory, config_dir, tflite_python):
    task = request.param
    out = tmp_path_factory.mktemp(f"formats-{task}")
    run = run_export(
        "--checkpoint-path",
        str(FIXTURES / "models" / f"{task}.pt"),
        "--export-format",
        ALL,
        "--output-dir",
        str(out),
        env={"EDGEPACK_TFLITE_PYTHON": tflite_python},
        config_dir=config_dir,
        timeout=1200,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return task, out, run


@pytest.mark.parametrize("fmt", list(EXPECTED))
def test_format_for_task(job, fmt, schema):
    task, out, run = job
    result = run.result["formats"][fmt]
    assert result["status"] == EXPECTED[fmt]["status"], result
    assert result["error"] is None
    artifact = Path(result["path"])
    assert artifact.parent == out and artifact.name == REGISTRY[fmt].artifact
    size = (
        artifact.stat().st_size
        if artifact.is_file()
        else sum(f.stat().st_size for f in artifact.rglob("*") if f.is_file())
    )
    assert result["bytes"] == size > 0

    meta = json.loads(Path(result["metadata"]).read_text())
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(meta)
    assert meta["format"] == fmt and meta["task"] == task and meta["names"] == NAMES[task]

    native = EXPECTED[fmt]["read"](artifact)
    assert native["names"] == NAMES[task] and native["format"] == fmt, "metadata in the format's native place"

    if result["status"] == "passed":
        parity = result["parity"]
        assert parity["passed"] is True and parity["precision"] == "fp32"
        assert result["latency_ms"] > 0
        assert meta["validation"]["parity"]["passed"] is True
        if task == "classify":
            assert parity["top1_agreement"] == 1.0
        else:
            assert parity["boxes_reference"] > 0 and parity["box_match"] >= 0.95
    else:
        assert result["parity"] is None and meta["validation"] is None
        assert result["checks"] and all(c["passed"] for c in result["checks"]), result["checks"]
        assert meta["export"]["structural_checks"]["passed"] is True


def test_coreml_says_it_cannot_run_here(job):
    result = job[2].result["formats"]["coreml"]
    assert "Not runnable on this OS" in result["note"]
    assert {c["check"] for c in result["checks"]} >= {"inputs present", "outputs present", "metadata present"}


def test_tensorrt_without_gpu_is_a_labeled_deferred_build(job):
    task, out, run = job
    result = run.result["formats"]["tensorrt"]
    assert "built on the target device" in result["note"]
    package = out / "model_tensorrt"
    script = package / "build_engine.sh"
    assert script.stat().st_mode & stat.S_IXUSR
    assert "trtexec --onnx=model.onnx --saveEngine=model.plan" in script.read_text()
    assert "--fp16" not in script.read_text() and "--int8" not in script.read_text(), "FP32 asks for no precision"
    config = (package / "config.pbtxt").read_text()
    assert 'platform: "tensorrt_plan"' in config and 'name: "images"' in config
    assert 'key: "metadata"' in config and f"'task': '{task}'" in config, "names, imgsz and task for Ultralytics"
    assert not (package / "model.plan").exists() and not (package / "model.engine").exists(), "built on the target"


def test_one_model_load_for_all_formats(job):
    _task, _out, run = job
    stages = [e["stage"] for e in run.of("progress")]
    assert stages.count("load") == 1
    for fmt in EXPECTED:
        assert fmt in stages


def test_torchscript_metadata_describes_what_the_file_computes(job):
    """Its shapes come from the PyTorch reference, not from running the archive: they must be the archive's own."""
    import torch

    _task, _out, run = job
    result = run.result["formats"]["torchscript"]
    meta = json.loads(Path(result["metadata"]).read_text())
    files = {"config.txt": "", torchscript.METADATA_FILE: ""}
    module = torch.jit.load(result["path"], map_location="cpu", _extra_files=files)
    assert json.loads(files["config.txt"])["imgsz"] == meta["input"]["shape"][2:], "Ultralytics' config.txt kept"
    with torch.inference_mode():
        outputs = torchscript._flatten(module(torch.zeros(*meta["input"]["shape"])))
    assert [o["shape"] for o in meta["outputs"]] == [list(t.shape) for t in outputs]
    assert torchscript.describe_io(Path(result["path"]))["outputs"] == meta["outputs"], "the standalone path agrees"
