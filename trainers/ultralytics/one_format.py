"""One format of a job: run its exporter, describe the artifact (its metadata.json document), check it against
PyTorch. The job writes the one metadata.json from every format's document (trainers/common/metadata.py)."""

from __future__ import annotations

from trainers.common import errors
from trainers.common.errors import ExportError
from trainers.common.metadata import build_metadata, embedded_copy, sha256_file, toolchain_versions
from trainers.common.protocol import Protocol
from trainers.common.registry import FormatOutcome, FormatSpec, artifact_size, remove_path, run_format

from .checkpoint import class_names
from .context import ExportContext


def _format_result(outcome: FormatOutcome, parity: dict | None) -> dict:
    structural = outcome.extra.get("structural")
    if outcome.status == "failed":
        status = "failed"
    elif parity is None and structural is not None:  # cannot run here: checked structurally (CoreML, TensorRT)
        status = structural["status"] if structural["passed"] else "failed_parity"
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
        "note": structural["note"] if structural else None,
        "checks": structural["checks"] if structural else None,
        "calibration": outcome.extra.get("calibration"),  # INT8: what it was calibrated on, and any warning
    }


def _source(checkpoint, card: dict) -> dict:
    return {
        "checkpoint": checkpoint.name,
        "sha256": sha256_file(checkpoint),
        "bytes": checkpoint.stat().st_size,
        "imgsz": card["imgsz"],
        "architecture": card["details"].get("architecture"),
        "ultralytics_version": card["details"].get("ultralytics_version"),
    }


def export_one_format(
    spec: FormatSpec, ctx: ExportContext, settings, card: dict, protocol: Protocol, span: tuple
) -> tuple[dict, dict | None]:
    """(the format's result, its metadata.json document — None when it produced no model)."""
    start, end = span
    protocol.progress(spec.id, start, f"exporting {spec.label}")
    outcome = run_format(spec, ctx, lambda level, msg: protocol.log(msg, level))
    if outcome.status == "failed":
        return _format_result(outcome, None), None
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
        io=_describe_io(spec, ctx, outcome.path),
        precision=ctx.precision,
        export_options={**ctx.export_options, "imgsz": ctx.imgsz, **ctx.optimization_options},
        source=_source(settings.checkpoint, card),
        nms_embedded=bool(ctx.export_options.get("nms")) and task != "classify",
        end2end=bool(getattr(model, "end2end", False)),
        kpt_shape=[int(k) for k in head.kpt_shape] if task == "pose" else None,
        kpt_names=getattr(model, "kpt_names", None) if task == "pose" else None,
        toolchain=toolchain_versions(),
    )
    meta["quantization"]["calibration"] = ctx.calibration
    # Calibrated on images: the result says on which. CoreML's weight-only INT8 (images: 0) has nothing to show there;
    # metadata.json still describes its method.
    outcome.extra["calibration"] = ctx.calibration if ctx.calibration and ctx.calibration.get("images") else None
    if spec.embed_metadata:
        spec.embed_metadata(outcome.path, embedded_copy(meta))
        outcome.bytes = artifact_size(outcome.path)
    parity = None
    if spec.structural_check:
        outcome.extra["structural"] = spec.structural_check(outcome.path)
        outcome.bytes = artifact_size(outcome.path)  # loading a package may add to it (coremltools does)
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
            remove_path(outcome.path)
            outcome.path = None
            outcome.bytes = None
            return _format_result(outcome, None), None
        verdict = "passed" if parity["passed"] else "FAILED"
        protocol.log(
            f"{spec.label} parity {verdict}: max_abs={parity['max_abs']}, box_match={parity['box_match']}, "
            f"top1={parity['top1_agreement']}, latency {parity['latency_ms']} ms"
        )
    meta["validation"] = _validation_block(spec, parity)  # null: not run here; the structural checks say what was
    if outcome.extra.get("structural"):
        meta["export"]["structural_checks"] = outcome.extra["structural"]
    return _format_result(outcome, parity), meta


def _describe_io(spec: FormatSpec, ctx: ExportContext, path) -> dict:
    if not spec.describe_io:
        return {"input": {}, "outputs": []}
    if spec.describe_io_from_reference:
        _inputs, _names, reference_outputs = ctx.reference.get(ctx.imgsz)
        return spec.describe_io(path, [list(o.shape) for o in reference_outputs[0]])
    return spec.describe_io(path)


def _validation_block(spec: FormatSpec, parity: dict | None) -> dict | None:
    if parity is None:
        return None
    return {"runtime": spec.runtime, "latency_ms": parity.get("latency_ms"), "parity": parity}


def refused_result(error: ExportError) -> dict:
    """A format of a multi-format job that cannot take the job's options (e.g. INT8 TorchScript): not run."""
    return _format_result(FormatOutcome("", "failed", error=error), None)
