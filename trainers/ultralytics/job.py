"""One export job: scan → load → per format (export → parity) → metadata.json (one per export) → result."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from trainers.common import errors
from trainers.common.checkpoint_file import scan_checkpoint
from trainers.common.errors import ExportError
from trainers.common.metadata import METADATA_FILE, metadata_file, sha256_file, write_metadata
from trainers.common.picklescan import ScanReport
from trainers.common.protocol import Protocol
from trainers.common.registry import FormatSpec, get_format, resolve_job_options

from .accuracy_job import ValidationSettings, check_dataset, record, runnable_files, validate_files
from .checkpoint import LoadedCheckpoint, check_scan, class_names, describe, export_imgsz, load_checkpoint
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
    validation: ValidationSettings | None = None  # measure accuracy on this dataset after the export


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


@dataclass
class PreparedJob:
    """The output folder, scratch space and one context per format, made before the checkpoint is loaded."""

    specs: list[FormatSpec]
    refused: dict[str, ExportError]
    contexts: dict[str, ExportContext]
    output_dir: Path
    existing: set[Path]
    work_dir: Path

    def start_formats(self) -> None:
        for spec in self.specs:
            if spec.start and spec.id in self.contexts:
                spec.start(self.contexts[spec.id])

    def cancel_started(self) -> None:
        for ctx in self.contexts.values():
            if hasattr(ctx.started, "cancel"):
                ctx.started.cancel()


def begin(settings: JobSettings, protocol: Protocol, scan: ScanReport) -> PreparedJob:
    """Runs before Ultralytics is imported here: a format that converts in another environment (TFLite) starts now,
    so its interpreter start, imports and checkpoint load overlap this process's."""
    specs = [get_format(f) for f in settings.formats]
    resolved, refused = resolve_job_options(specs, settings.export_config, settings.optimization_config)
    output_dir = _prepare_output(settings.output_dir)
    existing = set(output_dir.iterdir())
    work_dir = Path(tempfile.mkdtemp(prefix=".work-", dir=output_dir))
    contexts = {
        spec.id: ExportContext(
            checkpoint=settings.checkpoint,
            scan=scan,
            output_dir=output_dir,
            work_dir=work_dir,
            export_options=resolved[spec.id][0],
            optimization_options=resolved[spec.id][1],
            log=lambda level, message: protocol.log(message, level),
            trust_unsafe=settings.trust_unsafe,
        )
        for spec in specs
        if spec.id in resolved
    }
    job = PreparedJob(specs, refused, contexts, output_dir, existing, work_dir)
    try:
        job.start_formats()
    except BaseException:
        abandon(job)
        raise
    return job


def abandon(job: PreparedJob) -> None:
    """Cancelled or crashed: stop what was started; nothing half-written may look like a result."""
    job.cancel_started()
    for path in set(job.output_dir.iterdir()) - job.existing:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def export(settings: JobSettings, protocol: Protocol, scan: ScanReport, job: PreparedJob) -> dict:
    reference: ReferenceOutputs | None = None
    try:
        loaded = load(settings, protocol, job.work_dir, scan)
        card = describe(loaded)
        checked = _check_validation_data(settings, loaded, job.work_dir, protocol)  # bad data: refused before exporting
        reference = ReferenceOutputs(loaded)
        for ctx in job.contexts.values():
            ctx.loaded, ctx.reference = loaded, reference
            ctx.imgsz = export_imgsz(loaded, ctx.export_options.get("imgsz"), ctx.log)
            reference.start(ctx.imgsz)
        job.start_formats()  # those that needed the loaded model
        formats: dict[str, dict] = {}
        documents: list[dict] = []
        share = (EXPORT_SPAN[1] - EXPORT_SPAN[0]) / len(job.specs)
        for i, spec in enumerate(job.specs):
            if spec.id in job.refused:  # this format cannot take the job's options: said on its own, nothing run
                protocol.log(f"{spec.label} skipped: {job.refused[spec.id].message}", "warning")
                formats[spec.id] = refused_result(job.refused[spec.id])
                continue
            if loaded.task not in spec.tasks:
                raise ExportError(
                    errors.UNSUPPORTED_TASK,
                    f"{spec.label} export does not support {loaded.task} models.",
                    f"{spec.label} supports: {', '.join(spec.tasks)}.",
                )
            span = (EXPORT_SPAN[0] + i * share, EXPORT_SPAN[0] + (i + 1) * share)
            formats[spec.id], document = export_one_format(spec, job.contexts[spec.id], settings, card, protocol, span)
            if document is not None:
                documents.append(document)
        meta_path = _write_metadata_file(job.output_dir, documents, formats, protocol)
        validation = _validate(settings, checked, loaded, documents, job, protocol) if checked and meta_path else None
    except BaseException:
        abandon(job)
        raise
    finally:
        job.cancel_started()
        if reference:
            reference.close()
        shutil.rmtree(job.work_dir, ignore_errors=True)
    protocol.progress("done", 1.0)
    result = {"job_id": settings.job_id, "model": card, "formats": formats, "metadata": meta_path}
    return result | ({"validation": validation} if validation else {})


def _check_validation_data(settings: JobSettings, loaded: LoadedCheckpoint, work_dir: Path, protocol: Protocol):
    if settings.validation is None:
        return None
    head = loaded.yolo.model.model[-1]
    kpt_shape = [int(k) for k in head.kpt_shape] if loaded.task == "pose" else None
    names = class_names(loaded.yolo)
    return check_dataset(settings.validation, loaded.task, names, kpt_shape, work_dir, protocol)


def _validate(settings, checked, loaded, documents: list[dict], job: PreparedJob, protocol: Protocol) -> dict:
    """Accuracy of the PyTorch model and every runnable export, recorded in metadata.json."""
    files = runnable_files(job.output_dir, documents)
    span = (EXPORT_SPAN[1], 0.99)
    pytorch = loaded.yolo
    summary = validate_files(checked, loaded.task, pytorch, files, settings.checkpoint, protocol, job.work_dir, span)
    record(job.output_dir / METADATA_FILE, summary)
    return summary


def _write_metadata_file(output_dir: Path, documents: list[dict], formats: dict, protocol: Protocol) -> str | None:
    """The export's one metadata.json: every format that produced a model, the first one at the top level."""
    if not documents:
        return None
    protocol.progress("metadata", EXPORT_SPAN[1], f"writing {METADATA_FILE}")
    path = str(write_metadata(metadata_file(documents), output_dir / METADATA_FILE))
    for document in documents:
        formats[document["format"]]["metadata"] = path
        protocol.artifact(document["format"], path, "metadata")
    return path
