"""Images in every layout a photo file comes in, and cv2.imread's pixels of each: the C++ decoder's test oracle.

    python decode_variants.py <photo.jpg> <out-dir>   → prints [{"file", "width", "height", "sha256"}] (RGB bytes)

JPEG: 4:2:0, 4:4:4, progressive, grey, CMYK (Adobe, inverted), EXIF orientations 1–8 in both byte orders.
PNG: RGB, RGBA, grey, grey + alpha, 1-bit, palette, palette with transparency, 16-bit colour and grey, EXIF-rotated.
"""

import hashlib
import json
import os
import struct
import sys

import cv2
import numpy as np
from PIL import Image


def exif_app1(orientation: int, big_endian: bool) -> bytes:
    """An APP1 segment holding IFD0 with one entry: Orientation (SHORT, count 1)."""
    e = ">" if big_endian else "<"
    tiff = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, 8)
    tiff += struct.pack(e + "H", 1) + struct.pack(e + "HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(e + "I", 0)
    body = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def main(photo: str, out: str) -> None:
    bgr = cv2.imread(photo)[:207, :301]  # odd sizes: blocks cut mid-way
    rgb = Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    files = []

    def write(name: str, data: bytes | None = None) -> str:
        path = os.path.join(out, name)
        if data is not None:
            with open(path, "wb") as f:
                f.write(data)
        files.append(path)
        return path

    assert cv2.imwrite(write("j420.jpg"), bgr, [cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420])
    assert cv2.imwrite(write("j444.jpg"), bgr, [cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444])
    assert cv2.imwrite(write("jprogressive.jpg"), bgr, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
    assert cv2.imwrite(write("jgrey.jpg"), cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))
    rgb.convert("CMYK").save(write("jcmyk.jpg"), quality=90)
    with open(os.path.join(out, "j420.jpg"), "rb") as f:
        plain = f.read()
    for orientation in range(1, 9):
        for big in (False, True):
            write(f"jexif{orientation}{'mm' if big else 'ii'}.jpg", plain[:2] + exif_app1(orientation, big) + plain[2:])
    rgb.save(write("prgb.png"))
    rgb.convert("RGBA").save(write("prgba.png"))
    rgb.convert("L").save(write("pgrey.png"))
    rgb.convert("LA").save(write("pgreyalpha.png"))
    rgb.convert("1").save(write("p1bit.png"))
    rgb.convert("P").save(write("ppalette.png"))
    rgb.convert("P").save(write("ppalette-trns.png"), transparency=0)
    assert cv2.imwrite(write("p16.png"), bgr.astype(np.uint16) * 257 + 3)
    assert cv2.imwrite(write("p16grey.png"), cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.uint16) * 251)
    exif = Image.Exif()
    exif[0x0112] = 6
    rgb.save(write("pexif6.png"), exif=exif.tobytes())

    answers = []
    for path in files:
        image = cv2.cvtColor(cv2.imread(path, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        digest = hashlib.sha256(np.ascontiguousarray(image).tobytes()).hexdigest()
        answers.append({"file": path, "width": image.shape[1], "height": image.shape[0], "sha256": digest})
    print(json.dumps(answers))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
