"""INT8 calibration images: the person's folder, the sample photos when none is given (with a warning), bad folders.

The INT8 exports around them (sample photos, empty and broken folders) are in test_precisions.py."""

from __future__ import annotations

import pytest

from trainers.common.calibration import RECOMMENDED, calibration_batches, calibration_set
from trainers.common.errors import ExportError

from .conftest import FIXTURES

CALIB = FIXTURES / "images"


def test_no_folder_falls_back_to_the_sample_photos_with_a_warning():
    chosen = calibration_set(None)
    assert chosen.sample_photos
    assert {p.name for p in chosen.files} >= {"bus.jpg", "zidane.jpg"}
    assert chosen.folder.name == "assets" and chosen.folder.parent.name == "ultralytics"
    assert "sample photos" in chosen.warning and str(RECOMMENDED) in chosen.warning
    assert chosen.record()["warning"] == chosen.warning and chosen.record()["images"] == len(chosen.files)


def test_a_small_folder_is_used_with_a_warning_and_a_large_one_without(tmp_path):
    small = calibration_set(str(CALIB))
    assert not small.sample_photos and small.folder == CALIB.resolve()
    assert len(small.files) == len(list(CALIB.glob("*.png")))
    assert f"only {len(small.files)} calibration images" in small.warning
    for i in range(RECOMMENDED):
        (tmp_path / f"{i:02}.png").write_bytes((CALIB / "shapes-1.png").read_bytes())
    assert calibration_set(str(tmp_path)).warning is None


def test_a_folder_that_does_not_exist_is_named(tmp_path):
    with pytest.raises(ExportError, match="Calibration folder not found") as raised:
        calibration_set(str(tmp_path / "nowhere"))
    assert str(tmp_path / "nowhere") in raised.value.message and "existing folder" in raised.value.hint


def test_a_folder_without_images_says_what_to_put_in_it(tmp_path):
    (tmp_path / "notes.txt").write_text("no pictures")
    with pytest.raises(ExportError, match="No images in the calibration folder") as raised:
        calibration_set(str(tmp_path))
    assert ".jpg" in raised.value.hint


def test_a_broken_image_is_named_with_its_folder(tmp_path):
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(ExportError, match=r"broken\.jpg") as raised:
        calibration_batches(calibration_set(str(tmp_path)).files, (64, 64), "detect")
    assert "Remove or replace" in raised.value.hint and str(tmp_path) in raised.value.hint
