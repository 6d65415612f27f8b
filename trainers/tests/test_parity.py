"""Parity figures on hand-made raw outputs: what counts as the same box, the tolerance, classify agreement."""

from __future__ import annotations

import numpy as np

from trainers.common.parity import check_parity

NC = 3


def _detect(boxes: list[tuple[float, float, float, float, int, float]], extra_rows: int = 0) -> np.ndarray:
    """[1, 4 + NC (+ extra), anchors] with one anchor per (cx, cy, w, h, class, score)."""
    pred = np.zeros((1, 4 + NC + extra_rows, max(len(boxes), 1)), dtype=np.float32)
    for i, (cx, cy, w, h, cls, score) in enumerate(boxes):
        pred[0, :4, i] = (cx, cy, w, h)
        pred[0, 4 + cls, i] = score
    return pred


def _runner(*outputs: np.ndarray):
    return lambda _x: [o.copy() for o in outputs]


X = [np.zeros((1, 3, 32, 32), dtype=np.float32)]
REF = [(50, 50, 20, 20, 0, 0.9), (120, 120, 30, 30, 1, 0.8)]


def test_identical_outputs_match_fully():
    result = check_parity("detect", _runner(_detect(REF)), _runner(_detect(REF)), X, NC)
    assert result["max_abs"] == 0 and result["box_match"] == 1.0 and result["passed"]
    assert result["boxes_reference"] == 2 and result["boxes_exported"] == 2 and result["boxes_matched"] == 2


def test_a_moved_box_and_a_relabelled_box_do_not_match():
    moved = [(50, 50, 20, 20, 0, 0.9), (150, 150, 30, 30, 1, 0.8)]  # IoU with the reference box = 0
    result = check_parity("detect", _runner(_detect(REF)), _runner(_detect(moved)), X, NC)
    assert result["box_match"] == 0.5 and not result["passed"]
    relabelled = [(50, 50, 20, 20, 2, 0.9), (120, 120, 30, 30, 1, 0.8)]
    result = check_parity("detect", _runner(_detect(REF)), _runner(_detect(relabelled)), X, NC)
    assert result["boxes_matched"] == 1 and not result["passed"]


def test_a_score_just_under_the_threshold_still_matches():
    """0.26 in PyTorch vs 0.24 in the export: the same detection, not a parity failure."""
    ref = [(50, 50, 20, 20, 0, 0.26)]
    exp = [(50, 50, 20, 20, 0, 0.24)]
    result = check_parity("detect", _runner(_detect(ref)), _runner(_detect(exp)), X, NC)
    assert result["boxes_reference"] == 1 and result["boxes_exported"] == 0
    assert result["box_match"] == 1.0


def test_raw_difference_beyond_tolerance_fails_even_with_matching_boxes():
    exp = _detect(REF)
    exp[0, 0, 0] += 0.2  # 0.2 px: boxes still match, but fp32 allows 1e-3 + 1e-4 * 120
    result = check_parity("detect", _runner(_detect(REF)), _runner(exp), X, NC)
    assert result["box_match"] == 1.0 and abs(result["max_abs"] - 0.2) < 1e-5 and not result["passed"]
    fp16 = check_parity("detect", _runner(_detect(REF)), _runner(exp), X, NC, precision="fp16")
    assert fp16["passed"], "fp16 allows 2e-2 + 2e-2 * 120"


def test_a_runtime_computing_coarser_than_the_export_is_judged_at_its_own_precision():
    """OpenVINO runs an FP32 IR in bf16 on CPUs with AMX: parity says so and holds it to bf16's tolerance."""
    exp = _detect(REF)
    exp[0, 0, 0] += 2.0  # 2 px: beyond fp32's 1e-3 + 1e-4 * 120, within bf16's 3e-2 + 3e-2 * 120
    fp32 = check_parity("detect", _runner(_detect(REF)), _runner(exp), X, NC)
    assert not fp32["passed"] and "inference_precision" not in fp32
    bf16 = check_parity("detect", _runner(_detect(REF)), _runner(exp), X, NC, inference_precision="bf16")
    assert bf16["passed"] and bf16["precision"] == "fp32" and bf16["inference_precision"] == "bf16"
    assert bf16["tolerance"]["precision"] == "bf16" and bf16["tolerance"]["atol"] == 3e-2
    same = check_parity("detect", _runner(_detect(REF)), _runner(exp), X, NC, inference_precision="fp32")
    assert not same["passed"] and same["tolerance"]["precision"] == "fp32", "a finer runtime changes nothing"
    int8 = check_parity("detect", _runner(_detect(REF)), _runner(exp), X, NC, "int8", inference_precision="bf16")
    assert int8["tolerance"]["precision"] == "int8", "an INT8 export keeps its own (looser) tolerance"


def test_invented_boxes_fail_when_the_reference_sees_none():
    unsure = [(cx, cy, w, h, cls, 0.01) for cx, cy, w, h, cls, _score in REF]
    result = check_parity("detect", _runner(_detect(unsure)), _runner(_detect(REF)), X, NC, precision="int8")
    assert result["boxes_reference"] == 0 and result["boxes_exported"] == 2 and not result["passed"]


def test_rotated_boxes_use_rotated_iou():
    def obb(angle: float) -> np.ndarray:
        pred = _detect([(60, 60, 40, 10, 0, 0.9)], extra_rows=1)
        pred[0, -1, 0] = angle
        return pred

    same = check_parity("obb", _runner(obb(0.3)), _runner(obb(0.3)), X, NC)
    assert same["box_match"] == 1.0 and same["passed"]
    turned = check_parity("obb", _runner(obb(0.3)), _runner(obb(0.3 + np.pi / 2)), X, NC, precision="int8")
    assert turned["box_match"] == 0.0 and not turned["passed"]


def test_classify_agreement():
    ref = np.array([[0.7, 0.2, 0.1]], dtype=np.float32)
    swapped = np.array([[0.2, 0.7, 0.1]], dtype=np.float32)
    same = check_parity("classify", _runner(ref), _runner(ref), X * 2, NC)
    assert same["top1_agreement"] == 1.0 and same["top5_agreement"] == 1.0 and same["passed"]
    other = check_parity("classify", _runner(ref), _runner(swapped), X * 2, NC, precision="int8")
    assert other["top1_agreement"] == 0.0 and other["top5_agreement"] == 1.0 and not other["passed"]


def test_embedded_nms_output_is_compared_on_final_boxes():
    embedded = np.zeros((1, 300, 6), dtype=np.float32)
    embedded[0, 0] = (40, 40, 60, 60, 0.9, 0)  # xyxy of the first reference box
    embedded[0, 1] = (105, 105, 135, 135, 0.8, 1)
    result = check_parity("detect", _runner(_detect(REF)), _runner(embedded), X, NC, nms_embedded=True)
    assert result["max_abs"] is None and result["box_match"] == 1.0 and result["passed"]


def test_pose_keypoints_are_compared_on_matched_boxes():
    def pose(dx: float) -> np.ndarray:
        pred = _detect([(50, 50, 20, 20, 0, 0.9)], extra_rows=6)  # kpt_shape [2, 3]
        pred[0, 4 + NC :, 0] = (45 + dx, 45, 0.9, 55, 55, 0.9)
        return pred

    same = check_parity("pose", _runner(pose(0)), _runner(pose(0.002)), X, NC, kpt_shape=[2, 3])
    assert abs(same["keypoints_max_px"] - 0.002) < 1e-4 and same["passed"]
    moved = check_parity("pose", _runner(pose(0)), _runner(pose(3)), X, NC, precision="int8", kpt_shape=[2, 3])
    assert moved["box_match"] == 1.0 and abs(moved["keypoints_max_px"] - 3) < 1e-4
