"""Instance masks as the reference computes them: Ultralytics' process_mask(upsample=True) — coefficients x
prototypes accumulated in float32, PyTorch's bilinear upsampling (align_corners=False), > 0, cropped to the box —
then carried to the photo's pixels by nearest neighbour through the letterbox and run-length encoded."""

from __future__ import annotations

import math

import numpy as np

from wrapper_image import Placement


def prototype_planes(prototypes: np.ndarray) -> np.ndarray:
    """The [1, C, H, W] prototypes as float64 planes [C, H, W], converted once for every instance."""
    return prototypes[0].astype(np.float64)


def instance_mask(planes: np.ndarray, coefficients: np.ndarray, box: np.ndarray, placement: Placement):
    """(x0, y0, bitmap) in model-input pixels over the box's rectangle, or None when nothing of it is left."""
    channels, proto_height, proto_width = planes.shape
    x0, y0 = max(0, math.ceil(box[0])), max(0, math.ceil(box[1]))
    x1 = min(placement.input_width, math.ceil(box[2]))
    y1 = min(placement.input_height, math.ceil(box[3]))
    if x1 <= x0 or y1 <= y0:
        return None
    c_first, c_second, wx0, wx1 = _axis_samples(proto_width, placement.input_width, x0, x1 - x0)
    r_first, r_second, wy0, wy1 = _axis_samples(proto_height, placement.input_height, y0, y1 - y0)
    # Only the prototype window the box samples is combined: each value is the reference's, element by element.
    top, left = int(r_first[0]), int(c_first[0])
    window = planes[:, top : int(r_second[-1]) + 1, left : int(c_second[-1]) + 1]
    low = np.zeros(window.shape[1:], dtype=np.float32)
    for c in range(channels):  # float32 accumulation, channel by channel, as the reference
        low = (low.astype(np.float64) + float(coefficients[c]) * window[c]).astype(np.float32)
    low64 = low.astype(np.float64)
    upper, lower = low64[r_first - top], low64[r_second - top]
    c_first, c_second = c_first - left, c_second - left
    value = wy0[:, None] * (wx0 * upper[:, c_first] + wx1 * upper[:, c_second]) + wy1[:, None] * (
        wx0 * lower[:, c_first] + wx1 * lower[:, c_second]
    )
    bitmap = value > 0
    return (x0, y0, bitmap) if bitmap.any() else None


def _axis_samples(in_size: int, out_size: int, start: int, count: int):
    """PyTorch upsample_bilinear2d (align_corners=False) source indices and float32 weights for [start, start+n)."""
    scale = float(np.float32(in_size / out_size))
    source = (scale * (np.arange(start, start + count, dtype=np.float64) + 0.5) - 0.5).astype(np.float32)
    source = np.maximum(source, np.float32(0))
    index = source.astype(np.int64)
    weight1 = (source.astype(np.float64) - index).astype(np.float32)
    weight0 = (1 - weight1.astype(np.float64)).astype(np.float32)
    second = np.where(index < in_size - 1, index + 1, index)
    return index, second, weight0.astype(np.float64), weight1.astype(np.float64)


def mask_to_source(x0: int, y0: int, bitmap: np.ndarray, p: Placement) -> dict | None:
    """The prediction's `mask`: photo pixel (u, v) is inside when the input pixel its centre falls on is."""
    height, width = bitmap.shape
    first_u, columns = _source_span(x0, width, p.left, p.resized_width / p.source_width, p.source_width)
    first_v, rows = _source_span(y0, height, p.top, p.resized_height / p.source_height, p.source_height)
    if len(columns) == 0 or len(rows) == 0:
        return None
    sampled = bitmap[rows][:, columns]
    return {"x": first_u, "y": first_v, "width": len(columns), "height": len(rows), "runs": encode_runs(sampled)}


def _source_span(start: int, size: int, offset: int, scale: float, source_size: int) -> tuple[int, np.ndarray]:
    """Photo positions whose centres land in [start, start + size) of the input, and where in it they land."""
    first = max(0, math.floor((start - offset) / scale - 0.5) - 1)
    end = min(source_size, math.ceil((start + size - offset) / scale - 0.5) + 1)
    u = np.arange(first, max(first, end), dtype=np.float64)
    at = np.floor(offset + (u + 0.5) * scale).astype(np.int64) - start
    inside = (at >= 0) & (at < size)
    positions = np.flatnonzero(inside)
    return (first + int(positions[0]) if len(positions) else -1), at[inside]


def encode_runs(bitmap: np.ndarray) -> list[int]:
    """Run lengths of a 0/1 bitmap, row-major, alternating 0s and 1s, starting with 0s (possibly an empty run)."""
    bits = bitmap.ravel().astype(np.int8)
    changes = np.flatnonzero(np.diff(bits)) + 1
    runs = np.diff(np.concatenate(([0], changes, [len(bits)]))).tolist()
    return [0, *runs] if len(bits) and bits[0] == 1 else runs
