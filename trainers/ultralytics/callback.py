"""The end of a run as a Kubernetes Job (Tier-2/3): ARTIFACTS_URL upload, the progress poster drained, THEN the
completion POSTed to CALLBACK_URL (`Authorization: Bearer $CALLBACK_TOKEN`). The completion is never fatal; a failed
upload is: it becomes the job's `error` event (ARTIFACTS_UPLOAD_FAILED) and exit code 1."""

from __future__ import annotations

import argparse
from pathlib import Path

from trainers.common.errors import ExportError
from trainers.common.protocol import Protocol
from trainers.common.remote_io import EventPoster, completion_body, post_completion, upload_artifacts


def start_posting(args: argparse.Namespace, protocol: Protocol) -> EventPoster | None:
    """With PROGRESS_URL: every progress/log/artifact event is also posted there, from a background thread."""
    if not args.progress_url:
        return None
    poster = EventPoster(args.progress_url, args.callback_token)
    protocol.add_listener(poster.offer)
    return poster


def finish(
    args: argparse.Namespace,
    protocol: Protocol,
    poster: EventPoster | None,
    outcome: tuple[int, dict | None, dict | None],
    cancelled: type[BaseException],
) -> int:
    """Upload, drain the poster, post the completion → the exit code (1 when the upload failed, 130 if cancelled)."""
    code, result, error = outcome
    output_dir = str(Path(args.output_dir).expanduser()) if args.output_dir else None
    artifacts = None
    if args.artifacts_url and result is not None and output_dir:
        try:
            artifacts = upload_artifacts(Path(output_dir), args.artifacts_url, protocol)
        except ExportError as exc:
            error, code = exc.to_dict(), 1
            protocol.error(exc.code, exc.message, exc.hint, exc.details or None)
        except (cancelled, KeyboardInterrupt) as exc:
            error = {"code": "CANCELLED", "message": f"Export cancelled during the upload ({exc}).", "hint": ""}
            protocol.error(error["code"], error["message"], "Start the export again when you are ready.")
            code = 130
    if poster is not None:
        poster.close()
    if args.callback_url:
        body = completion_body(args.export_job_id, code, result, error, output_dir, artifacts)
        post_completion(args.callback_url, args.callback_token, body, protocol)
    return code
