"""Every registered format × every task, from ONE multi-format job per task (one model load, shared reference
outputs; `every_format_export` in conftest.py), checked the way a user would: its status, its files, its parity, the
export's one metadata.json and the copy embedded in each artifact — every one of them valid against the published
schema — and that they say what Ultralytics' own metadata in the artifact says.

A format registered in trainers/ultralytics/formats/ without an entry in EXPECTED fails test_every_registered_format
_is_tested: a new format must come with its checks."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from trainers.common.metadata import METADATA_FILE, document_for
from trainers.common.registry import REGISTRY
from trainers.ultralytics import formats as format_modules  # noqa: F401  (registers every format)
from trainers.ultralytics.formats import coreml, onnx, openvino, tflite, torchscript

from .conftest import EVERY_FORMAT

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


def test_every_registered_format_is_tested():
    assert set(REGISTRY) == set(EXPECTED) == set(EVERY_FORMAT), "a registered format has no per-task test"


@pytest.fixture
def job(every_format_export):
    return every_format_export


def _validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


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

    assert result["metadata"] == str(out / METADATA_FILE), "one metadata.json per export, whatever the formats"
    meta = document_for(json.loads(Path(result["metadata"]).read_text()), fmt)
    _validator(schema).validate(meta)
    assert meta["format"] == fmt and meta["task"] == task and meta["names"] == NAMES[task]
    assert meta["model_file"] == artifact.name

    native = EXPECTED[fmt]["read"](artifact)
    assert native["names"] == NAMES[task] and native["format"] == fmt, "metadata in the format's native place"
    _validator(schema).validate(native)  # the embedded copy is valid too: that format's document, minus validation
    written = {k: v for k, v in meta.items() if k != "validation"}  # what the artifact was given, before its checks
    written["export"] = {k: v for k, v in meta["export"].items() if k != "structural_checks"}
    assert "validation" not in native and native == written

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
    meta = document_for(json.loads(Path(result["metadata"]).read_text()), "torchscript")
    files = {"config.txt": "", torchscript.METADATA_FILE: ""}
    module = torch.jit.load(result["path"], map_location="cpu", _extra_files=files)
    assert json.loads(files["config.txt"])["imgsz"] == meta["input"]["shape"][2:], "Ultralytics' config.txt kept"
    with torch.inference_mode():
        outputs = torchscript._flatten(module(torch.zeros(*meta["input"]["shape"])))
    assert [o["shape"] for o in meta["outputs"]] == [list(t.shape) for t in outputs]
    assert torchscript.describe_io(Path(result["path"]))["outputs"] == meta["outputs"], "the standalone path agrees"


def test_one_metadata_json_describes_every_format(job, schema):
    """The README's and the seed's promise: model files + metadata.json. Its top level is the first format's document
    (what a single-format export writes); `formats` has every format's, each naming its own model file."""
    _task, out, run = job
    assert sorted(p.name for p in out.iterdir() if p.name.startswith("metadata")) == [METADATA_FILE]
    meta = json.loads((out / METADATA_FILE).read_text())
    _validator(schema).validate(meta)
    assert run.result["metadata"] == str(out / METADATA_FILE)
    assert list(meta["formats"]) == list(EVERY_FORMAT), "in the job's order"
    assert meta["format"] == EVERY_FORMAT[0] and meta["model_file"] == REGISTRY[EVERY_FORMAT[0]].artifact
    assert {k: v for k, v in meta.items() if k != "formats"} == meta["formats"][EVERY_FORMAT[0]]
    for fmt, document in meta["formats"].items():
        assert document["format"] == fmt and (out / document["model_file"]).exists()
        assert document["validation"] == meta["formats"][fmt]["validation"]
    without = {k: v for k, v in meta.items() if k != "validation"}
    assert list(_validator(schema).iter_errors(without)), "metadata.json itself must carry its validation"


def _ultralytics_metadata(fmt: str, artifact: Path) -> dict:
    """What Ultralytics' exporter wrote into the artifact, read as Ultralytics reads it (CoreML keeps author and
    license in the model description's own fields)."""
    from ultralytics.nn.backends.base import BaseBackend

    if fmt == "tensorrt":  # the deferred build's ONNX carries it
        artifact = artifact / "model.onnx"
    found = dict(BaseBackend.read_metadata(artifact))
    if fmt == "coreml":
        described = coreml._load_spec(artifact).description.metadata
        found.update(author=described.author, license=described.license)
    return found


@pytest.mark.parametrize("fmt", EVERY_FORMAT)
def test_metadata_says_what_ultralytics_embeds(job, fmt):
    """license, author, stride (classify too) and the pose keypoint names, as Ultralytics records them."""
    task, out, _run = job
    meta = document_for(json.loads((out / METADATA_FILE).read_text()), fmt)
    theirs = _ultralytics_metadata(fmt, out / REGISTRY[fmt].artifact)
    assert theirs, f"Ultralytics' metadata is missing from the {fmt} artifact"
    assert meta["license"] == theirs["license"] and meta["author"] == theirs["author"]
    assert meta["stride"] == int(theirs["stride"])
    if task == "pose":
        assert meta["kpt_names"] == {str(k): v for k, v in _literal(theirs["kpt_names"]).items()}
    else:
        assert "kpt_names" not in meta


def _literal(value):
    """Ultralytics keeps dicts as Python literals in string-only metadata (ONNX, CoreML)."""
    import ast

    return ast.literal_eval(value) if isinstance(value, str) else value


AXES = re.compile(r"^\[([^\]]*)\]")


@pytest.mark.parametrize("fmt", EVERY_FORMAT)
def test_decoder_layout_names_each_axis_of_output0(job, fmt):
    """`[batch, 4 + 3 + 32, anchors]` for a 3-D output: one name per axis, a sum for the axis' length."""
    _task, out, _run = job
    meta = document_for(json.loads((out / METADATA_FILE).read_text()), fmt)
    layout = meta["postprocessing"]["decoder"]["layout"]
    shape = meta["outputs"][0]["shape"]
    axes = AXES.match(layout)
    if fmt == "coreml" and meta["task"] == "classify":  # a CoreML classifier: a label and a dictionary
        assert axes is None and meta["outputs"][1]["name"] in layout
        return
    assert axes, layout
    names = [a.strip() for a in axes.group(1).split(",")]
    assert len(names) == len(shape), f"{layout} for an output of shape {shape}"
    for name, size in zip(names, shape, strict=True):
        if re.fullmatch(r"[0-9+ ]+", name):
            assert sum(int(n) for n in name.split("+")) == size, f"{layout} for an output of shape {shape}"
