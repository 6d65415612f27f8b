"""CMYK and YCCK JPEG fixtures for decode.test.ts, with what cv2.imread makes of them (the reference Ultralytics uses).

Run with the toolchain's Python (it has Pillow and opencv-python); the YCCK one also needs libturbojpeg
(Debian: apt-get install libturbojpeg0), since Pillow cannot write YCCK:

    python native-runtimes/typescript/test-images/make_cmyk.py

Writes cmyk-adobe.jpg (Pillow: Adobe APP14, transform 0, inverted CMYK as Photoshop writes it), cmyk-plain.jpg (the same
scan without the APP14 marker), ycck-adobe.jpg (TurboJPEG: YCCK, Adobe transform 2), and cmyk-expected.json: per file,
the shape, the SHA-256 of cv2.imread's BGR pixels and a few sample pixels (BGR).
"""

import ctypes
import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent


def without_adobe_marker(jpeg: bytes) -> bytes:
    out, i = bytearray(jpeg[:2]), 2
    while i < len(jpeg):
        marker = jpeg[i + 1]
        if marker == 0xDA:  # start of scan: the rest is entropy-coded data
            return bytes(out + jpeg[i:])
        length = int.from_bytes(jpeg[i + 2 : i + 4], "big")
        segment = jpeg[i : i + 2 + length]
        if not (marker == 0xEE and segment[4:9] == b"Adobe"):
            out += segment
        i += 2 + length
    raise ValueError("no start of scan")


def ycck_jpeg(stored_cmyk: np.ndarray, quality: int) -> bytes:
    """TurboJPEG compresses 4-channel CMYK input as YCCK (with the Adobe marker, transform 2)."""
    tj = ctypes.CDLL("libturbojpeg.so.0")
    tj.tjInitCompress.restype = ctypes.c_void_p
    handle = tj.tjInitCompress()
    height, width, _ = stored_cmyk.shape
    buffer, size = ctypes.POINTER(ctypes.c_ubyte)(), ctypes.c_ulong(0)
    pixels = np.ascontiguousarray(stored_cmyk)
    TJPF_CMYK, TJSAMP_444 = 11, 0
    status = tj.tjCompress2(
        ctypes.c_void_p(handle),
        pixels.ctypes.data_as(ctypes.POINTER(ctypes.c_ubyte)),
        width,
        width * 4,
        height,
        TJPF_CMYK,
        ctypes.byref(buffer),
        ctypes.byref(size),
        TJSAMP_444,
        quality,
        0,
    )
    if status != 0:
        raise RuntimeError("tjCompress2 failed")
    data = ctypes.string_at(buffer, size.value)
    tj.tjFree(buffer)
    tj.tjDestroy(ctypes.c_void_p(handle))
    return data


def main() -> None:
    photo = Image.open(HERE / "bus.jpg").convert("RGB").resize((96, 128), Image.Resampling.BILINEAR)
    cmyk = photo.convert("CMYK")
    cmyk.save(HERE / "cmyk-adobe.jpg", quality=90)
    (HERE / "cmyk-plain.jpg").write_bytes(without_adobe_marker((HERE / "cmyk-adobe.jpg").read_bytes()))
    # What Photoshop stores (and Pillow writes): inverted CMYK, 255 = no ink.
    stored = 255 - np.asarray(cmyk)
    ycck = ycck_jpeg(stored, 90)
    assert b"Adobe" in ycck[:200]
    (HERE / "ycck-adobe.jpg").write_bytes(ycck)

    expected = {"cv2": cv2.__version__, "files": {}}
    for name in ["cmyk-adobe.jpg", "cmyk-plain.jpg", "ycck-adobe.jpg"]:
        bgr = cv2.imread(str(HERE / name))
        h, w = bgr.shape[:2]
        points = [(0, 0), (h // 2, w // 2), (h - 1, w - 1), (h // 3, 2 * w // 3)]
        expected["files"][name] = {
            "shape": list(bgr.shape),
            "bgr_sha256": hashlib.sha256(bgr.tobytes()).hexdigest(),
            "samples": [{"y": y, "x": x, "bgr": bgr[y, x].tolist()} for y, x in points],
        }
    (HERE / "cmyk-expected.json").write_text(json.dumps(expected, indent=2) + "\n")


if __name__ == "__main__":
    main()
