"""Raw detection outputs → detections in model-input pixels: Ultralytics' non_max_suppression (class-offset boxes,
torchvision's greedy NMS) or an end-to-end model's confidence filter; every number as the reference computes it
(float64 from the float32 outputs, the same order of operations)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Ultralytics' per-class box offset (boxes of different classes never overlap) and its cap on boxes entering NMS.
CLASS_OFFSET = 7680.0
MAX_NMS_INPUT = 30_000


@dataclass(frozen=True)
class Thresholds:
    conf: float
    iou: float
    max_det: int
    agnostic: bool
    classes: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Detections:
    """N detections, highest score first: boxes [N, 4] x1 y1 x2 y2 (float64, input pixels), scores (float32
    values), class ids, and each one's extra channels [N, E] (mask coefficients or keypoints, float32)."""

    boxes: np.ndarray
    scores: np.ndarray
    class_ids: np.ndarray
    extras: np.ndarray


def decode_anchors(output: np.ndarray, num_classes: int, t: Thresholds) -> Detections:
    """[1, 4 + nc + extra, anchors]: cx, cy, w, h, class scores, extras per anchor."""
    values = output[0]
    scores = values[4 : 4 + num_classes]
    class_ids = np.argmax(scores, axis=0)
    best = scores[class_ids, np.arange(values.shape[1])]
    keep = best.astype(np.float64) > t.conf
    if t.classes is not None:
        keep &= np.isin(class_ids, t.classes)
    anchors = np.flatnonzero(keep)
    xywh = values[:4, anchors].astype(np.float64)
    half_w, half_h = xywh[2] / 2, xywh[3] / 2
    boxes = np.stack([xywh[0] - half_w, xywh[1] - half_h, xywh[0] + half_w, xywh[1] + half_h], axis=1)
    found = Detections(boxes, best[anchors], class_ids[anchors], values[4 + num_classes :, anchors].T)
    if len(anchors) > MAX_NMS_INPUT:
        found = _take(found, np.argsort(-found.scores.astype(np.float64), kind="stable")[:MAX_NMS_INPUT])
    return _take(found, non_max_suppression(found.boxes, found.scores, found.class_ids, t))


def decode_end_to_end(output: np.ndarray, t: Thresholds) -> Detections:
    """[1, rows, 6 + extra]: x1, y1, x2, y2, score, class, extras per row, already after NMS."""
    rows = output[0]
    scores = rows[:, 4]
    class_ids = np.floor(rows[:, 5].astype(np.float64) + 0.5).astype(np.int64)  # JavaScript's Math.round
    keep = scores.astype(np.float64) > t.conf
    if t.classes is not None:
        keep &= np.isin(class_ids, t.classes)
    picked = np.flatnonzero(keep)[: t.max_det]
    return Detections(rows[picked, :4].astype(np.float64), scores[picked], class_ids[picked], rows[picked, 6:])


def non_max_suppression(boxes: np.ndarray, scores: np.ndarray, class_ids: np.ndarray, t: Thresholds) -> np.ndarray:
    """Indices kept by greedy NMS (highest score first, ties in input order), at most max_det."""
    order = np.argsort(-scores.astype(np.float64), kind="stable")
    shifted = boxes[order] if t.agnostic else boxes[order] + (class_ids[order] * CLASS_OFFSET)[:, None]
    x1, y1, x2, y2 = shifted.T
    areas = np.maximum(0.0, x2 - x1) * np.maximum(0.0, y2 - y1)
    suppressed = np.zeros(len(order), dtype=bool)
    kept: list[int] = []
    for i in range(len(order)):
        if len(kept) >= t.max_det:
            break
        if suppressed[i]:
            continue
        kept.append(i)
        rest = slice(i + 1, None)
        width = np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest])
        height = np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest])
        overlap = (width > 0) & (height > 0)
        intersection = width * height
        with np.errstate(divide="ignore", invalid="ignore"):
            iou = np.where(overlap, intersection / (areas[i] + areas[rest] - intersection), 0.0)
        suppressed[rest] |= iou > t.iou
    return order[kept]


def _take(d: Detections, index: np.ndarray) -> Detections:
    return Detections(d.boxes[index], d.scores[index], d.class_ids[index], d.extras[index])
