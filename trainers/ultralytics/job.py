"""One export job: scan → load → per format (export → parity) → metadata.json → result."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from trainers.common import errors
from trainers.common.checkpoint_file import scan_checkpoint
from trainers.common.errors import ExportError
from trainers.common.metadata import build_metadata, sha256_file, toolchain_versions, write_metadata
from trainers.common.picklescan import ScanReport
from trainers.common.protocol import Protocol
from trainers.common.registry import FormatOutcome, FormatSpec, get_format, resolve_options, run_format

from .checkpoint import LoadedCheckpoint, check_scan, class_names, describe, load_checkpoint, train_imgsz
from .context import ExportContext

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
    for fmt in settings.formats:
        resolve_options(get_format(fmt), settings.export_config, settings.optimization_config)
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


def _format_result(outcome: FormatOutcome, parity: dict | None) -> dict:
    if outcome.status == "failed":
        status = "failed"
    elif parity is None:
        status = "not_runnable"
    else:
        status = "passed" if parity.get("passed") else "failed_parity"
    return {
        "status": status,
        "path": str(outcome.path) if outcome.path else None,
        "bytes": outcome.bytes,
        "parity": {k: v for k, v in parity.items() if k != "latency_ms"} if parity else None,
        "latency_ms": parity.get("latency_ms") if parity else None,
        "duration_ms": outcome.duration_ms,
        "error": outcome.error.to_dict() if outcome.error else None,
        "metadata": outcome.extra.get("metadata"),
    }


def _source(settings: JobSettings, loaded: LoadedCheckpoint, card: dict) -> dict:
    return {
        "checkpoint": settings.checkpoint.name,
        "sha256": sha256_file(settings.checkpoint),
        "bytes": settings.checkpoint.stat().st_size,
        "imgsz": card["imgsz"],
        "architecture": card["details"].get("architecture"),
        "ultralytics_version": card["details"].get("ultralytics_version"),
    }


def _one_format(
    spec: FormatSpec, ctx: ExportContext, settings: JobSettings, card: dict, protocol: Protocol, span: tuple
) -> dict:
    start, end = span
    protocol.progress(spec.id, start, f"exporting {spec.label}")
    outcome = run_format(spec, ctx, lambda level, msg: protocol.log(msg, level))
    if outcome.status == "failed":
        return _format_result(outcome, None)
    protocol.artifact(spec.id, outcome.path, "model")
    task = ctx.loaded.task
    names = class_names(ctx.loaded.yolo)
    model = ctx.loaded.yolo.model
    head = model.model[-1]
    meta = build_metadata(
        fmt=spec.id,
        artifact=outcome.path,
        task=task,
        names=names,
        stride=int(max(model.stride)),
        io=spec.describe_io(outcome.path) if spec.describe_io else {"input": {}, "outputs": []},
        precision=ctx.precision,
        export_options={**ctx.export_options, "imgsz": ctx.imgsz, **ctx.optimization_options},
        source=_source(settings, ctx.loaded, card),
        nms_embedded=bool(ctx.export_options.get("nms")) and task != "classify",
        end2end=bool(getattr(model, "end2end", False)),
        kpt_shape=[int(k) for k in head.kpt_shape] if task == "pose" else None,
        toolchain=toolchain_versions(),
    )
    meta["quantization"]["calibration"] = ctx.calibration
    if spec.embed_metadata:
        spec.embed_metadata(outcome.path, meta)
        outcome.bytes = outcome.path.stat().st_size
    parity = None
    if spec.load_runner:
        from .validation import validate  # imports torch: only once a model is loaded

        protocol.progress("parity", start + (end - start) * 0.6, f"checking {spec.label} against PyTorch")
        try:
            parity = validate(ctx, outcome.path, spec.load_runner)
        except Exception as exc:  # the artifact exists but cannot be run: that is a failed export, said plainly
            outcome.status = "failed"
            outcome.error = ExportError(
                errors.PARITY_FAILED,
                f"The exported {spec.label} model could not be run for the parity check: {type(exc).__name__}: {exc}",
                "See the log; try the default export options.",
            )
            outcome.path.unlink(missing_ok=True)
            outcome.path = None
            outcome.bytes = None
            return _format_result(outcome, None)
        verdict = "passed" if parity["passed"] else "FAILED"
        protocol.log(
            f"{spec.label} parity {verdict}: max_abs={parity['max_abs']}, box_match={parity['box_match']}, "
            f"top1={parity['top1_agreement']}, latency {parity['latency_ms']} ms"
        )
    protocol.progress("metadata", end - 0.01, "writing metadata.json")
    meta["validation"] = _validation_block(spec, parity)
    name = "metadata.json" if len(settings.formats) == 1 else f"metadata.{spec.id}.json"
    meta_path = write_metadata(meta, ctx.output_dir / name)
    protocol.artifact(spec.id, meta_path, "metadata")
    outcome.extra["metadata"] = str(meta_path)
    return _format_result(outcome, parity)


def _validation_block(spec: FormatSpec, parity: dict | None) -> dict | None:
    if parity is None:
        return None
    return {"runtime": spec.runtime, "latency_ms": parity.get("latency_ms"), "parity": parity}


def export(settings: JobSettings, protocol: Protocol, scan: ScanReport) -> dict:
    specs = [get_format(f) for f in settings.formats]
    resolved = {s.id: resolve_options(s, settings.export_config, settings.optimization_config) for s in specs}
    output_dir = _prepare_output(settings.output_dir)
    existing = set(output_dir.iterdir())
    work_dir = Path(tempfile.mkdtemp(prefix=".work-", dir=output_dir))
    try:
        loaded = load(settings, protocol, work_dir, scan)
        card = describe(loaded)
        formats: dict[str, dict] = {}
        share = (EXPORT_SPAN[1] - EXPORT_SPAN[0]) / len(specs)
        for i, spec in enumerate(specs):
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
                imgsz=_export_imgsz(loaded, export_options, lambda lvl, m: protocol.log(m, lvl)),
                log=lambda level, message: protocol.log(message, level),
            )
            span = (EXPORT_SPAN[0] + i * share, EXPORT_SPAN[0] + (i + 1) * share)
            formats[spec.id] = _one_format(spec, ctx, settings, card, protocol, span)
    except BaseException:  # cancelled or crashed: nothing half-written may look like a result
        for path in set(output_dir.iterdir()) - existing:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    first_meta = next((r["metadata"] for r in formats.values() if r.get("metadata")), None)
    protocol.progress("done", 1.0)
    return {"job_id": settings.job_id, "model": card, "formats": formats, "metadata": first_meta}


def callback(url: str, payload: dict, protocol: Protocol) -> None:
    """POST the final result (or error) to CALLBACK_URL, as the seed's Kubernetes Job does; never fatal."""
    import urllib.request

    body = json.dumps(payload, default=str).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            protocol.log(f"callback {url}: HTTP {response.status} in {time.perf_counter() - started:.2f} s")
    except Exception as exc:
        protocol.log(f"callback {url} failed: {exc}", "warning")
