"""Seeded synthetic scenes: coloured circles, squares and triangles on noisy grey backgrounds.

Used for the parity images every export is checked on, and by tests/fixtures/generate.py to build the training sets
of the test models — so the test models find objects in the parity images. Each class has its own hue band (circles
reddish, squares greenish, triangles bluish) on top of its shape: that is what lets a tiny model trained for a few
minutes on a CPU find them reliably.
"""

from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ("circle", "square", "triangle")
CIRCLE_POINTS = 32
CLASS_HUES = (0.0, 0.33, 0.62)  # red, green, blue


@dataclass
class Shape:
    cls: int
    polygon: list[tuple[float, float]]  # pixel coordinates, for masks
    keypoints: list[tuple[float, float]]  # triangles: apex (topmost) first, then clockwise; others: empty

    @property
    def box(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.polygon]
        ys = [p[1] for p in self.polygon]
        return min(xs), min(ys), max(xs), max(ys)


def _polygon(cls: int, cx: float, cy: float, r: float, angle: float) -> list[tuple[float, float]]:
    if cls == 0:
        steps = [2 * math.pi * i / CIRCLE_POINTS for i in range(CIRCLE_POINTS)]
    elif cls == 1:
        steps = [angle + math.pi / 4 + i * math.pi / 2 for i in range(4)]
    else:
        steps = [angle - math.pi / 2 + i * 2 * math.pi / 3 for i in range(3)]
    return [(cx + r * math.cos(a), cy + r * math.sin(a)) for a in steps]


def triangle_keypoints(polygon: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Apex = topmost corner, then clockwise on screen (y grows downwards), so the order is learnable."""
    cx = sum(p[0] for p in polygon) / 3
    cy = sum(p[1] for p in polygon) / 3
    apex = min(polygon, key=lambda p: (p[1], p[0]))
    start = math.atan2(apex[1] - cy, apex[0] - cx)
    return sorted(polygon, key=lambda p: (math.atan2(p[1] - cy, p[0] - cx) - start) % (2 * math.pi))


def _background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Low-saturation grey with a slight tint, plus noise: saturated shapes always stand out."""
    base = int(rng.integers(40, 200)) + rng.integers(-12, 13, size=3)
    noise = rng.normal(0, 16, size=(h, w, 3))
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def _colour(rng: np.random.Generator, cls: int) -> tuple[int, int, int]:
    hue = (CLASS_HUES[cls] + float(rng.uniform(-0.05, 0.05))) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, float(rng.uniform(0.65, 1.0)), float(rng.uniform(0.7, 1.0)))
    return int(r * 255), int(g * 255), int(b * 255)


def draw_scene(
    rng: np.random.Generator,
    size: tuple[int, int] = (160, 160),
    max_objects: int = 4,
    classes: tuple[int, ...] = (0, 1, 2),
    min_radius: float = 0.09,
    max_radius: float = 0.2,
) -> tuple[np.ndarray, list[Shape]]:
    """One RGB uint8 scene (h, w, 3) and its shapes; shapes never overlap and stay inside the image."""
    h, w = size
    image = _background(rng, h, w)
    canvas = Image.fromarray(image)
    draw = ImageDraw.Draw(canvas)
    shapes: list[Shape] = []
    placed: list[tuple[float, float, float]] = []
    target = int(rng.integers(1, max_objects + 1))
    for _ in range(target * 20):
        if len(shapes) == target:
            break
        r = float(rng.uniform(min_radius, max_radius)) * min(h, w)
        cx, cy = float(rng.uniform(r + 2, w - r - 2)), float(rng.uniform(r + 2, h - r - 2))
        if any(math.hypot(cx - x, cy - y) < r + pr + 4 for x, y, pr in placed):
            continue
        cls = int(rng.choice(classes))
        polygon = _polygon(cls, cx, cy, r, float(rng.uniform(0, 2 * math.pi)))
        draw.polygon(polygon, fill=_colour(rng, cls))
        keypoints = triangle_keypoints(polygon) if cls == 2 else []
        shapes.append(Shape(cls, polygon, keypoints))
        placed.append((cx, cy, r))
    return np.asarray(canvas), shapes


def parity_scenes(count: int = 4, size: tuple[int, int] = (320, 320), seed: int = 20251126) -> list[np.ndarray]:
    """Fixed synthetic images for parity checks: shape scenes plus one of pure noise."""
    rng = np.random.default_rng(seed)
    images = [draw_scene(rng, size, max_objects=4)[0] for _ in range(max(count - 1, 0))]
    images.append(rng.integers(0, 256, size=(*size, 3), dtype=np.uint8))
    return images
