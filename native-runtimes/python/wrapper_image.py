"""Image → model input, as the reference runtime (native-runtimes/typescript) and Ultralytics' predictors do it:
cv2.imread's pixels, cv2's bilinear letterbox (detect, segment, pose) or Pillow's bilinear shortest-side resize and
centre crop (classify), then metadata.json's normalisation into a float tensor."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from wrapper_errors import ImageError
from wrapper_metadata import ModelSpec, Preprocess


@dataclass(frozen=True)
class Placement:
    """Where the photo sits in the model input: letterbox (padding) or centre crop (crop offset, negative)."""

    source_width: int
    source_height: int
    input_width: int
    input_height: int
    resized_width: int
    resized_height: int
    left: int
    top: int
    right: int = 0
    bottom: int = 0


MAX_IMAGE_PIXELS = 40_000_000  # the app's, the platform's and the C++ wrapper's limit


def stored_size(path: Path) -> tuple[int, int] | None:
    """Width and height from the header (Pillow reads only that), or None when Pillow does not know the format."""
    try:
        with Image.open(path) as image:
            return image.size
    except Image.DecompressionBombError:
        return (1 << 31, 1)
    except Exception:
        return None


def read_image(path: str | Path) -> np.ndarray:
    """RGB uint8 HxWx3 with exactly cv2.imread's pixels (EXIF orientation applied, ICC profiles ignored)."""
    path = Path(path)
    if not path.is_file():
        raise ImageError(f"{path}: no such file. Give the path of an image (JPEG, PNG, WebP, TIFF, BMP).")
    size = stored_size(path)
    if size and size[0] * size[1] > MAX_IMAGE_PIXELS:
        raise ImageError(
            f"{path}: the image is {size[0]}x{size[1]}, above the {MAX_IMAGE_PIXELS // 1_000_000} megapixel limit. "
            "Resize it first; detection models see it at a few hundred pixels anyway."
        )
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ImageError(f"{path}: not an image OpenCV can read. Give a JPEG, PNG, WebP, TIFF or BMP file.")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def letterbox_placement(width: int, height: int, input_height: int, input_width: int, scaleup: bool) -> Placement:
    """Ultralytics' LetterBox(auto=False, center=True) geometry, with Python's round() as it has."""
    ratio = min(input_height / height, input_width / width)
    if not scaleup:
        ratio = min(ratio, 1.0)
    resized_width = max(round(width * ratio), 1)
    resized_height = max(round(height * ratio), 1)
    dw = (input_width - resized_width) / 2
    dh = (input_height - resized_height) / 2
    return Placement(
        source_width=width,
        source_height=height,
        input_width=input_width,
        input_height=input_height,
        resized_width=resized_width,
        resized_height=resized_height,
        left=round(dw - 0.1),
        top=round(dh - 0.1),
        right=round(dw + 0.1),
        bottom=round(dh + 0.1),
    )


def center_crop_placement(width: int, height: int, input_height: int, input_width: int) -> Placement:
    """torchvision's Resize(size) + CenterCrop(size) geometry as Ultralytics' classify_transforms builds it."""
    resized_width, resized_height = input_width, input_height
    if input_height == input_width:
        if width <= height:
            resized_height = int(input_width * height / width)
        else:
            resized_width = int(input_height * width / height)
    return Placement(
        source_width=width,
        source_height=height,
        input_width=input_width,
        input_height=input_height,
        resized_width=resized_width,
        resized_height=resized_height,
        left=round((resized_width - input_width) / 2),
        top=round((resized_height - input_height) / 2),
    )


def resized_pixels(rgb: np.ndarray, spec: ModelSpec) -> tuple[np.ndarray, Placement]:
    """The model input's pixels (RGB uint8, input height x width) and where the photo sits in them."""
    height, width = rgb.shape[:2]
    pre = spec.preprocess
    if pre.mode == "shortest_edge_center_crop":
        placement = center_crop_placement(width, height, spec.height, spec.width)
        size = (placement.resized_width, placement.resized_height)
        resized = np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.BILINEAR))
        top, left = placement.top, placement.left
        return resized[top : top + spec.height, left : left + spec.width], placement
    placement = letterbox_placement(width, height, spec.height, spec.width, pre.scaleup)
    size = (placement.resized_width, placement.resized_height)
    resized = rgb if size == (width, height) else cv2.resize(rgb, size, interpolation=cv2.INTER_LINEAR)
    p = placement
    padded = cv2.copyMakeBorder(
        resized, p.top, p.bottom, p.left, p.right, cv2.BORDER_CONSTANT, value=(pre.pad_value,) * 3
    )
    return padded, placement


def input_tensor(pixels: np.ndarray, spec: ModelSpec) -> np.ndarray:
    """The batch-of-one input tensor in the model's layout and dtype, normalised as metadata.json says."""
    tables = _value_tables(spec.preprocess)
    bgr = spec.preprocess.color_order == "BGR"
    if spec.layout == "NCHW":
        tensor = np.empty((1, 3, *pixels.shape[:2]), dtype=np.float32)
        for source, plane in enumerate(cv2.split(pixels)):  # each plane looked up straight into its place
            cv2.LUT(plane, tables[source], dst=tensor[0, 2 - source if bgr else source])
    else:
        values = cv2.LUT(pixels, np.ascontiguousarray(tables.T[:, None, :]))
        tensor = np.ascontiguousarray((values[:, :, ::-1] if bgr else values)[None])
    return tensor.astype(np.float16) if spec.input_dtype == "float16" else tensor


@lru_cache(maxsize=8)
def _value_tables(pre: Preprocess) -> np.ndarray:
    """[3, 256]: what 8-bit value v of channel R, G or B becomes, normalised in float64 and stored as float32, as the
    reference's lookup table."""
    # Division, not multiplication by 1/255, so values equal torch's `im / 255` bit for bit.
    divisor = 255.0 if abs(pre.scale - 1 / 255) < 1e-12 else 1 / pre.scale
    values = np.arange(256, dtype=np.float64) / divisor
    plain = pre.mean == (0.0, 0.0, 0.0) and pre.std == (1.0, 1.0, 1.0)
    tables = []
    for source in range(3):
        channel = 2 - source if pre.color_order == "BGR" else source
        normalised = values if plain else (values - pre.mean[channel]) / pre.std[channel]
        tables.append(normalised.astype(np.float32))
    return np.stack(tables)
