"""The formats table: one entry per export format, each with its allowed options (the single source of truth).

A format module (trainers/<framework>/formats/<id>.py) calls `register(FormatSpec(...))`. Adding TorchScript,
OpenVINO, CoreML, TFLite or TensorRT is one new file. `run_format` is the shared wrapper: timing, logging and errors,
and it removes whatever a failed export left behind.

The app's side of this table is generated from `export.py --list-formats` (`listing()`): the format ids, every
option with its type, default and limits, the environment each format converts in, the task list and the image-size
policy (`npm run gen:formats` writes electron/contract/generated/formats.ts; a test fails when it is stale).
"""

from __future__ import annotations

import shutil
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import errors
from .errors import ExportError


@dataclass(frozen=True)
class Option:
    """One allowed option: its JSON type, default and limits. `None` default means "the checkpoint decides"."""

    type: type
    default: Any = None
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple | None = None

    def check(self, key: str, value: Any) -> Any:
        if value is None:
            return value
        if self.type is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise _bad(key, f"must be a whole number, got {value!r}")
        if self.type is bool and not isinstance(value, bool):
            raise _bad(key, f"must be true or false, got {value!r}")
        if self.type is str and not isinstance(value, str):
            raise _bad(key, f"must be a string, got {value!r}")
        if self.minimum is not None and value < self.minimum:
            raise _bad(key, f"must be at least {self.minimum:g}, got {value}")
        if self.maximum is not None and value > self.maximum:
            raise _bad(key, f"must be at most {self.maximum:g}, got {value}")
        if self.choices is not None and value not in self.choices:
            raise _bad(key, f"must be one of {list(self.choices)}, got {value!r}")
        return value

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"type": {int: "integer", bool: "boolean", str: "string"}[self.type]}
        out.update({k: v for k, v in (("default", self.default), ("help", self.help)) if v not in (None, "")})
        out.update({k: v for k, v in (("minimum", self.minimum), ("maximum", self.maximum)) if v is not None})
        if self.choices is not None:
            out["choices"] = list(self.choices)
        return out


# The tasks Edgepack exports, in one place (the formats' `tasks`, the capability matrix, the app's task list).
TASKS = ("detect", "segment", "classify", "pose", "obb")

# The environment the trainer itself runs in; a format whose converter needs another one (TFLite) names it, and the
# app makes that environment on first use and passes its interpreter in `python_variable(environment)`.
MAIN_ENVIRONMENT = "ultralytics"


def python_variable(environment: str) -> str:
    """The variable the app sets to a first-use environment's interpreter, e.g. EDGEPACK_TFLITE_PYTHON."""
    return f"EDGEPACK_{environment.upper()}_PYTHON"


# Image size: any whole number in IMGSZ's range; a size that is not a multiple of the model's largest stride is
# rounded up to the next multiple, with this warning (the app and the CLI say the same before the job starts).
DEFAULT_STRIDE = 32  # assumed when a model does not say its stride (Ultralytics' P6 models have 64)
IMGSZ_WARNING = "imgsz {requested} is not a multiple of the model stride {stride}; using {rounded}"


def stride_rounded(requested: int, stride: int = DEFAULT_STRIDE) -> tuple[int, str | None]:
    """The size exported for a requested imgsz: rounded up to a multiple of the stride, and the warning if it was."""
    rounded = -(-int(requested) // stride) * stride
    if rounded == requested:
        return rounded, None
    return rounded, IMGSZ_WARNING.format(requested=requested, stride=stride, rounded=rounded)


# Options several formats share, defined once so their meaning and limits cannot drift apart.
IMGSZ = Option(
    int, None, "input size in pixels (square), rounded up to the model stride; default: the training size", 32, 4096
)
BATCH = Option(int, 1, "batch size of the exported input", 1, 64)
DYNAMIC = Option(bool, False, "dynamic batch and image size")
CALIB_DIR = Option(str, None, "folder of representative images for INT8 calibration")


def _bad(key: str, why: str) -> ExportError:
    return ExportError(errors.INVALID_CONFIG, f"Option '{key}' {why}.", "Fix the option and start the export again.")


# Runs an exported artifact: a float32 NCHW batch in, the raw outputs out (in the exporter's output order).
Runner = Callable[[np.ndarray], list[np.ndarray]]


@dataclass(frozen=True)
class FormatSpec:
    id: str
    label: str
    artifact: str  # file or folder name written into OUTPUT_DIR, e.g. model.onnx
    export_options: dict[str, Option]
    optimization_options: dict[str, Option]
    tasks: tuple[str, ...]
    export: Callable[[Any], Path]  # (ExportContext) -> path of the artifact in ctx.output_dir
    load_runner: Callable[[Path], Runner] | None = None  # None: cannot run here (checked structurally only)
    describe_io: Callable[[Path], dict] | None = None  # {"input", "outputs", "format_details"} for metadata.json
    # describe_io also takes the PyTorch model's output shapes at batch 1 (parity reference): for an artifact that
    # does not record its output shapes (TorchScript), instead of loading and running it once more
    describe_io_from_reference: bool = False
    embed_metadata: Callable[[Path, dict], None] | None = None  # store metadata inside the artifact if it can
    # (ExportContext) -> None: begin work ahead of this format's turn (kept on ctx.started, which has `cancel()`),
    # e.g. a conversion in another environment that can overlap the checkpoint load and the other formats. Called
    # before the checkpoint is loaded here (ctx.loaded is None) and again after; it starts when it has what it needs.
    start: Callable[[Any], None] | None = None
    # For a format that cannot run here: (artifact) -> {"status": not_runnable|deferred, "passed", "checks", "note"}
    structural_check: Callable[[Path], dict] | None = None
    # Python packages the converter needs in the toolchain environment (probed for the capability matrix)
    packages: tuple[str, ...] = ()
    buildable: Callable[[], dict] | None = None  # {"buildable", "reason"} when it depends on this machine (a GPU)
    quality: str = "good"  # the seed's excellent / good / fair (see common/capabilities.py)
    quality_by_task: dict[str, str] = field(default_factory=dict)
    environment: str = MAIN_ENVIRONMENT  # the toolchain environment the converter runs in
    runtime: str = ""
    note: str = ""
    rank: int = 100  # where the format is listed (the most portable first); ties go by id

    def describe(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "artifact": self.artifact,
            "tasks": list(self.tasks),
            "runtime": self.runtime,
            "runnable_here": self.load_runner is not None,
            "quality": self.quality,
            "packages": list(self.packages),
            "environment": self.environment,
            "export_options": {k: o.to_dict() for k, o in self.export_options.items()},
            "optimization_options": {k: o.to_dict() for k, o in self.optimization_options.items()},
            "note": self.note,
        }


REGISTRY: dict[str, FormatSpec] = {}


def register(spec: FormatSpec) -> FormatSpec:
    unknown = sorted(set(spec.tasks) - set(TASKS))
    if unknown:
        raise ValueError(f"{spec.id}: unknown task(s) {unknown}; the tasks are {list(TASKS)}")
    REGISTRY[spec.id] = spec
    return spec


def ordered() -> list[FormatSpec]:
    """The registered formats in listing order."""
    return sorted(REGISTRY.values(), key=lambda spec: (spec.rank, spec.id))


def listing() -> dict:
    """`export.py --list-formats`: the formats table and the facts the app generates its side of the table from."""
    environments = [MAIN_ENVIRONMENT, *sorted({s.environment for s in REGISTRY.values()} - {MAIN_ENVIRONMENT})]
    return {
        "formats_table": {spec.id: spec.describe() for spec in ordered()},
        "format_ids": [spec.id for spec in ordered()],
        "tasks": list(TASKS),
        "environments": {
            env: {
                "main": env == MAIN_ENVIRONMENT,
                "requirements": f"trainers/requirements/{env}.txt",
                "python_variable": None if env == MAIN_ENVIRONMENT else python_variable(env),
            }
            for env in environments
        },
        "imgsz": {
            **IMGSZ.to_dict(),
            "default_stride": DEFAULT_STRIDE,
            "rounding": "up to a multiple of the model stride",
            "warning": IMGSZ_WARNING,
        },
    }


def get_format(fmt: str) -> FormatSpec:
    spec = REGISTRY.get(fmt)
    if spec is None:
        raise ExportError(
            errors.UNSUPPORTED_FORMAT,
            f"Format '{fmt}' is not available in this toolchain.",
            f"Available formats: {', '.join(sorted(REGISTRY)) or 'none'}.",
        )
    return spec


def resolve_options(spec: FormatSpec, export_config: dict, optimization_config: dict) -> tuple[dict, dict]:
    """Check every key and value against the format's table; return them merged with defaults. Nonsensical
    combinations are refused here, before anything is loaded."""
    if optimization_config.get("half") and optimization_config.get("int8"):
        raise ExportError(errors.INVALID_CONFIG, "Choose FP16 (half) or INT8, not both.", "Untick one of them.")
    resolved = []
    for table, given, what in (
        (spec.export_options, export_config, "export"),
        (spec.optimization_options, optimization_config, "optimization"),
    ):
        # An option another format uses, left off (false/null), is not a mistake; a misspelt or unsupported one is.
        unknown = sorted(k for k in set(given) - set(table) if given[k] not in (None, False))
        if what == "optimization" and "half" in unknown:
            raise ExportError(
                errors.INVALID_CONFIG,
                f"{spec.label} cannot be exported in FP16 here. {spec.note}".strip(),
                f"Export {spec.label} without FP16, or pick a format that offers it "
                "(ONNX, OpenVINO, CoreML, TensorRT).",
            )
        if what == "optimization" and "int8" in unknown:
            raise ExportError(
                errors.INVALID_CONFIG,
                f"{spec.label} does not offer INT8.",
                f"Export {spec.label} in FP32, or pick a format with INT8 (ONNX, OpenVINO, TFLite, TensorRT, CoreML).",
            )
        if unknown:
            raise ExportError(
                errors.INVALID_CONFIG,
                f"{spec.label} does not take the {what} option(s) {', '.join(unknown)}.",
                f"Allowed {what} options for {spec.id}: {', '.join(table) or 'none'}.",
            )
        resolved.append(
            {k: option.check(k, option.default if given.get(k) is None else given[k]) for k, option in table.items()}
        )
    return resolved[0], resolved[1]


def missing_packages(spec: FormatSpec) -> list[str]:
    from importlib import metadata

    missing = []
    for name in spec.packages:
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def require_converter(spec: FormatSpec) -> None:
    """Only for converters in this environment; one in its own environment (TFLite) is checked by its module."""
    missing = missing_packages(spec) if spec.environment == MAIN_ENVIRONMENT else []
    if missing:
        raise ExportError(
            errors.CONVERTER_MISSING,
            f"{spec.label} export needs {', '.join(missing)}, which this toolchain environment does not have.",
            "Run `npx edgepack doctor --fix` to install the pinned converters "
            f"(trainers/requirements/{spec.environment}.txt), then export again.",
            {"missing": missing},
        )


@dataclass
class FormatOutcome:
    format: str
    status: str  # exported | failed  (parity turns "exported" into passed / failed_parity)
    path: Path | None = None
    bytes: int | None = None
    duration_ms: float | None = None
    error: ExportError | None = None
    extra: dict = field(default_factory=dict)


def artifact_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def remove_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


def run_format(spec: FormatSpec, ctx: Any, log: Callable[[str, str], None]) -> FormatOutcome:
    """Run one format's exporter; on failure delete everything it created in the output folder."""
    output_dir: Path = ctx.output_dir
    before = set(output_dir.iterdir()) if output_dir.exists() else set()
    started = time.perf_counter()
    try:
        require_converter(spec)
        path = Path(spec.export(ctx))
        if not path.exists():
            raise ExportError(errors.EXPORT_FAILED, f"{spec.label} export finished but wrote no {path.name}.")
        duration = (time.perf_counter() - started) * 1000
        log("info", f"{spec.label}: wrote {path.name} ({artifact_size(path)} bytes) in {duration / 1000:.1f} s")
        return FormatOutcome(spec.id, "exported", path, artifact_size(path), round(duration, 1))
    except Exception as exc:  # every failure becomes a failed format, never a crash of the whole job
        error = (
            exc
            if isinstance(exc, ExportError)
            else ExportError(
                errors.EXPORT_FAILED,
                f"{spec.label} export failed: {type(exc).__name__}: {exc}",
                "See the log for the converter's output. Try the default options, or another opset.",
            )
        )
        log("error", f"{spec.label} export failed:\n{traceback.format_exc()}")
        for leftover in set(output_dir.iterdir()) - before if output_dir.exists() else ():
            remove_path(leftover)
        return FormatOutcome(
            spec.id, "failed", None, None, round((time.perf_counter() - started) * 1000, 1), error=error
        )


PRECISION_KEYS = ("half", "int8")


def resolve_job_options(
    specs: list[FormatSpec], export_config: dict, optimization_config: dict
) -> tuple[dict[str, tuple[dict, dict]], dict[str, ExportError]]:
    """Options per format of a (multi-format) job. An option meant for another format of the job is not a mistake
    for this one; a precision this format does not offer refuses this format alone (its own result says why), and
    the whole job only when no format can run — or when it is a single-format job. Typos are refused everywhere."""
    known_export = {k for s in specs for k in s.export_options}
    known_optimization = {k for s in specs for k in s.optimization_options}
    resolved: dict[str, tuple[dict, dict]] = {}
    refused: dict[str, ExportError] = {}
    for spec in specs:
        own_export = {k: v for k, v in export_config.items() if k in spec.export_options or k not in known_export}
        own_optimization = {
            k: v
            for k, v in optimization_config.items()
            if k in spec.optimization_options or k in PRECISION_KEYS or k not in known_optimization
        }
        try:
            resolved[spec.id] = resolve_options(spec, own_export, own_optimization)
        except ExportError as exc:
            if len(specs) == 1 or exc.code != errors.INVALID_CONFIG:
                raise
            refused[spec.id] = exc
    if refused and not resolved:
        raise next(iter(refused.values()))
    return resolved, refused
