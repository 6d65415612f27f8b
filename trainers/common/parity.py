"""Parity: the exported model against the PyTorch model, on the same inputs.

Reported per export:
- max_abs / mean_abs: absolute difference of the raw outputs (every output tensor, every image);
- detect / segment / pose / obb: after the SAME non-maximum suppression on both sides, the final-box match rate —
  a box matches when the other side has a box of the same class with IoU >= 0.5. To be fair to boxes whose
  confidence sits right at the threshold, a box kept at `conf` may be matched by one kept at `conf - conf_margin`.
  box_match = (matched reference boxes + matched exported boxes) / (all reference + all exported boxes), so a
  missing box and an invented box both count; boxes_matched is the number of reference boxes found in the export;
- classify: top-1 agreement and top-5 agreement (same top-5 set) over the images.

Tolerances (documented, per precision) — `passed` when all that apply hold:
  raw:   max_abs <= atol + rtol * max|reference output|   (raw outputs hold pixel coordinates, hence rtol)
  boxes: box_match >= min_box_match (when the reference found any box at all)
  class: top1_agreement >= min_top1
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

Runner = Callable[[np.ndarray], list[np.ndarray]]

TOLERANCES = {
    "fp32": {"atol": 1e-3, "rtol": 1e-4, "min_box_match": 0.95, "min_top1": 1.0},
    "fp16": {"atol": 2e-2, "rtol": 2e-2, "min_box_match": 0.85, "min_top1": 0.9},
    "int8": {"atol": float("inf"), "rtol": 0.0, "min_box_match": 0.6, "min_top1": 0.7},
}


@dataclass(frozen=True)
class NmsSettings:
    conf: float = 0.25
    iou: float = 0.7
    max_det: int = 300
    agnostic: bool = False
    match_iou: float = 0.5
    conf_margin: float = 0.05


def _nms(pred: np.ndarray, nc: int, settings: NmsSettings, conf: float, rotated: bool, end2end: bool) -> np.ndarray:
    """Rows of [box(4 or xywhr 5), score, class]; extra columns (mask coefficients, keypoints) are dropped."""
    from ultralytics.utils.nms import non_max_suppression

    out = non_max_suppression(
        torch.from_numpy(pred.astype(np.float32)),
        conf_thres=conf,
        iou_thres=settings.iou,
        agnostic=settings.agnostic,
        max_det=settings.max_det,
        nc=nc,
        max_time_img=60.0,  # never let a slow machine silently drop boxes
        rotated=rotated,
        end2end=end2end,
    )[0].numpy()
    if rotated:
        return np.concatenate([out[:, :4], out[:, -1:], out[:, 4:6]], axis=1)  # xywh, r, score, class
    return out[:, :6]


def _embedded_nms(pred: np.ndarray, conf: float, rotated: bool) -> np.ndarray:
    """Output of a model exported with nms=True: [max_det, 6+] rows, zero-padded."""
    rows = pred[0]
    rows = rows[rows[:, 4] >= conf]
    if rotated:  # xywh, score, class, angle
        return np.concatenate([rows[:, :4], rows[:, 6:7], rows[:, 4:6]], axis=1)
    return rows[:, :6]


def _iou(a: np.ndarray, b: np.ndarray, rotated: bool) -> np.ndarray:
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    if rotated:
        from ultralytics.utils.metrics import batch_probiou

        return np.asarray(batch_probiou(torch.from_numpy(a[:, :5]), torch.from_numpy(b[:, :5])))
    from ultralytics.utils.metrics import box_iou

    return box_iou(torch.from_numpy(a[:, :4]), torch.from_numpy(b[:, :4])).numpy()


def _count_matched(kept: np.ndarray, candidates: np.ndarray, match_iou: float, rotated: bool) -> int:
    """Greedy one-to-one matching, highest confidence first; same class and IoU >= match_iou."""
    if len(kept) == 0 or len(candidates) == 0:
        return 0
    score_col, class_col = (5, 6) if rotated else (4, 5)
    order = np.argsort(-kept[:, score_col])
    ious = _iou(kept[order], candidates, rotated)
    used = np.zeros(len(candidates), dtype=bool)
    matched = 0
    for i, row in enumerate(kept[order]):
        same = (candidates[:, class_col] == row[class_col]) & ~used & (ious[i] >= match_iou)
        if same.any():
            used[np.argmax(np.where(same, ious[i], -1))] = True
            matched += 1
    return matched


def _box_counts(ref_hi, ref_lo, exp_hi, exp_lo, settings: NmsSettings, rotated: bool) -> tuple[int, int, int, int]:
    """(reference boxes, exported boxes, reference boxes found in the export, exported boxes found in the reference)"""
    ref_found = _count_matched(ref_hi, exp_lo, settings.match_iou, rotated)
    exp_found = _count_matched(exp_hi, ref_lo, settings.match_iou, rotated)
    return len(ref_hi), len(exp_hi), ref_found, exp_found


def check_parity(
    task: str,
    reference: Runner,
    exported: Runner,
    inputs: list[np.ndarray],
    nc: int,
    precision: str = "fp32",
    nms_embedded: bool = False,
    end2end: bool = False,
    settings: NmsSettings | None = None,
) -> dict:
    """Compare the two runners on each [1, 3, h, w] input; returns the parity figures and `passed`."""
    settings = settings or NmsSettings()
    tol = TOLERANCES[precision]
    rotated = task == "obb"
    max_abs = 0.0
    abs_sum = 0.0
    count = 0
    ref_scale = 0.0
    boxes_ref = boxes_exp = ref_found = exp_found = 0
    top1 = top5 = 0
    raw_comparable = not nms_embedded
    for x in inputs:
        ref_out = reference(x)
        exp_out = exported(x)
        if raw_comparable:
            for r, e in zip(ref_out, exp_out, strict=True):
                if r.shape != e.shape:
                    raise ValueError(f"output shapes differ: PyTorch {r.shape} vs exported {e.shape}")
                diff = np.abs(r.astype(np.float64) - e.astype(np.float64))
                max_abs = max(max_abs, float(diff.max()))
                abs_sum += float(diff.sum())
                count += diff.size
                ref_scale = max(ref_scale, float(np.abs(r).max()))
        if task == "classify":
            r, e = ref_out[0][0], exp_out[0][0]
            k = min(5, r.shape[-1])
            top1 += int(np.argmax(r) == np.argmax(e))
            top5 += int(set(np.argsort(-r)[:k]) == set(np.argsort(-e)[:k]))
            continue
        low = max(settings.conf - settings.conf_margin, 0.001)
        ref_hi = _nms(ref_out[0], nc, settings, settings.conf, rotated, end2end)
        ref_lo = _nms(ref_out[0], nc, settings, low, rotated, end2end)
        if nms_embedded:
            exp_hi = _embedded_nms(exp_out[0], settings.conf, rotated)
            exp_lo = _embedded_nms(exp_out[0], low, rotated)
        else:
            exp_hi = _nms(exp_out[0], nc, settings, settings.conf, rotated, end2end)
            exp_lo = _nms(exp_out[0], nc, settings, low, rotated, end2end)
        counts = _box_counts(ref_hi, ref_lo, exp_hi, exp_lo, settings, rotated)
        boxes_ref, boxes_exp = boxes_ref + counts[0], boxes_exp + counts[1]
        ref_found, exp_found = ref_found + counts[2], exp_found + counts[3]

    result: dict = {
        "images": len(inputs),
        "precision": precision,
        "max_abs": max_abs if raw_comparable else None,
        "mean_abs": (abs_sum / count) if raw_comparable and count else None,
        "reference_max_abs": ref_scale if raw_comparable else None,
        "box_match": None,
        "boxes_reference": None,
        "boxes_exported": None,
        "boxes_matched": None,
        "top1_agreement": None,
        "top5_agreement": None,
        "tolerance": {k: (None if v == float("inf") else v) for k, v in tol.items()},
        "nms": {
            "conf": settings.conf,
            "iou": settings.iou,
            "max_det": settings.max_det,
            "match_iou": settings.match_iou,
        },
    }
    checks = []
    if raw_comparable:
        checks.append(max_abs <= tol["atol"] + tol["rtol"] * ref_scale)
    if task == "classify":
        result["top1_agreement"] = top1 / len(inputs)
        result["top5_agreement"] = top5 / len(inputs)
        checks.append(result["top1_agreement"] >= tol["min_top1"])
    else:
        total = boxes_ref + boxes_exp
        result.update(boxes_reference=boxes_ref, boxes_exported=boxes_exp, boxes_matched=ref_found)
        result["box_match"] = (ref_found + exp_found) / total if total else None
        if boxes_ref:
            checks.append(result["box_match"] >= tol["min_box_match"])
        elif boxes_exp:
            checks.append(False)  # the export invents boxes the original does not see
    result["passed"] = bool(checks) and all(checks)
    return result


def measure_latency(run: Runner, x: np.ndarray, warmup: int = 2, runs: int = 10) -> float:
    """Median wall time of one inference in milliseconds."""
    import time

    for _ in range(warmup):
        run(x)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(x)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times))
