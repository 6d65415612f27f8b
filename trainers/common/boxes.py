"""Final boxes for parity: the same non-maximum suppression on both sides, then one-to-one matching.

Rows keep Ultralytics' layout — [x1, y1, x2, y2, score, class, extras…] (extras: mask coefficients or keypoints) —
except rotated boxes, which become [cx, cy, w, h, angle, score, class].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class NmsSettings:
    conf: float = 0.25
    iou: float = 0.7
    max_det: int = 300
    agnostic: bool = False
    match_iou: float = 0.5
    conf_margin: float = 0.05


def nms(pred: np.ndarray, nc: int, settings: NmsSettings, conf: float, rotated: bool, end2end: bool) -> np.ndarray:
    """Raw [1, 4 + nc + extras, anchors] output → kept rows for the first image."""
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
    if rotated:  # Ultralytics: xywh, score, class, angle
        return np.concatenate([out[:, :4], out[:, -1:], out[:, 4:6]], axis=1)
    return out


def embedded_nms(pred: np.ndarray, conf: float, rotated: bool) -> np.ndarray:
    """Output of a model exported with nms=True: [1, max_det, 6 + extras] rows, zero-padded."""
    rows = pred[0]
    rows = rows[rows[:, 4] >= conf]
    if rotated:  # xywh, score, class, angle
        return np.concatenate([rows[:, :4], rows[:, 6:7], rows[:, 4:6]], axis=1)
    return rows


def iou(a: np.ndarray, b: np.ndarray, rotated: bool) -> np.ndarray:
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    if rotated:
        from ultralytics.utils.metrics import batch_probiou

        return np.asarray(batch_probiou(torch.from_numpy(a[:, :5]), torch.from_numpy(b[:, :5])))
    from ultralytics.utils.metrics import box_iou

    return box_iou(torch.from_numpy(a[:, :4]), torch.from_numpy(b[:, :4])).numpy()


def match(kept: np.ndarray, candidates: np.ndarray, match_iou: float, rotated: bool) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (kept index, candidate index), highest score first; same class, IoU >= match_iou."""
    if len(kept) == 0 or len(candidates) == 0:
        return []
    score_col, class_col = (5, 6) if rotated else (4, 5)
    order = np.argsort(-kept[:, score_col], kind="stable")
    ious = iou(kept[order], candidates, rotated)
    used = np.zeros(len(candidates), dtype=bool)
    pairs = []
    for rank, i in enumerate(order):
        same = (candidates[:, class_col] == kept[i, class_col]) & ~used & (ious[rank] >= match_iou)
        if same.any():
            j = int(np.argmax(np.where(same, ious[rank], -1)))
            used[j] = True
            pairs.append((int(i), j))
    return pairs


def keypoint_distance(ref: np.ndarray, exp: np.ndarray, pairs: list[tuple[int, int]], kpt_shape) -> float | None:
    """Largest keypoint displacement in input pixels over matched boxes."""
    if not pairs:
        return None
    k, d = kpt_shape
    a = ref[[i for i, _ in pairs], 6:].reshape(-1, k, d)[..., :2]
    b = exp[[j for _, j in pairs], 6:].reshape(-1, k, d)[..., :2]
    return float(np.abs(a - b).max())


def mask_ious(ref, exp, ref_proto, exp_proto, pairs, shape: tuple[int, int]) -> list[float]:
    """IoU of the binary masks of matched boxes, built from each side's own coefficients and prototypes."""
    if not pairs:
        return []
    from ultralytics.utils.ops import process_mask

    def masks(rows, proto):
        return process_mask(
            torch.from_numpy(proto[0]), torch.from_numpy(rows[:, 6:]), torch.from_numpy(rows[:, :4]), shape, True
        ).numpy()

    a = masks(ref[[i for i, _ in pairs]], ref_proto)
    b = masks(exp[[j for _, j in pairs]], exp_proto)
    inter = np.logical_and(a, b).sum(axis=(1, 2))
    union = np.logical_or(a, b).sum(axis=(1, 2))
    return [float(x) for x in np.where(union > 0, inter / np.maximum(union, 1), 1.0)]
