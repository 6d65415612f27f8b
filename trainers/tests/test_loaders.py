"""What a person does next with an export, in Python: `YOLO(path)`.

Every format Ultralytics can run on Linux — ONNX, TorchScript, OpenVINO, TFLite — loads from the name Edgepack gives
it, on every task, knows its task and class names, and predicts what the app predicts: the ONNX model's predictions
(the app's preview reproduces `YOLO('model.onnx').predict` exactly: tests/integration/preview/exactness.test.ts),
within the tolerance of the precision the format's runtime computed in (parity's `inference_precision`; float32 when
it does not say). The ONNX model itself predicts what the checkpoint does. CoreML converts here but runs only on
Apple's systems: YOLO() must at least recognise the package and read its task. TensorRT is a deferred build here.

OpenVINO picks its inference precision by device (bf16 on CPUs with AMX / AVX512-BF16, as in CI), and an IR cannot pin
it for the CPU plugin: parity therefore measures the IR as loaders run it, and says at which precision it ran.

Every model is the one export per task of `every_format_export` (conftest.py); one image per task.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from trainers.common.preprocess import load_rgb, to_input
from trainers.common.registry import REGISTRY
from trainers.ultralytics.formats import openvino

from .conftest import FIXTURES

IMAGE = {"detect": "shapes-1.png", "segment": "shapes-1.png", "pose": "triangles-1.png", "classify": "circle.png"}
NAMES = {t: ["circle", "square", "triangle"] for t in ("detect", "segment", "classify")} | {"pose": ["triangle"]}
RUNS_HERE = ("onnx", "torchscript", "openvino", "tflite")
CONF = 0.25  # Ultralytics' predictor default, used on both sides

# How close YOLO(export) must come to YOLO('model.onnx'), by the precision the export's runtime computed in:
# confidence, box corners and keypoints (image pixels), mask IoU, class probabilities.
TOLERANCE = {
    "fp32": {"conf": 1e-3, "px": 0.05, "mask_iou": 0.99, "prob": 1e-4},
    "fp16": {"conf": 0.03, "px": 2.0, "mask_iou": 0.9, "prob": 0.03},
    "bf16": {"conf": 0.03, "px": 2.0, "mask_iou": 0.9, "prob": 0.03},
}


@pytest.fixture
def job(every_format_export):
    return every_format_export


@cache
def _predict(model_path: str, image: str):
    from ultralytics import YOLO

    model = YOLO(model_path)
    return model.task, model.predict(image, conf=CONF, device="cpu", verbose=False)[0]


def _image(task: str) -> str:
    return str(FIXTURES / "images" / IMAGE[task])


def _same_predictions(task: str, expected, got, tol: dict) -> None:
    """Same classes, boxes, confidences (and keypoints, masks, probabilities) within `tol`. A box whose confidence
    is within `tol["conf"]` of the threshold may be missing on the other side (it may fall either way)."""
    if task == "classify":
        assert got.probs.top1 == expected.probs.top1 and set(got.probs.top5) == set(expected.probs.top5)
        assert float((got.probs.data - expected.probs.data).abs().max()) <= tol["prob"]
        return
    assert len(expected.boxes) > 0, "the fixture image must show something to compare"
    for a, b, side in ((expected, got, "the export"), (got, expected, "the ONNX model")):
        for i in range(len(a.boxes)):
            conf = float(a.boxes.conf[i])
            same_class = [j for j in range(len(b.boxes)) if int(b.boxes.cls[j]) == int(a.boxes.cls[i])]
            corners = [float((b.boxes.xyxy[j] - a.boxes.xyxy[i]).abs().max()) for j in same_class]
            if not corners or min(corners) > tol["px"]:
                assert conf < CONF + tol["conf"], f"{side} lost box {a.boxes.xyxy[i].tolist()} (conf {conf:.4f})"
                continue
            j = same_class[int(np.argmin(corners))]
            assert abs(float(b.boxes.conf[j]) - conf) <= tol["conf"], (conf, float(b.boxes.conf[j]))
            if task == "pose":
                moved = float((b.keypoints.xy[j] - a.keypoints.xy[i]).abs().max())
                assert moved <= tol["px"], f"keypoints moved by {moved:.3f} px"
            if task == "segment":
                ma, mb = a.masks.data[i].bool(), b.masks.data[j].bool()
                iou = float((ma & mb).sum() / (ma | mb).sum())
                assert iou >= tol["mask_iou"], f"mask IoU {iou:.3f}"


@pytest.mark.parametrize("fmt", RUNS_HERE)
def test_yolo_loads_the_export_and_predicts_what_the_app_predicts(job, fmt):
    task, out, run = job
    artifact = out / REGISTRY[fmt].artifact
    loaded_task, got = _predict(str(artifact), _image(task))
    assert loaded_task == task, f"YOLO({artifact.name}) took it for a {loaded_task} model"
    assert got.names == dict(enumerate(NAMES[task]))
    parity = run.result["formats"][fmt]["parity"]
    precision = parity.get("inference_precision", "fp32")
    if fmt == "onnx":  # the app's model: the checkpoint's own predictions
        _reference_task, expected = _predict(str(FIXTURES / "models" / f"{task}.pt"), _image(task))
    else:
        _onnx_task, expected = _predict(str(out / REGISTRY["onnx"].artifact), _image(task))
    _same_predictions(task, expected, got, TOLERANCE[precision])


def test_yolo_recognises_the_coreml_package(job):
    """Converted here, runnable only on Apple's systems: Ultralytics takes it for CoreML and reads its task."""
    from ultralytics.nn.autobackend import AutoBackend

    from ultralytics import YOLO

    task, out, _run = job
    package = out / REGISTRY["coreml"].artifact
    assert AutoBackend._model_type(str(package)) == "coreml"
    model = YOLO(str(package))
    assert model.task == task
    if sys.platform != "darwin":  # it got as far as Core ML's own predict, which says where it runs
        with pytest.raises(Exception, match="only supported on macOS"):
            model.predict(_image(task), device="cpu", verbose=False)


def test_openvino_parity_runs_the_ir_as_a_loader_does(job):
    """A plain compile_model (what YOLO(folder) and OpenVINO's own samples do) picks the inference precision for this
    CPU; parity's runner must compute exactly what that compile computes, and parity must say at which precision."""
    import json

    import openvino as ov

    from trainers.common.metadata import document_for

    task, out, run = job
    folder = out / REGISTRY["openvino"].artifact
    plain = ov.Core().compile_model(str(next(folder.glob("*.xml"))), "CPU")
    kind = plain.get_property("INFERENCE_PRECISION_HINT").get_type_name()
    precision = {"f32": "fp32", "bf16": "bf16", "f16": "fp16"}[kind]

    size = tuple(d.get_length() for d in plain.inputs[0].get_partial_shape())[2:]
    x = to_input([load_rgb(_image(task))], size, task)
    runner = openvino.load_runner(folder)
    for mine, theirs in zip(runner(x), plain(x).values(), strict=True):
        np.testing.assert_array_equal(mine, np.asarray(theirs)[:1], f"parity's runner is not what loaders run ({kind})")

    parity = run.result["formats"]["openvino"]["parity"]
    assert parity.get("inference_precision") == precision, f"parity must say it ran at {precision}, as loaders here"
    meta = document_for(json.loads(Path(run.result["metadata"]).read_text()), "openvino")
    assert meta["validation"]["parity"]["inference_precision"] == precision
    assert getattr(runner, "inference_precision", None) == precision
    if precision != "fp32":
        assert parity["tolerance"]["precision"] == precision, "judged by the tolerance of what ran"
