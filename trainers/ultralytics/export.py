"""Export an Ultralytics YOLO checkpoint — the seed's export.py interface over the JSON-lines protocol.

    python trainers/ultralytics/export.py --checkpoint-path best.pt --export-format onnx --output-dir out/
    python trainers/ultralytics/export.py --inspect --checkpoint-path best.pt
    python trainers/ultralytics/export.py --list-formats

Every flag has the seed's environment variable (EXPORT_JOB_ID, EXPORT_FORMAT, CHECKPOINT_PATH, EXPORT_CONFIG,
OPTIMIZATION_CONFIG, OUTPUT_DIR, CALLBACK_URL) or a remote run's (CHECKPOINT_URL, CHECKPOINT_SHA256, ARTIFACTS_URL,
PROGRESS_URL, CALLBACK_TOKEN: see trainers/common/remote_io.py); a flag wins over its variable. stdout carries only
protocol lines (progress, log, artifact, result, error); exit code 0 only after a `result`.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `trainers` importable without shadowing the real `ultralytics`
    _here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _here]
    sys.path.append(str(_here.parents[1]))

import argparse
import json
import os
import signal
import traceback
import uuid

from trainers.common import errors
from trainers.common.errors import ExportError
from trainers.common.protocol import Protocol, route_library_logs, take_stdout

EXIT_OK, EXIT_FAILED, EXIT_CANCELLED = 0, 1, 130
ENV = {
    "export_job_id": "EXPORT_JOB_ID",
    "export_format": "EXPORT_FORMAT",
    "checkpoint_path": "CHECKPOINT_PATH",
    "export_config": "EXPORT_CONFIG",
    "optimization_config": "OPTIMIZATION_CONFIG",
    "output_dir": "OUTPUT_DIR",
    "callback_url": "CALLBACK_URL",
    "log_level": "LOG_LEVEL",
    "validate_data": "VALIDATE_DATA",
    # a remote run (Kubernetes Job): URLs instead of cloud credentials; the token is best given as a variable
    "checkpoint_url": "CHECKPOINT_URL",
    "checkpoint_sha256": "CHECKPOINT_SHA256",
    "artifacts_url": "ARTIFACTS_URL",
    "progress_url": "PROGRESS_URL",
    "callback_token": "CALLBACK_TOKEN",
}


class Cancelled(BaseException):
    """Raised by SIGTERM/SIGINT; a BaseException so that no `except Exception` on the way swallows it."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for dest, var in ENV.items():
        parser.add_argument(f"--{dest.replace('_', '-')}", dest=dest, default=None, help=f"(env {var})")
    parser.add_argument("--inspect", action="store_true", help="describe the checkpoint; export nothing")
    parser.add_argument("--list-formats", action="store_true", help="print the formats table and their options")
    parser.add_argument("--capabilities", action="store_true", help="the capability matrix, probed on this machine")
    parser.add_argument("--trust-unsafe", action="store_true", help="load even if the pickle imports unusual code")
    parser.add_argument("--config-dir", default=None, help="Ultralytics config dir (default: inside the venv)")
    parser.add_argument("--validate-export", default=None, help="measure accuracy of this existing export folder")
    parser.add_argument("--validate-formats", default=None, help="with --validate-export: only these (and pytorch)")
    parser.add_argument(
        "--accept-names", action="store_true", help="the dataset's class names differ but mean the same by position"
    )
    args = parser.parse_args(argv)
    for dest, var in ENV.items():
        if getattr(args, dest) is None:
            setattr(args, dest, os.environ.get(var))
    args.log_level = (args.log_level or "info").lower()
    return args


def _json_object(text: str | None, name: str) -> dict:
    if not text or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(
            errors.INVALID_CONFIG,
            f"{name} is not valid JSON: {exc.msg} at character {exc.pos}.",
            f"Pass a JSON object, e.g. {name}='{{\"imgsz\": 640}}'.",
        ) from exc
    if not isinstance(value, dict):
        raise ExportError(errors.INVALID_CONFIG, f"{name} must be a JSON object, got {type(value).__name__}.")
    return value


def settings_from(args: argparse.Namespace):
    from trainers.ultralytics.job import JobSettings

    if not args.checkpoint_path:
        raise ExportError(
            errors.INVALID_CONFIG, "No checkpoint given.", "Set CHECKPOINT_PATH or pass --checkpoint-path."
        )
    formats = [f.strip().lower() for f in (args.export_format or "").split(",") if f.strip()]
    if args.validate_export and not args.validate_data:
        raise ExportError(errors.INVALID_CONFIG, "No dataset given to validate on.", "Pass --validate-data PATH.")
    if not formats and not args.inspect and not args.validate_export:
        raise ExportError(errors.INVALID_CONFIG, "No export format given.", "Set EXPORT_FORMAT, e.g. onnx.")
    return JobSettings(
        job_id=args.export_job_id or uuid.uuid4().hex,
        formats=formats,
        checkpoint=Path(args.checkpoint_path).expanduser(),
        export_config=_json_object(args.export_config, "EXPORT_CONFIG"),
        optimization_config=_json_object(args.optimization_config, "OPTIMIZATION_CONFIG"),
        output_dir=Path(args.output_dir).expanduser() if args.output_dir else None,
        trust_unsafe=args.trust_unsafe,
        validation=_validation_settings(args),
    )


def _validation_settings(args: argparse.Namespace):
    from trainers.ultralytics.accuracy_job import ValidationSettings

    if not args.validate_data:
        return None
    only = [f.strip().lower() for f in (args.validate_formats or "").split(",") if f.strip()] or None
    return ValidationSettings(Path(args.validate_data), args.accept_names, only)


def _on_signal(signum, _frame):
    raise Cancelled(signal.Signals(signum).name)


def run(args: argparse.Namespace, protocol: Protocol) -> dict:
    from trainers.common.env import apply_offline_settings, import_ultralytics
    from trainers.common.registry import listing
    from trainers.ultralytics import (
        formats,  # noqa: F401  (registers every format)
        job,
    )
    from trainers.ultralytics.log_tidy import log_tidy

    if args.list_formats:
        return listing()
    if args.capabilities:
        from trainers.common.capabilities import capability_matrix

        return {"capabilities": capability_matrix("ultralytics")}
    if args.checkpoint_url:
        _download_checkpoint(args, protocol)
    settings = settings_from(args)
    scan = job.precheck(settings, protocol)  # before the heavy imports: bad input is answered at once
    if args.inspect:
        import_ultralytics(args.config_dir)
        route_library_logs(protocol, "ultralytics")
        return job.inspect(settings, protocol, scan)
    if args.validate_export:
        from trainers.ultralytics.accuracy_job import validate_export

        def load(work_dir: Path):
            import_ultralytics(args.config_dir)
            route_library_logs(protocol, "ultralytics")
            wanted = settings.validation.wants("pytorch")
            return job.load(settings, protocol, work_dir, scan) if wanted else None

        export_dir = Path(args.validate_export).expanduser()
        return validate_export(settings.job_id, settings.checkpoint, export_dir, settings.validation, protocol, load)
    apply_offline_settings(args.config_dir)  # a converter started in another environment inherits them
    prepared = job.begin(settings, protocol, scan)
    try:
        import_ultralytics(args.config_dir)
        route_library_logs(protocol, "ultralytics", log_tidy(prepared.work_dir))
    except BaseException:
        job.abandon(prepared)  # removes its scratch folder too: it is inside the output folder
        raise
    return job.export(settings, protocol, scan, prepared)


def _download_checkpoint(args: argparse.Namespace, protocol: Protocol) -> None:
    from trainers.common.remote_io import download_checkpoint

    if not args.checkpoint_path:
        raise ExportError(
            errors.INVALID_CONFIG,
            "CHECKPOINT_URL is set but not CHECKPOINT_PATH, the file to download it to.",
            "Set CHECKPOINT_PATH to the checkpoint's own file name under /work, e.g. /work/best.pt.",
        )
    download_checkpoint(args.checkpoint_url, Path(args.checkpoint_path).expanduser(), args.checkpoint_sha256, protocol)


def export_outcome(args: argparse.Namespace, protocol: Protocol) -> tuple[int, dict | None, dict | None]:
    """Run the job, print its result and/or error → (exit code, the result printed, the error printed)."""
    result: dict | None = None
    error: dict | None = None
    code = EXIT_OK
    try:
        result = run(args, protocol)
        failed = [f for f, r in result.get("formats", {}).items() if r["status"] == "failed"]
        protocol.result(**result)
        if failed and len(failed) == len(result["formats"]):
            first = result["formats"][failed[0]]["error"] or {}
            error = {
                "code": first.get("code", errors.EXPORT_FAILED),
                "message": first.get("message", "Export failed."),
                "hint": first.get("hint", ""),
            }
            protocol.error(error["code"], error["message"], error["hint"])
            code = EXIT_FAILED
    except ExportError as exc:
        error = exc.to_dict()
        protocol.error(exc.code, exc.message, exc.hint, exc.details or None)
        code = EXIT_FAILED
    except (Cancelled, KeyboardInterrupt) as exc:
        error = {"code": "CANCELLED", "message": f"Export cancelled ({exc}).", "hint": ""}
        protocol.error("CANCELLED", error["message"], "Start the export again when you are ready.")
        code = EXIT_CANCELLED
    except Exception as exc:  # a bug: say so, with the traceback in the log
        protocol.log(traceback.format_exc(), "error")
        message = f"Unexpected {type(exc).__name__}: {exc}"
        error = {"code": errors.INTERNAL_ERROR, "message": message, "hint": ""}
        protocol.error(errors.INTERNAL_ERROR, message, "This is a bug in the exporter; the log has the details.")
        code = EXIT_FAILED
    return code, result, error


def main(argv: list[str] | None = None) -> int:
    from trainers.ultralytics.callback import finish, start_posting

    args = parse_args(argv)
    protocol = take_stdout(args.log_level)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _on_signal)
    poster = start_posting(args, protocol)
    return finish(args, protocol, poster, export_outcome(args, protocol), Cancelled)


if __name__ == "__main__":
    exit_code = main()
    # Every artifact is written and closed and every protocol line flushed: skip the interpreter's teardown of torch
    # and friends, which takes about a second and changes nothing on disk.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
