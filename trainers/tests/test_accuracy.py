"""Accuracy on a labelled set, held to the reference: every figure Edgepack reports for a file equals what
`YOLO(file).val(data=...)` reports for that file (within 1e-3), per task and format; cancelling keeps what was measured.

The sets are small validation splits of each task's synthetic scenes (tests/fixtures/generate.py `make_val_set`,
unseen in training), so the figures are real mAPs, not zeros.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from trainers.ultralytics.accuracy import figures

from .conftest import EXPORT_PY, FIXTURES, REPO, Run, run_export

sys.path.append(str(FIXTURES))
from generate import make_val_set

FORMATS = {"detect": "onnx,torchscript,openvino", "segment": "onnx,torchscript", "classify": "onnx", "pose": "onnx"}
TOLERANCE = 1e-3
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def val_sets(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("val-sets")
    return {task: make_val_set(task, root / task) for task in FORMATS}


@pytest.fixture(scope="module")
def export_of(tmp_path_factory, val_sets, config_dir):
    """task → (task, checkpoint, export folder, result) of one export job with --validate-data, made once."""
    made: dict[str, tuple] = {}

    def export(task: str):
        if task not in made:
            out = tmp_path_factory.mktemp(f"export-{task}")
            checkpoint = FIXTURES / "models" / f"{task}.pt"
            args = ["--checkpoint-path", str(checkpoint), "--export-format", FORMATS[task], "--output-dir", str(out)]
            run = run_export(*args, "--validate-data", str(val_sets[task]), config_dir=config_dir, timeout=1200)
            assert run.returncode == 0, run.stderr[-3000:]
            made[task] = (task, checkpoint, out, run.result)
        return made[task]

    return export


@pytest.fixture(params=list(FORMATS))
def validated_export(request, export_of):
    return export_of(request.param)


def _reference(model_file: Path, data: Path, task: str, project: Path) -> dict:
    from ultralytics import YOLO

    return figures(YOLO(str(model_file)).val(data=str(data), plots=False, project=str(project)).results_dict, task)


def _flat(figs: dict) -> dict[str, float]:
    return {f"{g}.{k}": v for g, inner in figs.items() for k, v in inner.items()} if "top1" not in figs else figs


def test_every_figure_equals_yolo_val_on_the_same_file(validated_export, val_sets, tmp_path):
    task, checkpoint, out, result = validated_export
    rows = {row["format"]: row for row in result["validation"]["rows"]}
    assert set(rows) == {"pytorch", *FORMATS[task].split(",")}
    for fmt, row in rows.items():
        assert row["error"] is None and not row["partial"] and row["images"] == 6, row
        model_file = checkpoint if fmt == "pytorch" else out / row["model_file"]
        ours, theirs = _flat(row["figures"]), _flat(_reference(model_file, val_sets[task], task, tmp_path))
        assert ours.keys() == theirs.keys(), (fmt, ours, theirs)
        for key, value in ours.items():
            assert abs(value - theirs[key]) <= TOLERANCE, (task, fmt, key, value, theirs[key])
        main = ours.get("top1", ours.get("box.map50_95"))
        assert main > 0.3, (task, fmt, ours)  # a trained model on its own kind of scenes: the figures mean something


def test_the_figures_are_in_metadata_json(validated_export, schema):
    task, _checkpoint, out, result = validated_export
    metadata = json.loads((out / "metadata.json").read_text())
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(metadata)
    assert metadata["schema_version"] == "1.2.0"
    pytorch = next(r["figures"] for r in result["validation"]["rows"] if r["format"] == "pytorch")
    for fmt in FORMATS[task].split(","):
        accuracy = metadata["formats"][fmt]["validation"]["accuracy"]
        row = next(r for r in result["validation"]["rows"] if r["format"] == fmt)
        assert accuracy["figures"] == row["figures"] and accuracy["pytorch"] == pytorch and not accuracy["partial"]
    assert metadata["validation"]["accuracy"] == metadata["formats"][metadata["format"]]["validation"]["accuracy"]


def _big_set(source: Path, root: Path, copies: int) -> Path:
    """The detect set repeated (links, not copies): long enough to cancel half-way."""
    for sub in ("images", "labels"):
        (root / sub).mkdir(parents=True)
        for n in range(copies):
            for file in sorted((source.parent / sub / "val").iterdir()):
                (root / sub / f"{n:03d}-{file.name}").symlink_to(file)
    return root


def test_cancelling_a_long_validation_keeps_the_partial_figures(export_of, val_sets, tmp_path, config_dir):
    """Cancelling is the same for every task: measured on detect, on an existing export (--validate-export)."""
    _task, checkpoint, out, _result = export_of("detect")
    data = _big_set(val_sets["detect"], tmp_path / "big", 80)  # 480 images
    args = ["--validate-export", str(out), "--checkpoint-path", str(checkpoint), "--validate-data", str(data)]
    cmd = [sys.executable, str(EXPORT_PY), *args, "--config-dir", str(config_dir)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    lines, onnx_batches = [], 0
    for line in proc.stdout:
        lines.append(line)
        event = json.loads(line)
        if event.get("message") == "validating onnx on the dataset":
            onnx_batches = 1
        elif onnx_batches and event["event"] == "progress":
            onnx_batches += 1
            if onnx_batches == 20:
                os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=600)
    run = Run(proc.returncode, "".join(lines), "")
    assert run.returncode == 0 and onnx_batches >= 20
    validation = run.result["validation"]
    rows = {row["format"]: row for row in validation["rows"]}
    assert validation["partial"] and list(rows) == ["pytorch", "onnx"]  # torchscript, openvino never started
    assert not rows["pytorch"]["partial"] and rows["pytorch"]["images"] == 480
    assert rows["onnx"]["partial"] and 19 <= rows["onnx"]["images"] < 480 and rows["onnx"]["figures"]["box"]
    accuracy = json.loads((out / "metadata.json").read_text())["formats"]["onnx"]["validation"]["accuracy"]
    assert accuracy["partial"] and accuracy["images"] == rows["onnx"]["images"]


def test_nms_is_given_the_time_it_needs_while_measuring(monkeypatch):
    """Ultralytics' NMS time limit (2 s + 0.05 s per image) would drop boxes on a busy machine: mAP lower at random."""
    from ultralytics.utils import nms

    from trainers.ultralytics.accuracy import patient_nms

    seen = []
    monkeypatch.setattr(nms, "non_max_suppression", lambda *a, **k: seen.append(k))
    recorder = nms.non_max_suppression
    with patient_nms():
        nms.non_max_suppression("preds", 0.001, 0.7, max_det=300)
    assert seen == [{"max_det": 300, "max_time_img": 60.0}]
    assert nms.non_max_suppression is recorder
