"""The validation dataset's checks: each bad input a clear error naming the file (and line), before any model runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from trainers.common import errors
from trainers.common.dataset import checked_dataset, label_path
from trainers.common.errors import ExportError

NAMES = ["circle", "square", "triangle"]
BOX = "1 0.5 0.5 0.2 0.2"


def _dataset(root: Path, labels: dict[str, str | None], names=NAMES, val="images/val") -> Path:
    """images/val/<name>.png with labels/val/<name>.txt holding the given text (None: no label file)."""
    (root / "images" / "val").mkdir(parents=True)
    (root / "labels" / "val").mkdir(parents=True)
    for name, text in labels.items():
        (root / "images" / "val" / f"{name}.png").write_bytes(b"")  # the checks read labels only
        if text is not None:
            (root / "labels" / "val" / f"{name}.txt").write_text(text)
    data = root / "data.yaml"
    data.write_text(yaml.safe_dump({"path": str(root), "train": val, "val": val, "names": dict(enumerate(names))}))
    return data


def _refused(path, task="detect", names=NAMES, kpt_shape=None, accept_names=False) -> ExportError:
    with pytest.raises(ExportError) as caught:
        checked_dataset(path, task, names, kpt_shape, accept_names)
    return caught.value


def test_a_good_dataset_passes_and_is_handed_to_ultralytics_resolved(tmp_path):
    data = _dataset(tmp_path / "d", {"a": BOX, "b": "", "c": "0 0.1 0.1 0.9 0.1 0.5 0.9"})  # box, background, polygon
    dataset = checked_dataset(data, "detect", NAMES, None, False)
    assert [p.name for p in dataset.images] == ["a.png", "b.png", "c.png"]
    written = yaml.safe_load(dataset.ultralytics_data(NAMES, tmp_path / "out").read_text())
    assert written["val"] == [str(tmp_path / "d" / "images" / "val")] and written["names"] == dict(enumerate(NAMES))


def test_a_folder_with_images_and_labels_is_a_dataset(tmp_path):
    _dataset(tmp_path / "d", {"a": BOX})
    (tmp_path / "d" / "data.yaml").unlink()
    assert len(checked_dataset(tmp_path / "d", "detect", NAMES, None, False).images) == 1


def test_data_yaml_pointing_at_a_missing_folder_names_it(tmp_path):
    data = _dataset(tmp_path / "d", {"a": BOX}, val="images/validation")
    error = _refused(data)
    assert error.code == errors.DATASET_NOT_FOUND
    assert str(tmp_path / "d" / "images" / "validation") in error.message and "val" in error.message


def test_a_missing_dataset_and_a_folder_without_labels_are_named(tmp_path):
    assert _refused(tmp_path / "nowhere").code == errors.DATASET_NOT_FOUND
    (tmp_path / "f" / "images").mkdir(parents=True)
    error = _refused(tmp_path / "f")
    assert error.code == errors.DATASET_NOT_FOUND and str(tmp_path / "f" / "labels") in error.message


def test_an_empty_split_is_refused(tmp_path):
    error = _refused(_dataset(tmp_path / "d", {}))
    assert error.code == errors.DATASET_EMPTY and "no images" in error.message


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (f"{BOX}\n0 0.5 1.4 0.2 0.2\n", 2, "coordinate 1.4 is outside 0–1"),
        ("0 0.5 -0.1 0.2 0.2\n", 1, "coordinate -0.1 is outside 0–1"),
        (f"{BOX}\n{BOX}\n7 0.5 0.5 0.1 0.1\n", 3, "class id 7 is beyond the model's 3 classes"),
        ("cat 0.5 0.5 0.1 0.1\n", 1, "is not numbers"),
        ("0 0.5 0.5 0.1\n", 1, "4 values"),
        ("1.5 0.5 0.5 0.1 0.1\n", 1, "not a whole number"),
    ],
)
def test_a_bad_label_line_is_named_with_its_file_and_line(tmp_path, text, line, says):
    error = _refused(_dataset(tmp_path / "d", {"a": text}))
    labels = tmp_path / "d" / "labels" / "val" / "a.txt"
    assert error.code == errors.DATASET_INVALID
    assert f"{labels}:{line}: " in error.message and says in error.message
    assert len(error.details["problems"]) == 1


def test_an_image_without_a_label_file_is_named(tmp_path):
    error = _refused(_dataset(tmp_path / "d", {"a": BOX, "b": None}))
    assert error.code == errors.DATASET_INVALID
    assert str(tmp_path / "d" / "images" / "val" / "b.png") in error.message and "empty one" in error.message


def test_every_problem_is_collected_and_the_message_stays_readable(tmp_path):
    error = _refused(_dataset(tmp_path / "d", {f"i{n:02d}": "9 0.5 0.5 0.1 0.1" for n in range(30)}))
    assert len(error.details["problems"]) == 30 and "… and 10 more" in error.message


def test_segment_needs_polygons_and_pose_its_keypoints(tmp_path):
    assert "at least 3 x y points" in _refused(_dataset(tmp_path / "s", {"a": BOX}), "segment").message
    pose = _dataset(tmp_path / "p", {"a": "0 0.5 0.5 0.2 0.2 0.5 0.4 2 0.6 0.6 2"}, names=["triangle"])
    error = _refused(pose, "pose", ["triangle"], [3, 3])
    assert "a pose label has 5 + 3×3 = 14" in error.message
    pose_ok = _dataset(tmp_path / "q", {"a": "0 0.5 0.5 0.2 0.2" + " 0.5 0.4 2" * 3}, names=["triangle"])
    assert checked_dataset(pose_ok, "pose", ["triangle"], [3, 3], False).images


def test_class_names_that_differ_by_position_need_the_persons_confirmation(tmp_path):
    data = _dataset(tmp_path / "d", {"a": BOX}, names=["round", "square", "tri"])
    error = _refused(data)
    assert error.code == errors.CLASS_NAMES_MISMATCH and "--accept-names" in error.hint
    assert "0: dataset 'round' vs model 'circle'" in error.message and "2: dataset 'tri'" in error.message
    assert "square" not in error.message.split("model's:")[1].split(".")[0]  # only the differing positions
    assert checked_dataset(data, "detect", NAMES, None, True).names == ["round", "square", "tri"]


def test_a_different_number_of_classes_cannot_be_confirmed(tmp_path):
    data = _dataset(tmp_path / "d", {"a": "0 0.5 0.5 0.1 0.1"}, names=["person", "car"])
    error = _refused(data, accept_names=True)
    assert error.code == errors.CLASS_COUNT_MISMATCH and "cannot be matched by position" in error.message


def test_classify_folders_are_matched_by_name(tmp_path):
    for cls in ("circle", "triangle"):
        (tmp_path / "c" / "val" / cls).mkdir(parents=True)
        (tmp_path / "c" / "val" / cls / "1.png").write_bytes(b"")
    dataset = checked_dataset(tmp_path / "c", "classify", NAMES, None, False)
    assert dataset.names == ["circle", "triangle"] and len(dataset.images) == 2
    (tmp_path / "c" / "val" / "dog").mkdir()
    error = _refused(tmp_path / "c", "classify", accept_names=True)  # matched by name: no position to confirm
    assert error.code == errors.CLASS_NAMES_MISMATCH and "['dog']" in error.message
    (tmp_path / "e").mkdir()
    assert _refused(tmp_path / "e", "classify").code == errors.DATASET_EMPTY


def test_a_list_file_split_is_read_as_ultralytics_reads_it(tmp_path):
    data = _dataset(tmp_path / "d", {"a": BOX, "b": "9 0.5 0.5 0.1 0.1"}, val="val.txt")
    (tmp_path / "d" / "val.txt").write_text(f"./images/val/a.png\n{tmp_path}/d/images/val/b.png\n")
    error = _refused(data)
    assert len(error.details["problems"]) == 1 and "b.txt:1: class id 9" in error.message


def test_label_paths_follow_ultralytics(tmp_path):
    assert label_path(Path("/d/images/val/a.b.jpg")) == Path("/d/labels/val/a.b.txt")
