"""Normalisations and layouts no fixture export uses (BGR, mean/std, NHWC as Ultralytics' onnx2tf LiteRT models
take, float16 inputs): the tensor equals metadata.json's formula computed independently, pixel by pixel, in float64
and stored as float32 (then float16, rounding to nearest even as the reference's floatToHalf)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import REAL_PHOTOS

from model_wrapper import ModelWrapper
from wrapper_image import input_tensor, read_image, resized_pixels


@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("color_order", ["RGB", "BGR"])
def test_tensor_is_metadata_jsons_formula(exports, color_order, layout, dtype):
    spec = ModelWrapper(exports["detect"] / "model.onnx").spec
    pre = dataclasses.replace(spec.preprocess, color_order=color_order, mean=(0.1, 0.2, 0.3), std=(0.5, 0.6, 0.7))
    spec = dataclasses.replace(spec, preprocess=pre, layout=layout, input_dtype=dtype)
    pixels, _ = resized_pixels(read_image(REAL_PHOTOS[0]), spec)
    values = pixels.astype(np.float64) / 255
    sources = [2 - c if color_order == "BGR" else c for c in range(3)]
    planes = np.stack([(values[:, :, s] - pre.mean[c]) / pre.std[c] for c, s in enumerate(sources)])
    expected = planes.astype(np.float32)[None]
    if layout == "NHWC":
        expected = expected.transpose(0, 2, 3, 1)
    tensor = input_tensor(pixels, spec)
    assert tensor.dtype == np.dtype(dtype) and tensor.flags.c_contiguous
    assert np.array_equal(tensor, expected.astype(dtype))
