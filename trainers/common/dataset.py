"""A labelled validation set in Ultralytics' formats, checked before any model runs.

Accepted: a `data.yaml` (its `val` split), a folder with `images/` + `labels/` (detect, segment, pose), or a folder of
class sub-folders, or one holding `val/` (classify). Every problem is named with its file (and line): a missing
folder, an empty split, a label line that does not parse, a class id beyond the model's names, a coordinate outside
0–1, an image without a label file (an image with nothing in it needs an empty .txt, as Ultralytics writes them).

The result is a resolved `data.yaml` (absolute paths, the model's names) written for Ultralytics' validator, so what
was checked is exactly what is validated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from trainers.common import errors
from trainers.common.errors import ExportError

# Ultralytics' IMG_FORMATS (ultralytics/data/utils.py).
IMAGE_SUFFIXES = {
    ".avif", ".bmp", ".dng", ".heic", ".heif", ".jp2", ".jpeg", ".jpeg2000", ".jpg", ".mpo", ".png", ".tif", ".tiff",
    ".webp",
}  # fmt: skip
SHOWN_PROBLEMS = 20  # listed in the message; all of them are in details


@dataclass
class Dataset:
    task: str
    images: list[Path]
    names: list[str]  # the dataset's own class names
    source: Path  # what the person pointed at
    val: list[Path] = field(default_factory=list)  # folders or list files Ultralytics reads (detect/segment/pose)
    root: Path | None = None  # classify: the folder holding the class sub-folders

    def ultralytics_data(self, names: list[str], out_dir: Path, kpt_shape: list[int] | None = None) -> Path:
        """What Ultralytics' validator reads: a data.yaml for detect/segment/pose, a folder with val/ for classify."""
        out_dir.mkdir(parents=True, exist_ok=True)
        if self.task == "classify":  # Ultralytics reads the class names from train/ and would split a lone folder
            folder = out_dir / "classify"
            folder.mkdir(exist_ok=True)
            for split in ("train", "val"):
                if not (folder / split).exists():
                    (folder / split).symlink_to(self.root, target_is_directory=True)
            return folder
        config: dict = {"train": [str(p) for p in self.val], "val": [str(p) for p in self.val]}
        config["names"] = dict(enumerate(names))
        if kpt_shape:
            config["kpt_shape"] = list(kpt_shape)
        path = out_dir / "data.yaml"
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return path


def _error(code: str, message: str, hint: str, **details) -> ExportError:
    return ExportError(code, message, hint, details or None)


def _not_found(what: str, path: Path, hint: str) -> ExportError:
    return _error(errors.DATASET_NOT_FOUND, f"{what} {path} does not exist.", hint, path=str(path))


def load_dataset(path: str | Path, task: str) -> Dataset:
    """Find the validation images and the dataset's class names; structure problems raise at once."""
    source = Path(path).expanduser().resolve()
    if not source.exists():
        raise _not_found("The dataset", source, "Give a data.yaml or a folder with images/ and labels/.")
    if task == "classify":
        return _classify_dataset(source)
    if source.is_file():
        return _yaml_dataset(source, task)
    if (source / "data.yaml").is_file():
        return _yaml_dataset(source / "data.yaml", task)
    return _folder_dataset(source, task)


def _yaml_dataset(file: Path, task: str) -> Dataset:
    try:
        config = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise _error(errors.DATASET_INVALID, f"{file} is not valid YAML: {exc}", "Fix the file's syntax.") from None
    if not isinstance(config, dict):
        raise _error(errors.DATASET_INVALID, f"{file} holds no mapping.", "A data.yaml has path, val and names keys.")
    split = config.get("val") or config.get("validation")
    if not split:
        raise _error(
            errors.DATASET_INVALID, f"{file} has no 'val' key.", "Add `val: images/val` (the validation images)."
        )
    root = Path(str(config.get("path") or file.parent)).expanduser()
    if not root.is_absolute():
        root = (file.parent / root).resolve()
    if not root.is_dir():
        raise _not_found(f"The dataset root ('path' in {file.name})", root, "Fix 'path' in the data.yaml.")
    entries = [root / str(s) for s in (split if isinstance(split, list) else [split])]
    images: list[Path] = []
    for entry in entries:
        if not entry.exists():
            raise _not_found(f"The 'val' entry of {file.name}:", entry.resolve(), "Fix 'val' in the data.yaml.")
        images += _list_images(entry.resolve())
    names = _names_of(config, file)
    return Dataset(task, images, names, file, val=[e.resolve() for e in entries])


def _names_of(config: dict, file: Path) -> list[str]:
    names = config.get("names")
    if isinstance(names, dict):
        return [str(names[k]) for k in sorted(names, key=int)]
    if isinstance(names, list):
        return [str(n) for n in names]
    if isinstance(config.get("nc"), int):
        return [f"class_{i}" for i in range(config["nc"])]
    raise _error(errors.DATASET_INVALID, f"{file} has no 'names'.", "List the class names under `names:`.")


def _folder_dataset(folder: Path, task: str) -> Dataset:
    images_dir = folder / "images"
    if not images_dir.is_dir():
        raise _not_found("The folder", images_dir, "A dataset folder holds images/ and labels/ (or a data.yaml).")
    if not (folder / "labels").is_dir():
        raise _not_found("The folder", folder / "labels", "Put one .txt label file per image in labels/.")
    val = images_dir / "val" if (images_dir / "val").is_dir() else images_dir
    return Dataset(task, _list_images(val), [], folder, val=[val])


def _list_images(entry: Path) -> list[Path]:
    if entry.is_dir():
        return sorted(p for p in entry.rglob("*.*") if p.suffix.lower() in IMAGE_SUFFIXES)
    # A list file, read as Ultralytics reads it: "./x" is relative to the file's folder, anything else as written.
    lines = [line.strip() for line in entry.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(entry.parent / line[2:] if line.startswith("./") else Path(line)).resolve() for line in lines]


def _classify_dataset(source: Path) -> Dataset:
    if source.is_file():
        raise _error(
            errors.DATASET_INVALID,
            f"{source} is a file; a classification dataset is a folder of class sub-folders.",
            "Give the folder that holds one sub-folder per class (or a val/ folder of them).",
        )
    root = next((source / s for s in ("val", "test") if (source / s).is_dir()), source)
    classes = sorted(p for p in root.iterdir() if p.is_dir())
    if not classes:
        raise _error(
            errors.DATASET_EMPTY,
            f"{root} holds no class sub-folders.",
            "Put each class's images in a sub-folder named after the class.",
            path=str(root),
        )
    images = sorted(p for c in classes for p in c.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    return Dataset("classify", images, [c.name for c in classes], source, root=root)


def label_path(image: Path) -> Path:
    """Ultralytics' img2label_paths: the last /images/ becomes /labels/, the suffix .txt."""
    parts = str(image).rsplit("/images/", 1)
    return Path("/labels/".join(parts)).with_suffix(".txt")


def _check_line(fields: list[str], task: str, nc: int, kpt_shape: list[int] | None) -> str | None:
    """What is wrong with one label line, or None."""
    try:
        values = [float(v) for v in fields]
    except ValueError:
        return f"'{' '.join(fields)}' is not numbers"
    cls = values[0]
    if cls != int(cls) or cls < 0:
        return f"class id {fields[0]} is not a whole number ≥ 0"
    if int(cls) >= nc:
        return f"class id {int(cls)} is beyond the model's {nc} classes (0–{nc - 1})"
    coords = values[1:]
    if task == "pose":
        want = 4 + kpt_shape[0] * kpt_shape[1]
        if len(coords) != want:
            return f"{len(coords) + 1} values; a pose label has 5 + {kpt_shape[0]}×{kpt_shape[1]} = {want + 1}"
        ndim = kpt_shape[1]
        kpts = coords[4:]
        coords = coords[:4] + [v for i, v in enumerate(kpts) if ndim == 2 or i % 3 != 2]
    elif task == "segment":
        if len(coords) < 6 or len(coords) % 2:
            return f"{len(coords) + 1} values; a segment label is a class id and at least 3 x y points"
    elif len(coords) != 4 and (len(coords) < 6 or len(coords) % 2):
        return f"{len(coords) + 1} values; a detect label is a class id and x y w h (or a polygon)"
    outside = [v for v in coords if not 0.0 <= v <= 1.0]
    if outside:
        return f"coordinate {outside[0]:g} is outside 0–1 (labels are normalised by the image size)"
    return None


def check_labels(dataset: Dataset, nc: int, kpt_shape: list[int] | None = None) -> None:
    """Every image has a label file and every line parses, within the model's classes and 0–1. All problems are
    collected, the first SHOWN_PROBLEMS named in the message."""
    if not dataset.images:
        where = ", ".join(str(p) for p in dataset.val) or str(dataset.root)
        raise _error(
            errors.DATASET_EMPTY, f"The validation split has no images ({where}).", "Point at a split with images."
        )
    problems: list[str] = []
    if dataset.task == "classify":
        return
    for image in dataset.images:
        labels = label_path(image)
        if not labels.is_file():
            problems.append(f"{image}: no label file ({labels}); an image with no objects needs an empty one")
            continue
        for number, line in enumerate(labels.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if line.strip():
                wrong = _check_line(line.split(), dataset.task, nc, kpt_shape)
                if wrong:
                    problems.append(f"{labels}:{number}: {wrong}")
    if problems:
        shown = "\n".join(problems[:SHOWN_PROBLEMS])
        more = f"\n… and {len(problems) - SHOWN_PROBLEMS} more" if len(problems) > SHOWN_PROBLEMS else ""
        raise _error(
            errors.DATASET_INVALID,
            f"{len(problems)} problem(s) in the labels:\n{shown}{more}",
            "Fix these label files (Ultralytics' format: one object per line, class id then coordinates in 0–1).",
            problems=problems,
        )


def check_names(dataset: Dataset, model_names: list[str], accept_names: bool) -> None:
    """The dataset's class names must be the model's. When they differ but agree by position (same count), the
    person may confirm (accept_names) that class i is the same class in both."""
    if not dataset.names or dataset.names == model_names:
        return
    if dataset.task == "classify" and set(dataset.names) <= set(model_names):
        return  # class folders are matched to the model's classes by name (Ultralytics' ClassificationDataset)
    if dataset.task == "classify" and set(dataset.names) & set(model_names):
        unknown = sorted(set(dataset.names) - set(model_names))
        raise _error(
            errors.CLASS_NAMES_MISMATCH,
            f"Class folders {unknown} in {dataset.root} are not among the model's classes {model_names}.",
            "Name each class folder after one of the model's classes (folders are matched by name).",
            dataset_names=dataset.names,
            model_names=model_names,
        )
    pairs = enumerate(zip(dataset.names, model_names, strict=False))
    differ = [f"{i}: dataset '{a}' vs model '{b}'" for i, (a, b) in pairs if a != b]
    if len(dataset.names) != len(model_names):
        raise _error(
            errors.CLASS_COUNT_MISMATCH,
            f"The dataset has {len(dataset.names)} classes and the model {len(model_names)}: "
            f"they cannot be matched by position. Dataset: {dataset.names}; model: {model_names}.",
            "Validate with a dataset labelled for this model's classes.",
            dataset_names=dataset.names,
            model_names=model_names,
        )
    if not accept_names:
        raise _error(
            errors.CLASS_NAMES_MISMATCH,
            f"The dataset's class names differ from the model's: {'; '.join(differ)}.",
            "If class i means the same thing in both, confirm to continue (--accept-names): "
            "the model's names are used.",
            dataset_names=dataset.names,
            model_names=model_names,
        )


def checked_dataset(
    path: str | Path, task: str, model_names: list[str], kpt_shape: list[int] | None, accept_names: bool
) -> Dataset:
    dataset = load_dataset(path, task)
    check_names(dataset, model_names, accept_names)
    check_labels(dataset, len(model_names), kpt_shape)
    return dataset
