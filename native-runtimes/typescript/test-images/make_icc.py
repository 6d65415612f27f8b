"""Photos carrying an embedded ICC profile, for decode.test.ts and the Ultralytics parity tests, with what cv2.imread
makes of them (the reference Ultralytics uses: OpenCV ignores embedded profiles).

Run with the toolchain's Python (it has Pillow and opencv-python):

    python native-runtimes/typescript/test-images/make_icc.py

The profile is Adobe RGB (1998) as a matrix/TRC ICC v2.1 profile written byte by byte below (primaries adapted to
the D50 connection space with Bradford, gamma 563/256), so the files are the same on every run and every machine.
The pixels are bus.jpg's, downsized, and *tagged* Adobe RGB (not converted), as a camera set to Adobe RGB writes
them: a colour-managed decoder (libvips' default) converts them to sRGB and changes most pixels by many levels,
while cv2.imread returns the stored values.

Writes icc-adobe-rgb.jpg (405 × 540, quality 90), icc-adobe-rgb.png (96 × 128, the profile in an iCCP chunk) and
icc-expected.json: per file — these two, and bus.jpg and zidane.jpg (no profile) — the shape, the SHA-256 of
cv2.imread's BGR pixels and a few sample pixels (BGR); for the two with a profile, also how many pixels converting
through it (littlecms, to sRGB) would change, and by how much at most.
"""

import hashlib
import io
import json
import struct
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageCms

HERE = Path(__file__).resolve().parent

D50 = np.array([0.9642, 1.0, 0.8249])
BRADFORD = np.array(
    [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]]
)


def xyz(x: float, y: float) -> np.ndarray:
    return np.array([x / y, 1.0, (1 - x - y) / y])


def rgb_to_pcs_matrix(primaries: list[tuple[float, float]], white: tuple[float, float]) -> np.ndarray:
    """Columns: the red, green and blue colorants in the D50 PCS (ICC's rXYZ, gXYZ, bXYZ)."""
    colorants = np.stack([xyz(*p) for p in primaries], axis=1)
    white_xyz = xyz(*white)
    scaled = colorants * np.linalg.solve(colorants, white_xyz)
    cone_src, cone_dst = BRADFORD @ white_xyz, BRADFORD @ D50
    adapt = np.linalg.inv(BRADFORD) @ np.diag(cone_dst / cone_src) @ BRADFORD
    return adapt @ scaled


def s15(value: float) -> bytes:
    return struct.pack(">i", int(round(value * 65536)))


def xyz_tag(values) -> bytes:
    return b"XYZ " + bytes(4) + b"".join(s15(v) for v in values)


def desc_tag(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    return (
        b"desc"
        + bytes(4)
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + struct.pack(">II", 0, 0)  # no Unicode description
        + struct.pack(">HB", 0, 0)  # no ScriptCode description
        + bytes(67)
    )


def icc_profile(description: str, matrix: np.ndarray, gamma: float) -> bytes:
    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, int(round(gamma * 256)))
    tags = [
        (b"desc", desc_tag(description)),
        (b"cprt", b"text" + bytes(4) + b"No copyright, use freely\0"),
        (b"wtpt", xyz_tag(D50)),
        (b"rXYZ", xyz_tag(matrix[:, 0])),
        (b"gXYZ", xyz_tag(matrix[:, 1])),
        (b"bXYZ", xyz_tag(matrix[:, 2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body + bytes(-len(body) % 4)
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + bytes(4)  # preferred CMM
        + struct.pack(">I", 0x02100000)  # version 2.1
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + bytes(4 + 4 + 4 + 4 + 8)  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual
        + b"".join(s15(v) for v in D50)
        + bytes(4 + 16 + 28)  # creator, profile ID, reserved
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def main() -> None:
    adobe = rgb_to_pcs_matrix([(0.64, 0.33), (0.21, 0.71), (0.15, 0.06)], (0.3127, 0.3290))
    profile = icc_profile("Adobe RGB (1998) compatible, Edgepack test profile", adobe, 563 / 256)
    # littlecms must accept it, and it must really differ from sRGB.
    parsed = ImageCms.ImageCmsProfile(io.BytesIO(profile))
    assert ImageCms.getProfileDescription(parsed).startswith("Adobe RGB")

    bus = Image.open(HERE / "bus.jpg").convert("RGB")
    bus.resize((405, 540), Image.Resampling.BILINEAR).save(
        HERE / "icc-adobe-rgb.jpg", quality=90, icc_profile=profile
    )
    bus.resize((96, 128), Image.Resampling.BILINEAR).save(HERE / "icc-adobe-rgb.png", icc_profile=profile)

    srgb = ImageCms.createProfile("sRGB")
    expected = {"cv2": cv2.__version__, "profile_sha256": hashlib.sha256(profile).hexdigest(), "files": {}}
    for name in ["icc-adobe-rgb.jpg", "icc-adobe-rgb.png", "bus.jpg", "zidane.jpg"]:
        bgr = cv2.imread(str(HERE / name))
        h, w = bgr.shape[:2]
        points = [(0, 0), (h // 2, w // 2), (h - 1, w - 1), (h // 3, 2 * w // 3)]
        entry = {
            "shape": list(bgr.shape),
            "bgr_sha256": hashlib.sha256(bgr.tobytes()).hexdigest(),
            "samples": [{"y": y, "x": x, "bgr": bgr[y, x].tolist()} for y, x in points],
        }
        stored = Image.open(HERE / name)
        if name.startswith("icc-"):
            assert stored.info["icc_profile"] == profile
            # cv2 returns the stored values: the decoded pixels with no colour management.
            assert np.array_equal(bgr[..., ::-1], np.asarray(stored.convert("RGB")))
            managed = np.asarray(ImageCms.profileToProfile(stored.convert("RGB"), parsed, srgb))
            changed = np.abs(managed.astype(int) - bgr[..., ::-1].astype(int)).max(axis=2)
            # For the record: what converting through the profile would do instead.
            entry["colour_managed"] = {
                "pixels_changed": round(float((changed > 0).mean()), 3),
                "max_levels": int(changed.max()),
            }
        else:
            assert "icc_profile" not in stored.info
        expected["files"][name] = entry
    (HERE / "icc-expected.json").write_text(json.dumps(expected, indent=2) + "\n")


if __name__ == "__main__":
    main()
