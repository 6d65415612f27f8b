"""OpenVINO and LiteRT exports of every fixture: the wrapper's predictions equal the reference runtime's
post-processing of that back end's own raw outputs (exactly), and are close to the ONNX export's predictions.

Close, not equal: each back end computes in float32 with its own kernels (sums in another order), so raw outputs
differ by about 1e-6 relative; after the letterbox is undone (up to 8x on these 160 px models) boxes move by
hundredths of a pixel. Tolerance: the same predictions (class, count, order) at the model's default threshold,
boxes and keypoints within 0.5 px, confidences within 0.002, classes' probabilities within 0.002."""

from __future__ import annotations

import pytest
from conftest import REAL_PHOTOS, SCENES, SCENES_BY_TASK, TASKS, images_for, reference_postprocess

from model_wrapper import ModelWrapper
from wrapper_image import read_image
from wrapper_json import js_stringify

FORMATS = {"openvino": "model_openvino_model", "tflite": "model.tflite"}
PIXELS = 0.5
CONFIDENCE = 0.002


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("task", TASKS)
def test_predictions_are_the_references_on_the_back_ends_outputs(task, fmt, exports, tmp_path):
    wrapper = ModelWrapper(exports[task] / FORMATS[fmt])
    assert wrapper.spec.format == fmt
    items, mine = [], []
    for image in [REAL_PHOTOS[0], SCENES / SCENES_BY_TASK[task][0]]:  # the reference is asked once per image
        tensor, placement = wrapper.preprocess(read_image(image))
        outputs = wrapper.infer(tensor)
        mine.append(wrapper.postprocess(outputs, placement, conf=0.01))
        items.append({"image": image, "outputs": outputs, "options": ["--conf", "0.01"]})
    reference = reference_postprocess(exports[task] / "metadata.json", fmt, items, tmp_path)
    assert [js_stringify(p) for p in mine] == [js_stringify(p) for p in reference]
    assert all(mine), "no predictions: the comparison would prove nothing"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("task", TASKS)
def test_predictions_are_close_to_the_onnx_exports(task, fmt, exports):
    onnx = ModelWrapper(exports[task] / "model.onnx")
    other = ModelWrapper(exports[task] / FORMATS[fmt])
    compared = 0
    for image in images_for(task):
        expected, found = onnx.predict(image), other.predict(image)
        assert [p["class_id"] for p in found] == [p["class_id"] for p in expected], image.name
        for a, b in zip(found, expected, strict=True):
            assert abs(a["confidence"] - b["confidence"]) <= CONFIDENCE, (image.name, a, b)
            if "bbox" in b:
                assert max(abs(x - y) for x, y in zip(a["bbox"], b["bbox"], strict=True)) <= PIXELS, (image.name, a, b)
            for mine, theirs in zip(a.get("keypoints", []), b.get("keypoints", []), strict=True):
                assert abs(mine[0] - theirs[0]) <= PIXELS and abs(mine[1] - theirs[1]) <= PIXELS, (
                    image.name,
                    mine,
                    theirs,
                )
            if b.get("mask"):
                assert _mask_iou(a["mask"], b["mask"]) >= 0.95, image.name
            compared += 1
    assert compared >= 3


def _mask_iou(a: dict, b: dict) -> float:
    pixels = [_mask_pixels(m) for m in (a, b)]
    return len(pixels[0] & pixels[1]) / max(1, len(pixels[0] | pixels[1]))


def _mask_pixels(mask: dict) -> set[tuple[int, int]]:
    inside, at = set(), 0
    for i, length in enumerate(mask["runs"]):
        if i % 2:
            inside.update(
                (mask["x"] + p % mask["width"], mask["y"] + p // mask["width"]) for p in range(at, at + length)
            )
        at += length
    return inside
