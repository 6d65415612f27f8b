"""One export job: scan → load → per format (export → parity) → metadata.json → result."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from trainers.common import errors
from trainers.common.checkpoint_file import scan_checkpoint
from trainers.common.errors import ExportError
from trainers.common.metadata import sha256_file
from trainers.common.picklescan import ScanReport
from trainers.common.protocol import Protocol
from trainers.common.registry import get_format, resolve_job_options

from .checkpoint import LoadedCheckpoint, check_scan, class_names, describe, load_checkpoint, train_imgsz
from .context import ExportContext
from .one_format import export_one_format, refused_result
from .reference import ReferenceOutputs

EXPORT_SPAN = (0.15, 0.92)  # progress fraction range shared by the formats


@dataclass
class JobSettings:
    job_id: str
    formats: list[str]
    checkpoint: Path
    export_config: dict = field(default_factory=dict)
    optimization_config: dict = field(default_factory=dict)
    output_dir: Path | None = None
    trust_unsafe: bool = False


def precheck(settings: JobSettings, protocol: Protocol) -> ScanReport:
    """Everything that needs no torch: options, output folder, what the file is and what its pickle imports.
    Runs before Ultralytics is imported, so a wrong drop is answered in a fraction of a second."""
    resolve_job_options([get_format(f) for f in settings.formats], settings.export_config, settings.optimization_config)
    protocol.progress("scan", 0.02, f"checking {settings.checkpoint.name}")
    scan = scan_checkpoint(settings.checkpoint)
    protocol.log(f"pickle globals: {len(scan.globals)}, outside the allowlist: {len(scan.unsafe)}")
    check_scan(settings.checkpoint, scan, settings.trust_unsafe)
    if settings.formats:
        _prepare_output(settings.output_dir)
    return scan


def load(settings: JobSettings, protocol: Protocol, work_dir: Path, scan: ScanReport) -> LoadedCheckpoint:
    protocol.progress("load", 0.08, "loading the checkpoint with Ultralytics")
    loaded = load_checkpoint(settings.checkpoint, work_dir, settings.trust_unsafe, scan)
    protocol.log(f"loaded a {loaded.task} model with {len(class_names(loaded.yolo))} classes")
    return loaded


def inspect(settings: JobSettings, protocol: Protocol, scan: ScanReport) -> dict:
    with tempfile.TemporaryDirectory(prefix="edgepack-inspect-") as tmp:
        loaded = load(settings, protocol, Path(tmp), scan)
        model = describe(loaded)
    model["sha256"] = sha256_file(settings.checkpoint)
    model["bytes"] = settings.checkpoint.stat().st_size
    protocol.progress("done", 1.0)
    return {"model": model}


def _export_imgsz(loaded: LoadedCheckpoint, export_options: dict, log) -> list[int]:
    stride = int(max(loaded.yolo.model.stride)) if hasattr(loaded.yolo.model, "stride") else 32
    if export_options.get("imgsz"):
        size = int(export_options["imgsz"])
        rounded = -(-size // stride) * stride
        if rounded != size:
            log("warning", f"imgsz {size} is not a multiple of the model stride {stride}; using {rounded}")
        return [rounded, rounded]
    return train_imgsz(loaded)


def _prepare_output(output_dir: Path | None) -> Path:
    if output_dir is None:
        raise ExportError(
            errors.INVALID_CONFIG,
            "No output folder given.",
            "Set OUTPUT_DIR or pass --output-dir.",
        )
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        probe = output_dir / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise ExportError(
            errors.OUTPUT_NOT_WRITABLE,
            f"Cannot write to the output folder {output_dir}: {exc.strerror or exc}",
            "Choose a folder you can write to, with free space.",
        ) from exc
    return output_dir


def export(settings: JobSettings, protocol: Protocol, scan: ScanReport) -> dict:
    specs = [get_format(f) for f in settings.formats]
    resolved, refused = resolve_job_options(specs, settings.export_config, settings.optimization_config)
    output_dir = _prepare_output(settings.output_dir)
    existing = set(output_dir.iterdir())
    work_dir = Path(tempfile.mkdtemp(prefix=".work-", dir=output_dir))
    reference: ReferenceOutputs | None = None
    try:
        loaded = load(settings, protocol, work_dir, scan)
        card = describe(loaded)
        reference = ReferenceOutputs(loaded)
        imgsz = {
            s.id: _export_imgsz(loaded, resolved[s.id][0], lambda lvl, m: protocol.log(m, lvl))
            for s in specs
            if s.id in resolved
        }
        for size in imgsz.values():
            reference.start(size)
        formats: dict[str, dict] = {}
        share = (EXPORT_SPAN[1] - EXPORT_SPAN[0]) / len(specs)
        for i, spec in enumerate(specs):
            if spec.id in refused:  # this format cannot take the job's options: said on its own, nothing run
                protocol.log(f"{spec.label} skipped: {refused[spec.id].message}", "warning")
                formats[spec.id] = refused_result(refused[spec.id])
                continue
            export_options, optimization_options = resolved[spec.id]
            if loaded.task not in spec.tasks:
                raise ExportError(
                    errors.UNSUPPORTED_TASK,
                    f"{spec.label} export does not support {loaded.task} models.",
                    f"{spec.label} supports: {', '.join(spec.tasks)}.",
                )
            ctx = ExportContext(
                loaded=loaded,
                output_dir=output_dir,
                work_dir=work_dir,
                export_options=export_options,
                optimization_options=optimization_options,
                imgsz=imgsz[spec.id],
                log=lambda level, message: protocol.log(message, level),
                reference=reference,
            )
            span = (EXPORT_SPAN[0] + i * share, EXPORT_SPAN[0] + (i + 1) * share)
            formats[spec.id] = export_one_format(spec, ctx, settings, card, protocol, span)
    except BaseException:  # cancelled or crashed: nothing half-written may look like a result
        for path in set(output_dir.iterdir()) - existing:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        raise
    finally:
        if reference:
            reference.close()
        shutil.rmtree(work_dir, ignore_errors=True)
    first_meta = next((r["metadata"] for r in formats.values() if r.get("metadata")), None)
    protocol.progress("done", 1.0)
    return {"job_id": settings.job_id, "model": card, "formats": formats, "metadata": first_meta}
