"""Parity: the exported model against the PyTorch model, on the same inputs.

Reported per export:
- max_abs / mean_abs: absolute difference of the raw outputs (every output tensor, every image);
- detect / segment / pose / obb: after the SAME non-maximum suppression on both sides (boxes.py), the final-box match
  rate — a box matches when the other side has a box of the same class with IoU >= 0.5. To be fair to boxes whose
  confidence sits right at the threshold, a box kept at `conf` may be matched by one kept at `conf - conf_margin`.
  box_match = (matched reference boxes + matched exported boxes) / (all reference + all exported boxes), so a
  missing box and an invented box both count; boxes_matched is the number of reference boxes found in the export;
- pose: keypoints_max_px, the largest keypoint displacement over matched boxes (input pixels);
- segment: mask_iou_min / mask_iou_mean, IoU of the binary masks of matched boxes;
- classify: top-1 agreement and top-5 agreement (same top-5 set) over the images.

Tolerances (documented, per precision) — `passed` when all that apply hold:
  raw:       max_abs <= atol + rtol * max|reference output|   (raw outputs hold pixel coordinates, hence rtol)
  boxes:     box_match >= min_box_match (when the reference found any box at all; invented boxes alone fail)
  keypoints: keypoints_max_px <= max_kpt_px;  masks: mask_iou_min >= min_mask_iou
  class:     top1_agreement >= min_top1

The tolerance is that of the export's precision, or of the precision the runtime computed in when that is coarser:
OpenVINO runs an FP32 IR in bf16 on CPUs with AMX / AVX512-BF16 unless told otherwise, and parity measures it as a
loader runs it (`inference_precision` in the result says which precision ran).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .boxes import NmsSettings, embedded_nms, keypoint_distance, mask_ious, match, nms

Runner = Callable[[np.ndarray], list[np.ndarray]]
INF = float("inf")

TOLERANCES = {
    "fp32": {
        "atol": 1e-3,
        "rtol": 1e-4,
        "min_box_match": 0.95,
        "max_kpt_px": 0.5,
        "min_mask_iou": 0.9,
        "min_top1": 1.0,
    },
    "fp16": {
        "atol": 2e-2,
        "rtol": 2e-2,
        "min_box_match": 0.85,
        "max_kpt_px": 3.0,
        "min_mask_iou": 0.8,
        "min_top1": 0.9,
    },
    # bf16 keeps 8 bits of mantissa (fp16 keeps 10): OpenVINO's default on CPUs with AMX / AVX512-BF16
    "bf16": {
        "atol": 3e-2,
        "rtol": 3e-2,
        "min_box_match": 0.85,
        "max_kpt_px": 4.0,
        "min_mask_iou": 0.8,
        "min_top1": 0.9,
    },
    "int8": {"atol": INF, "rtol": 0.0, "min_box_match": 0.6, "max_kpt_px": INF, "min_mask_iou": 0.5, "min_top1": 0.7},
}


# From the finest to the coarsest: parity holds an export to the coarser of its own precision and the runtime's.
COARSENESS = ("fp32", "fp16", "bf16", "int8")


def judged_precision(precision: str, inference_precision: str | None) -> str:
    """The precision whose tolerance applies: the export's, or the runtime's when that is coarser."""
    if inference_precision not in COARSENESS:
        return precision
    return max(precision, inference_precision, key=COARSENESS.index)


class _Tally:
    def __init__(self):
        self.max_abs = self.abs_sum = self.ref_scale = 0.0
        self.count = self.top1 = self.top5 = 0
        self.boxes_ref = self.boxes_exp = self.ref_found = self.exp_found = 0
        self.kpt_px: list[float] = []
        self.mask_iou: list[float] = []

    def raw(self, ref_out: list[np.ndarray], exp_out: list[np.ndarray]) -> None:
        for r, e in zip(ref_out, exp_out, strict=True):
            if r.shape != e.shape:
                raise ValueError(f"output shapes differ: PyTorch {r.shape} vs exported {e.shape}")
            diff = np.abs(r.astype(np.float64) - e.astype(np.float64))
            self.max_abs = max(self.max_abs, float(diff.max()))
            self.abs_sum += float(diff.sum())
            self.count += diff.size
            self.ref_scale = max(self.ref_scale, float(np.abs(r).max()))

    def classes(self, ref: np.ndarray, exp: np.ndarray) -> None:
        k = min(5, ref.shape[-1])
        self.top1 += int(np.argmax(ref) == np.argmax(exp))
        self.top5 += int(set(np.argsort(-ref)[:k]) == set(np.argsort(-exp)[:k]))


def _boxes(task, x, ref_out, exp_out, tally: _Tally, nc, settings, nms_embedded, end2end, kpt_shape) -> None:
    rotated = task == "obb"
    low = max(settings.conf - settings.conf_margin, 0.001)
    ref_hi, ref_lo = (nms(ref_out[0], nc, settings, c, rotated, end2end) for c in (settings.conf, low))
    if nms_embedded:
        exp_hi, exp_lo = (embedded_nms(exp_out[0], c, rotated) for c in (settings.conf, low))
    else:
        exp_hi, exp_lo = (nms(exp_out[0], nc, settings, c, rotated, end2end) for c in (settings.conf, low))
    pairs = match(ref_hi, exp_lo, settings.match_iou, rotated)
    tally.boxes_ref += len(ref_hi)
    tally.boxes_exp += len(exp_hi)
    tally.ref_found += len(pairs)
    tally.exp_found += len(match(exp_hi, ref_lo, settings.match_iou, rotated))
    if task == "pose" and kpt_shape:
        distance = keypoint_distance(ref_hi, exp_lo, pairs, kpt_shape)
        if distance is not None:
            tally.kpt_px.append(distance)
    if task == "segment" and len(ref_out) > 1 and len(exp_out) > 1:
        tally.mask_iou += mask_ious(ref_hi, exp_lo, ref_out[1], exp_out[1], pairs, tuple(x.shape[2:]))


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
    kpt_shape: list[int] | None = None,
    inference_precision: str | None = None,
) -> dict:
    """Compare the two runners on each [1, 3, h, w] input; returns the parity figures and `passed`.
    `inference_precision`: what the exported model's runtime computed in, when it chooses that itself (OpenVINO)."""
    settings = settings or NmsSettings()
    judged = judged_precision(precision, inference_precision)
    tol = TOLERANCES[judged]
    tally = _Tally()
    for x in inputs:
        ref_out, exp_out = reference(x), exported(x)
        if not nms_embedded:
            tally.raw(ref_out, exp_out)
        if task == "classify":
            tally.classes(ref_out[0][0], exp_out[0][0])
        else:
            _boxes(task, x, ref_out, exp_out, tally, nc, settings, nms_embedded, end2end, kpt_shape)
    result = _summary(task, tally, len(inputs), precision, tol, settings, raw_comparable=not nms_embedded)
    if inference_precision is not None:
        result["inference_precision"] = inference_precision
        result["tolerance"]["precision"] = judged
    return result


def _summary(task, t: _Tally, images: int, precision: str, tol: dict, settings, raw_comparable: bool) -> dict:
    total = t.boxes_ref + t.boxes_exp
    result: dict = {
        "images": images,
        "precision": precision,
        "max_abs": t.max_abs if raw_comparable else None,
        "mean_abs": (t.abs_sum / t.count) if raw_comparable and t.count else None,
        "reference_max_abs": t.ref_scale if raw_comparable else None,
        "box_match": None if task == "classify" or not total else (t.ref_found + t.exp_found) / total,
        "boxes_reference": None if task == "classify" else t.boxes_ref,
        "boxes_exported": None if task == "classify" else t.boxes_exp,
        "boxes_matched": None if task == "classify" else t.ref_found,
        "keypoints_max_px": max(t.kpt_px) if t.kpt_px else None,
        "mask_iou_min": min(t.mask_iou) if t.mask_iou else None,
        "mask_iou_mean": float(np.mean(t.mask_iou)) if t.mask_iou else None,
        "top1_agreement": t.top1 / images if task == "classify" else None,
        "top5_agreement": t.top5 / images if task == "classify" else None,
        "tolerance": {k: (None if v == INF else v) for k, v in tol.items()},
        "nms": {
            "conf": settings.conf,
            "iou": settings.iou,
            "max_det": settings.max_det,
            "match_iou": settings.match_iou,
        },
    }
    checks = []
    if raw_comparable:
        checks.append(t.max_abs <= tol["atol"] + tol["rtol"] * t.ref_scale)
    if task == "classify":
        checks.append(result["top1_agreement"] >= tol["min_top1"])
    elif t.boxes_ref:
        checks.append(result["box_match"] >= tol["min_box_match"])
    elif t.boxes_exp:
        checks.append(False)  # the export invents boxes the original does not see
    if result["keypoints_max_px"] is not None:
        checks.append(result["keypoints_max_px"] <= tol["max_kpt_px"])
    if result["mask_iou_min"] is not None:
        checks.append(result["mask_iou_min"] >= tol["min_mask_iou"])
    result["passed"] = bool(checks) and all(checks)
    return result


class TimedRunner:
    """Wraps a runner and keeps the wall time of each call, so the parity runs double as the latency measurement."""

    def __init__(self, run: Runner):
        self._run = run
        self.times_ms: list[float] = []

    def __call__(self, x: np.ndarray) -> list[np.ndarray]:
        start = time.perf_counter()
        out = self._run(x)
        self.times_ms.append((time.perf_counter() - start) * 1000)
        return out

    def latency_ms(self) -> float:
        """Median wall time of one inference, the first call (session warm-up) left out when there are others."""
        timed = self.times_ms[1:] or self.times_ms
        return float(np.median(timed))
