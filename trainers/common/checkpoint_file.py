"""Recognise what a dropped file is — before anything unpickles it — and list the globals its pickles import.

Gives a specific error for the usual wrong drops: a missing file, a folder, an empty file, text, an image, an ONNX /
safetensors / Keras / TFLite file, a zip that is not a checkpoint, and a checkpoint cut short (truncated download).
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

from . import errors
from .errors import ExportError
from .picklescan import ScanReport, pickle_globals, pickle_stream_globals, report

EXPECTED = "an Ultralytics YOLO checkpoint (.pt), e.g. runs/detect/train/weights/best.pt"
DROP_HINT = f"Drop {EXPECTED}."

IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"BM": "a BMP image",
    b"%PDF": "a PDF document",
    b"\x89HDF\r\n\x1a\n": "an HDF5 file (Keras/TensorFlow weights)",
}

# The legacy (non-zip) torch.save writes 5 pickles: magic number, protocol, sys info, the object, storage keys.
LEGACY_TORCH_PICKLES = 5


def _describe_binary(head: bytes) -> str | None:
    for magic, what in IMAGE_MAGIC.items():
        if head.startswith(magic):
            return what
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if head[4:8] == b"TFL3":
        return "a TensorFlow Lite model"
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(c.isprintable() or c in "\r\n\t" for c in text)
    return printable >= 0.95 * max(len(text), 1)


def check_file(path: Path) -> None:
    """Raise a specific ExportError unless `path` is an existing, non-empty file."""
    if not path.exists():
        raise ExportError(
            errors.CHECKPOINT_NOT_FOUND,
            f"Checkpoint not found: {path}",
            "Check the path; if the file was moved or deleted, add it again from its new location.",
        )
    if path.is_dir():
        raise ExportError(errors.NOT_A_CHECKPOINT, f"{path} is a folder, not a checkpoint file.", DROP_HINT)
    if path.stat().st_size == 0:
        raise ExportError(errors.NOT_A_CHECKPOINT, f"{path.name} is empty (0 bytes).", DROP_HINT)


def scan_checkpoint(path: str | Path) -> ScanReport:
    """Identify the file and list the globals of its pickles. Never unpickles anything."""
    path = Path(path)
    check_file(path)
    with open(path, "rb") as fh:
        head = fh.read(512)
    suffix = path.suffix.lower()
    if suffix == ".onnx":
        raise ExportError(
            errors.WRONG_FRAMEWORK,
            f"{path.name} is already an ONNX model, not a PyTorch checkpoint.",
            "Add it as an ONNX model instead; it needs no export. To export other formats, drop the .pt it came from.",
        )
    if suffix == ".safetensors" or (len(head) > 9 and head[8:9] == b"{" and b'"dtype"' in head):
        raise ExportError(
            errors.WRONG_FRAMEWORK,
            f"{path.name} is a safetensors weights file: weights without the model architecture.",
            DROP_HINT,
        )
    what = _describe_binary(head)
    if what:
        raise ExportError(errors.NOT_A_CHECKPOINT, f"{path.name} is {what}, not a model checkpoint.", DROP_HINT)
    refuse_ambiguous_archive(path)
    if head.startswith(b"PK"):
        return _scan_zip(path)
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return _scan_legacy(path)
    if _looks_like_text(head):
        first = head.decode("utf-8", "replace").strip().splitlines()[0][:60] if head.strip() else ""
        raise ExportError(
            errors.NOT_A_CHECKPOINT,
            f"{path.name} is a text file (it starts with {first!r}), not a model checkpoint.",
            DROP_HINT,
        )
    raise ExportError(
        errors.NOT_A_CHECKPOINT,
        f"{path.name} is not a PyTorch checkpoint (unrecognised binary format).",
        DROP_HINT,
    )


def _ambiguous(path: Path, what: str) -> ExportError:
    return ExportError(
        errors.UNSAFE_PICKLE,
        f"{path.name} {what}. It was not loaded.",
        "A checkpoint saved by torch.save is a plain zip with unique names. Readers disagree on which copy such a "
        "file holds, which is how a payload hides from a check: re-save the model with a current PyTorch/Ultralytics, "
        "or get it again from its source.",
        {"unsafe_globals": []},
    )


def refuse_ambiguous_archive(path: Path) -> None:
    """Refuse files that different readers read differently: torch's legacy tar format, tar/zip polyglots, and zip
    archives with duplicate or case-colliding member names."""
    if tarfile.is_tarfile(path):
        raise _ambiguous(path, "is a tar archive (PyTorch's legacy tar format, or a tar/zip polyglot)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the legacy pickle stream, or a damaged file that the scan describes
    with open(path, "rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            raise _ambiguous(path, "is a zip archive with other data before it (a polyglot file)")
    seen: dict[str, str] = {}
    for name in names:
        folded = name.casefold()
        if folded in seen:
            what = "the same name twice" if seen[folded] == name else f"names differing only by case ({seen[folded]})"
            raise _ambiguous(path, f"holds {what}: {name}")
        seen[folded] = name


def _truncated(path: Path, why: str) -> ExportError:
    return ExportError(
        errors.CHECKPOINT_TRUNCATED,
        f"{path.name} is damaged or incomplete ({why}); {path.stat().st_size} bytes on disk.",
        "The copy was probably cut short (interrupted download or copy). Copy the checkpoint again from its source.",
    )


def _scan_zip(path: Path) -> ScanReport:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise _truncated(path, f"zip directory unreadable: {exc}") from exc
    with archive:
        names = archive.namelist()
        pickles = [n for n in names if n.endswith(".pkl")]
        if not any(n.endswith("data.pkl") for n in pickles):
            raise ExportError(
                errors.NOT_A_CHECKPOINT,
                f"{path.name} is a zip archive but not a PyTorch checkpoint (no data.pkl inside).",
                DROP_HINT,
            )
        try:
            bad = archive.testzip()  # CRC of every member: catches truncated or corrupted tensors
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _truncated(path, f"cannot read members: {exc}") from exc
        if bad is not None:
            raise _truncated(path, f"member {bad} fails its checksum")
        found: set[str] = set()
        for name in pickles:
            try:
                found |= pickle_globals(archive.read(name))
            except ValueError as exc:
                raise _truncated(path, f"{name} is cut short: {exc}") from exc
    return report(found, pickles)


def _scan_legacy(path: Path) -> ScanReport:
    with open(path, "rb") as fh:
        try:
            found = pickle_stream_globals(fh, LEGACY_TORCH_PICKLES)
        except ValueError as exc:
            raise _truncated(path, f"pickle stream cut short: {exc}") from exc
    return report(found, ["<legacy torch.save stream>"])
