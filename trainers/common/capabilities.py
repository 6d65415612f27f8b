"""The capability matrix, read from the formats table and probed on this machine.

Per format × task: supported, quality level, converter installed here, buildable here (and if not, why).
Quality levels (the seed's): excellent — runs on the CPU here and matches PyTorch to FP32 tolerance;
good — converted faithfully but either checked only structurally here (CoreML) or through an extra representation
(LiteRT goes through torch.export); fair — works with known gaps for that task.
"""

from __future__ import annotations

from importlib import metadata

from .registry import MAIN_ENVIRONMENT, TASKS, FormatSpec, missing_packages, ordered


def _versions(spec: FormatSpec) -> dict:
    out = {}
    for name in spec.packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def format_capability(spec: FormatSpec) -> dict:
    missing = missing_packages(spec) if spec.environment == MAIN_ENVIRONMENT else []
    installed = not missing
    build = spec.buildable() if spec.buildable else {"buildable": installed, "reason": None}
    reason = build.get("reason")
    if not installed:
        reason = f"converter not installed: {', '.join(missing)} (run `npx edgepack doctor --fix`)"
    precisions = ["fp32"] + [p for p, key in (("fp16", "half"), ("int8", "int8")) if key in spec.optimization_options]
    return {
        "id": spec.id,
        "label": spec.label,
        "runtime": spec.runtime,
        "environment": spec.environment,
        "converter": {
            "packages": _versions(spec) if spec.environment == MAIN_ENVIRONMENT else {p: None for p in spec.packages},
            "installed": installed,
        },
        "buildable_here": bool(build["buildable"]) and installed,
        "deferred": spec.buildable is not None and not build["buildable"],
        "runnable_here": spec.load_runner is not None,
        "reason": reason,
        "precisions": precisions,
        "note": spec.note,
        "tasks": {
            task: {
                "supported": task in spec.tasks,
                "quality": spec.quality_by_task.get(task, spec.quality) if task in spec.tasks else None,
            }
            for task in TASKS
        },
        "export_options": {k: o.to_dict() for k, o in spec.export_options.items()},
        "optimization_options": {k: o.to_dict() for k, o in spec.optimization_options.items()},
    }


def capability_matrix(framework: str = "ultralytics") -> dict:
    return {"framework": framework, "formats": [format_capability(spec) for spec in ordered()]}
