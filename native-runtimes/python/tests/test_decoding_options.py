"""Post-processing paths the fixture exports do not take by default, each against the reference runtime on the same
raw outputs: NMS options (agnostic, a class filter, IoU, max_det, top-k) on real outputs, and end-to-end outputs
(`nms_applied`: rows of x1, y1, x2, y2, score, class[, keypoints]) — no fixture model has that head, so its rows are
generated: sorted scores as such a model writes them, boxes, classes and keypoints in the input's range."""

from __future__ import annotations

import json
import shutil

import cv2
import numpy as np
import pytest
from conftest import REAL_PHOTOS, SCENES, edit_metadata, reference_postprocess

from model_wrapper import ModelWrapper
from wrapper_image import read_image
from wrapper_json import js_stringify

OPTIONS = [  # the wrapper's keywords, reference.ts's flags
    ({"conf": 0.01, "agnostic": True}, ["--conf", "0.01", "--agnostic"]),
    ({"conf": 0.01, "classes": [0, 2], "iou": 0.3}, ["--conf", "0.01", "--classes", "0,2", "--iou", "0.3"]),
    ({"conf": 0.01, "max_det": 3}, ["--conf", "0.01", "--max-det", "3"]),
]


@pytest.mark.parametrize(("mine", "theirs"), OPTIONS)
@pytest.mark.parametrize("task", ["detect", "segment", "pose"])
def test_nms_options_as_the_reference(task, mine, theirs, exports, tmp_path):
    wrapper = ModelWrapper(exports[task] / "model.onnx")
    rgb = read_image(REAL_PHOTOS[0])
    tensor, placement = wrapper.preprocess(rgb)
    outputs = wrapper.infer(tensor)
    ours = wrapper.postprocess(outputs, placement, **mine)
    item = {"image": REAL_PHOTOS[0], "outputs": outputs, "options": theirs}
    [reference] = reference_postprocess(exports[task] / "metadata.json", "onnx", [item], tmp_path)
    assert js_stringify(ours) == js_stringify(reference)
    assert ours, "no predictions: the comparison would prove nothing"


def test_top_k_and_a_class_filter_as_the_reference(exports, tmp_path):
    wrapper = ModelWrapper(exports["classify"] / "model.onnx")
    image = SCENES / "circle.png"
    tensor, placement = wrapper.preprocess(read_image(image))
    outputs = wrapper.infer(tensor)
    cases = [({"top_k": 2}, ["--top-k", "2"]), ({"classes": [1, 2]}, ["--classes", "1,2"])]
    items = [{"image": image, "outputs": outputs, "options": flags} for _, flags in cases]
    reference = reference_postprocess(exports["classify"] / "metadata.json", "onnx", items, tmp_path)
    for (mine, _), expected in zip(cases, reference, strict=True):
        assert js_stringify(wrapper.postprocess(outputs, placement, **mine)) == js_stringify(expected)
    assert len(reference[0]) == 2
    assert {p["class_id"] for p in reference[1]} == {1, 2}


def _end_to_end_rows(rng: np.random.Generator, rows: int, classes: int, keypoints: int, size: int) -> np.ndarray:
    x1y1 = rng.uniform(-10, size - 20, (rows, 2))
    x2y2 = x1y1 + rng.uniform(1, 80, (rows, 2))
    scores = np.sort(rng.uniform(0, 1, rows))[::-1]
    class_ids = rng.integers(0, classes, rows)
    extra = rng.uniform(-5, size + 5, (rows, keypoints))
    return np.concatenate([x1y1, x2y2, scores[:, None], class_ids[:, None], extra], axis=1)[None].astype(np.float32)


@pytest.mark.parametrize("task", ["detect", "pose"])
def test_end_to_end_outputs_as_the_reference(task, exports, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(exports[task], folder)

    metadata = json.loads((folder / "metadata.json").read_text())
    keypoints = int(np.prod(metadata["postprocessing"]["decoder"].get("keypoints", {}).get("shape", [0])))

    def end_to_end(document):
        document["postprocessing"]["decoder"]["nms_applied"] = True
        document["postprocessing"]["nms"]["embedded"] = True
        document["outputs"][0]["shape"] = [1, 300, 6 + keypoints]

    edit_metadata(folder, end_to_end)
    wrapper = ModelWrapper(folder / "model.onnx")
    rng = np.random.default_rng(13)
    items, ours = [], []
    for width, height, conf, max_det in [(810, 1080, 0.25, 300), (1280, 720, 0.5, 7)]:
        outputs = [_end_to_end_rows(rng, 300, len(metadata["names"]), keypoints, wrapper.spec.width)]
        image = tmp_path / f"{width}x{height}.png"
        cv2.imwrite(str(image), np.zeros((height, width, 3), np.uint8))
        _, placement = wrapper.preprocess(read_image(image))
        ours.append(wrapper.postprocess(outputs, placement, conf=conf, max_det=max_det))
        options = ["--conf", str(conf), "--max-det", str(max_det)]
        items.append({"image": image, "outputs": outputs, "options": options})
    reference = reference_postprocess(folder / "metadata.json", "onnx", items, tmp_path)
    assert [js_stringify(p) for p in ours] == [js_stringify(p) for p in reference]
    assert len(ours[1]) == 7 and all(ours)
