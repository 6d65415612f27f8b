"""Model input preparation exactly as Ultralytics' predictor does it (and as metadata.json describes it)."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

PAD_VALUE = 114


def letterbox(image: np.ndarray, shape: tuple[int, int], pad_value: int = PAD_VALUE) -> np.ndarray:
    """Resize keeping aspect ratio (bilinear), pad to `shape` (h, w) centred — Ultralytics' LetterBox(auto=False)."""
    h, w = image.shape[:2]
    new_h, new_w = shape
    r = min(new_h / h, new_w / w)
    unpad_w, unpad_h = round(w * r), round(h * r)
    dw, dh = (new_w - unpad_w) / 2, (new_h - unpad_h) / 2
    if (w, h) != (unpad_w, unpad_h):
        image = cv2.resize(image, (unpad_w, unpad_h), interpolation=cv2.INTER_LINEAR)
    top, bottom = round(dh - 0.1), round(dh + 0.1)
    left, right = round(dw - 0.1), round(dw + 0.1)
    return cv2.copyMakeBorder(image, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(pad_value,) * 3)


def shortest_edge_center_crop(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Ultralytics' classify_transforms: resize the shortest edge (square target) or to (h, w), then centre-crop."""
    pil = Image.fromarray(image)
    h, w = shape
    if h == w and pil.width <= pil.height:  # torchvision Resize(int): short edge = h, long edge truncated
        size = (h, int(h * pil.height / pil.width))
    elif h == w:
        size = (int(h * pil.width / pil.height), h)
    else:
        size = (w, h)
    pil = pil.resize(size, Image.BILINEAR)
    left, top = round((pil.width - w) / 2), round((pil.height - h) / 2)
    return np.asarray(pil.crop((left, top, left + w, top + h)))


def to_input(images: list[np.ndarray], shape: tuple[int, int], task: str) -> np.ndarray:
    """RGB uint8 HWC images → float32 NCHW batch scaled to 0..1."""
    prepare = shortest_edge_center_crop if task == "classify" else letterbox
    batch = np.stack([prepare(img, shape) for img in images])
    return np.ascontiguousarray(batch.transpose(0, 3, 1, 2), dtype=np.float32) / 255.0


def load_rgb(path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"))
