"""Parity of an exported artifact against the PyTorch model, plus its CPU latency and PyTorch's on the same inputs."""

from __future__ import annotations

from pathlib import Path

from trainers.common.parity import TimedRunner, check_parity

from .checkpoint import class_names
from .context import ExportContext


def validate(ctx: ExportContext, artifact: Path, load_runner) -> dict:
    """Parity figures + latency_ms for one exported artifact."""
    loaded = ctx.loaded
    task = loaded.task
    inputs, names, reference_outputs = ctx.reference.get(ctx.imgsz)
    by_input = {id(x): out for x, out in zip(inputs, reference_outputs, strict=True)}
    run = load_runner(artifact)
    exported = TimedRunner(run)
    nms_embedded = bool(ctx.export_options.get("nms"))
    model = loaded.yolo.model
    result = check_parity(
        task,
        lambda x: by_input[id(x)],
        exported,
        inputs,
        nc=len(class_names(loaded.yolo)),
        precision=ctx.precision,
        nms_embedded=nms_embedded and task != "classify",
        end2end=bool(getattr(model, "end2end", False)),
        kpt_shape=[int(k) for k in model.model[-1].kpt_shape] if task == "pose" else None,
        inference_precision=getattr(run, "inference_precision", None),
    )
    result["image_names"] = names
    result["latency_ms"] = round(exported.latency_ms(), 3)
    result["reference_latency_ms"] = ctx.reference.latency_ms(ctx.imgsz)
    return result
