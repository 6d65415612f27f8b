"""ONNX export of the four test models, end to end through export.py, checked the way a user would check it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from jsonschema import Draft202012Validator

from trainers.common.preprocess import load_rgb, to_input

from .conftest import FIXTURES, run_export

TASKS = ("detect", "segment", "classify", "pose")
EXPECTED_NAMES = {t: ["circle", "square", "triangle"] for t in ("detect", "segment", "classify")} | {
    "pose": ["triangle"]
}
OUTPUTS = {"detect": 1, "segment": 2, "classify": 1, "pose": 1}


@pytest.fixture(scope="module", params=TASKS)
def exported(request, tmp_path_factory, config_dir):
    task = request.param
    out = tmp_path_factory.mktemp(f"export-{task}")
    run = run_export(
        "--checkpoint-path",
        str(FIXTURES / "models" / f"{task}.pt"),
        "--export-format",
        "onnx",
        "--output-dir",
        str(out),
        "--export-job-id",
        f"job-{task}",
        config_dir=config_dir,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return task, out, run


def test_result_reports_a_passed_onnx(exported):
    task, out, run = exported
    result = run.result
    assert result["job_id"] == f"job-{task}"
    onnx_result = result["formats"]["onnx"]
    assert onnx_result["status"] == "passed", onnx_result
    assert Path(onnx_result["path"]) == out / "model.onnx"
    assert onnx_result["bytes"] == (out / "model.onnx").stat().st_size
    assert onnx_result["latency_ms"] > 0 and onnx_result["duration_ms"] > 0
    assert onnx_result["error"] is None
    assert Path(result["metadata"]) == out / "metadata.json"
    assert sorted(p.name for p in out.iterdir()) == ["metadata.json", "model.onnx"], "no scratch files left behind"


def test_progress_and_artifacts_are_reported(exported):
    _task, _out, run = exported
    stages = [e["stage"] for e in run.of("progress")]
    for stage in ("scan", "load", "onnx", "parity", "metadata", "done"):
        assert stage in stages
    fractions = [e["fraction"] for e in run.of("progress")]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    ultralytics_logs = [e["message"] for e in run.of("log") if e["source"] == "ultralytics"]
    assert any("export success" in m for m in ultralytics_logs), "Ultralytics' own log arrives as log events"
    assert not any("\x1b" in m for m in ultralytics_logs), "no terminal colour codes in log messages"
    artifacts = {(a["kind"], Path(a["path"]).name) for a in run.of("artifact")}
    assert artifacts == {("model", "model.onnx"), ("metadata", "metadata.json")}


def test_parity_figures_are_present_and_pass(exported):
    task, _out, run = exported
    parity = run.result["formats"]["onnx"]["parity"]
    assert parity["passed"] is True
    assert parity["images"] >= 4 and "bus.jpg" in parity["image_names"]
    assert 0 <= parity["max_abs"] < 1e-2 and parity["mean_abs"] <= parity["max_abs"]
    if task == "classify":
        assert parity["top1_agreement"] == 1.0 and parity["top5_agreement"] == 1.0
        assert parity["box_match"] is None
    else:
        assert parity["boxes_reference"] > 0, "the test model must find shapes in the synthetic parity images"
        assert parity["box_match"] >= 0.95
    if task == "pose":
        assert 0 <= parity["keypoints_max_px"] <= 0.5
    if task == "segment":
        assert parity["mask_iou_min"] >= 0.9


def test_onnx_runs_in_onnxruntime(exported):
    task, out, _run = exported
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    meta = json.loads((out / "metadata.json").read_text())
    h, w = meta["input"]["shape"][2:]
    x = to_input([load_rgb(FIXTURES / "images" / "shapes-1.png")], (h, w), task)
    outputs = session.run(None, {meta["input"]["name"]: x})
    assert len(outputs) == OUTPUTS[task]
    assert [list(o.shape) for o in outputs] == [o["shape"] for o in meta["outputs"]]
    assert all(np.isfinite(o).all() for o in outputs)


def test_metadata_validates_and_describes_the_model(exported, schema):
    task, out, _run = exported
    meta = json.loads((out / "metadata.json").read_text())
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(meta)
    assert meta["task"] == task and meta["names"] == EXPECTED_NAMES[task]
    assert meta["model_file"] == "model.onnx"
    assert meta["preprocessing"]["color_order"] == "RGB"
    assert meta["preprocessing"]["resize"]["mode"] == (
        "shortest_edge_center_crop" if task == "classify" else "letterbox"
    )
    assert meta["validation"]["parity"]["passed"] is True
    assert len(meta["source"]["sha256"]) == 64
    assert meta["toolchain"]["onnxruntime"] and meta["toolchain"]["ultralytics"]
    if task == "pose":
        assert meta["postprocessing"]["decoder"]["keypoints"]["shape"] == [3, 3]
    if task == "segment":
        assert meta["outputs"][1]["name"] == "output1"


def test_onnx_carries_ultralytics_metadata_props(exported):
    task, out, _run = exported
    props = {p.key: p.value for p in onnx.load(str(out / "model.onnx")).metadata_props}
    assert props["task"] == task
    for key in ("names", "imgsz", "stride", "batch", "edgepack_metadata"):
        assert key in props
    embedded = json.loads(props["edgepack_metadata"])
    assert embedded["names"] == EXPECTED_NAMES[task]


def test_ultralytics_loads_the_onnx_with_class_names_and_predicts(exported, config_dir):
    """What a user does next: YOLO('model.onnx') — names come from metadata_props, shapes are found."""
    task, out, _run = exported
    from ultralytics import YOLO

    model = YOLO(str(out / "model.onnx"), task=task)
    image = FIXTURES / "images" / {"classify": "triangle.png", "pose": "triangles-1.png"}.get(task, "shapes-1.png")
    result = model.predict(str(image), verbose=False, device="cpu")[0]
    assert list(result.names.values()) == EXPECTED_NAMES[task]
    if task == "classify":
        assert result.names[result.probs.top1] == "triangle"
    else:
        assert len(result.boxes) > 0
