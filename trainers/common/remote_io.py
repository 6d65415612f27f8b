"""The trainer's remote I/O when it runs as a Kubernetes Job (Tier-2/3): the pod holds no cloud credentials, only URLs.

- CHECKPOINT_URL (a presigned GET): downloaded to CHECKPOINT_PATH before anything else, streamed, its size and
  CHECKPOINT_SHA256 checked;
- PROGRESS_URL: the progress/log/artifact events POSTed as `{"events": [...]}` from a background thread, batched
  (one request per 0.5 s at most), from a bounded queue, never fatal, never blocking the export;
- ARTIFACTS_URL (a presigned PUT, S3's or any HTTP server's): OUTPUT_DIR as a tar.gz of entries relative to it,
  streamed from a temporary file with its Content-Length;
- CALLBACK_URL: the completion POSTed AFTER the upload.
Both callbacks carry `Authorization: Bearer $CALLBACK_TOKEN`. Only the standard library: the toolchain's pinned
requirements stay as they are. URLs are logged without their query string: a presigned URL's query is a credential.
"""

from __future__ import annotations

import collections
import hashlib
import json
import re
import shutil
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from trainers.common import errors
from trainers.common.errors import ExportError
from trainers.common.protocol import Protocol, json_safe

CHUNK = 1 << 20
MAX_CHECKPOINT_BYTES = 16 << 30  # far above any YOLO checkpoint: a bigger body is not a checkpoint
POSTED_EVENTS = ("progress", "log", "artifact")  # result and error travel in the completion
POST_INTERVAL_S = 0.5
MAX_QUEUED_EVENTS = 2000
MAX_BATCH_BYTES = 48 * 1024  # the platform takes progress bodies of at most 64 KiB
MAX_BATCH_EVENTS = 500  # and at most 500 events in one
MAX_LOG_CHARS = 8000
ATTEMPTS = 3
TIMEOUT_S = 60


def redact(url: str) -> str:
    """scheme://host/path: never the query (a presigned URL's signature) nor user info."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


def _bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _why(exc: BaseException) -> str:
    """An HTTP status with what the server said (S3's <Code>/<Message>), or the network error."""
    if isinstance(exc, urllib.error.HTTPError):
        try:
            body = exc.read(4096).decode("utf-8", "replace")
        except Exception:
            body = ""
        said = " ".join(m.strip() for m in re.findall(r"<(?:Code|Message)>([^<]*)</", body)) or body.strip()[:300]
        return f"HTTP {exc.code} {exc.reason}" + (f" ({said})" if said else "")
    if isinstance(exc, urllib.error.URLError):
        return f"network error: {exc.reason}"
    return f"{type(exc).__name__}: {exc}"


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code == 429
    return isinstance(exc, (urllib.error.URLError, OSError))


# ---------------------------------------------------------------------------------------------------- checkpoint


def download_checkpoint(url: str, dest: Path, sha256: str | None, protocol: Protocol) -> None:
    """Stream CHECKPOINT_URL to `dest` (via dest.part), checking Content-Length, a size bound and CHECKPOINT_SHA256."""
    where = redact(url)
    expected = (sha256 or "").strip().lower() or None
    if expected and not re.fullmatch(r"[0-9a-f]{64}", expected):
        raise ExportError(
            errors.INVALID_CONFIG,
            f"CHECKPOINT_SHA256 is not a SHA-256 hex digest: {sha256!r}.",
            "Pass the 64 hexadecimal characters of the checkpoint's SHA-256, or leave CHECKPOINT_SHA256 unset.",
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    protocol.progress("download", 0.0, f"downloading the checkpoint from {where}")
    try:
        with urllib.request.urlopen(urllib.request.Request(url), timeout=TIMEOUT_S) as response:
            length = _declared_length(response, where, dest.parent)
            digest, received = _stream_to(response, part, length, where, protocol)
    except ExportError:
        part.unlink(missing_ok=True)
        raise
    except BaseException as exc:  # cancelled too: no half file is left behind
        part.unlink(missing_ok=True)
        if not isinstance(exc, Exception):
            raise
        expired = isinstance(exc, urllib.error.HTTPError) and exc.code in (400, 403)
        raise ExportError(
            errors.CHECKPOINT_DOWNLOAD_FAILED,
            f"Could not download the checkpoint from {where}: {_why(exc)}.",
            "The presigned URL may have expired or the object may be gone: start the export again."
            if expired
            else "Check that the pod can reach the object store (network policy, endpoint), then start it again.",
        ) from exc
    if length is not None and received != length:
        part.unlink(missing_ok=True)
        raise ExportError(
            errors.CHECKPOINT_DOWNLOAD_FAILED,
            f"The checkpoint download from {where} stopped at {received} of {length} bytes.",
            "The connection was cut: start the export again.",
        )
    if expected and digest != expected:
        part.unlink(missing_ok=True)
        raise ExportError(
            errors.CHECKPOINT_SHA256_MISMATCH,
            f"The downloaded checkpoint's SHA-256 is {digest}, not the expected {expected}.",
            "The object in the bucket is not the file that was uploaded for this job: start the export again.",
            {"expected": expected, "actual": digest, "bytes": received},
        )
    part.replace(dest)
    protocol.log(f"checkpoint downloaded: {received} bytes, sha256 {digest}")


def _declared_length(response, where: str, folder: Path) -> int | None:
    header = response.headers.get("Content-Length")
    length = int(header) if header and header.isdigit() else None
    if length == 0:
        raise ExportError(
            errors.CHECKPOINT_DOWNLOAD_FAILED, f"The checkpoint at {where} is empty (0 bytes).", "Upload it again."
        )
    if length is not None and length > MAX_CHECKPOINT_BYTES:
        raise ExportError(
            errors.CHECKPOINT_DOWNLOAD_FAILED,
            f"The object at {where} is {length} bytes, more than any checkpoint ({MAX_CHECKPOINT_BYTES} bytes).",
            "Check that CHECKPOINT_URL points at the job's checkpoint.pt.",
        )
    free = shutil.disk_usage(folder).free
    if length is not None and length > free:
        raise ExportError(
            errors.OUTPUT_NOT_WRITABLE,
            f"The checkpoint is {length} bytes but {folder} has {free} bytes free.",
            "Give the Job's /work volume more room (its emptyDir sizeLimit or the node's disk).",
        )
    return length


def _stream_to(response, part: Path, length: int | None, where: str, protocol: Protocol) -> tuple[str, int]:
    digest, received, said = hashlib.sha256(), 0, time.monotonic()
    with part.open("wb") as out:
        while chunk := response.read(CHUNK):
            received += len(chunk)
            if received > (length or MAX_CHECKPOINT_BYTES):
                raise ExportError(
                    errors.CHECKPOINT_DOWNLOAD_FAILED,
                    f"The checkpoint download from {where} sent more bytes than it declared ({received}).",
                    "Check that CHECKPOINT_URL points at the job's checkpoint.pt.",
                )
            digest.update(chunk)
            out.write(chunk)
            if length and time.monotonic() - said >= POST_INTERVAL_S:
                said = time.monotonic()
                protocol.progress("download", 0.02 * received / length, f"{received >> 20} of {length >> 20} MiB")
    return digest.hexdigest(), received


# ---------------------------------------------------------------------------------------------------- events


class EventPoster:
    """Protocol events to PROGRESS_URL: queued by `offer` (never blocks: the oldest are dropped when the queue is full),
    sent by one daemon thread at most every POST_INTERVAL_S as `{"events": [...]}`. A failed POST is logged once on
    stderr and its batch kept for the next try; a 401/403/404 (the job is unknown or forgotten) stops the posting."""

    def __init__(self, url: str, token: str | None, interval: float = POST_INTERVAL_S):
        self.url, self.token, self.interval = url, token, interval
        self.queue: collections.deque[dict] = collections.deque(maxlen=MAX_QUEUED_EVENTS)
        self.dropped = 0
        self._dropped_said = 0
        self.posted = 0
        self.stopped_because: str | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = False
        self._failing = False
        self._thread = threading.Thread(target=self._run, name="edgepack-progress-poster", daemon=True)
        self._thread.start()

    def offer(self, record: dict) -> None:
        if record.get("event") not in POSTED_EVENTS or self.stopped_because:
            return
        if record.get("event") == "log" and len(record.get("message", "")) > MAX_LOG_CHARS:
            record = {**record, "message": record["message"][:MAX_LOG_CHARS] + " …"}
        with self._lock:
            if len(self.queue) == self.queue.maxlen:
                self.dropped += 1
            self.queue.append(record)

    def close(self, timeout: float = 10.0) -> None:
        """Send what is queued (within `timeout`), then stop."""
        self._closing = True
        self._wake.set()
        self._thread.join(timeout)

    def _take_batch(self) -> list[dict]:
        batch, size = [], 0
        with self._lock:
            if self.dropped > self._dropped_said:  # the receiver learns that its log has a gap
                gap = self.dropped - self._dropped_said
                self._dropped_said = self.dropped
                message = f"{gap} earlier events were not posted (the queue of {MAX_QUEUED_EVENTS} was full)"
                batch.append({"event": "log", "level": "warning", "source": "edgepack", "message": message})
            while self.queue:
                size += len(json.dumps(self.queue[0], default=str))
                if batch and (size > MAX_BATCH_BYTES or len(batch) >= MAX_BATCH_EVENTS):
                    break
                batch.append(self.queue.popleft())
        return batch

    def _put_back(self, batch: list[dict]) -> None:
        """An unsent batch goes back in front of what came since; the oldest give way if that overflows."""
        with self._lock:
            overflow = max(0, len(self.queue) + len(batch) - MAX_QUEUED_EVENTS)
            self.dropped += overflow
            self.queue.extendleft(reversed(batch[overflow:]))

    def _run(self) -> None:
        delay = self.interval
        while True:
            self._wake.wait(delay)  # set only by close(): then drain everything at once
            closing = self._closing
            delay = self.interval
            while not self.stopped_because and (batch := self._take_batch()):
                if not self._send(batch):
                    self._put_back(batch)
                    delay = min(8.0, self.interval * 8)  # the receiver is down: try again later, keep queueing
                    break
                if not closing:
                    break  # one request per interval
            if closing or self.stopped_because:
                return

    def _send(self, batch: list[dict]) -> bool:
        body = json.dumps({"events": batch}, default=str).encode()
        headers = {"Content-Type": "application/json", **_bearer(self.token)}
        request = urllib.request.Request(self.url, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                response.read()
            self.posted += len(batch)
            self._failing = False
            return True
        except Exception as exc:
            if isinstance(exc, urllib.error.HTTPError) and exc.code in (401, 403, 404):
                self.stopped_because = _why(exc)
                print(f"edgepack: progress posting stopped: {redact(self.url)} answered {self.stopped_because}")
                return True  # nothing to retry: the batch is dropped with the rest
            if not self._failing:
                print(f"edgepack: progress post to {redact(self.url)} failed ({_why(exc)}); retrying")
            self._failing = True
            return False


# ---------------------------------------------------------------------------------------------------- artifacts


def pack_output(output_dir: Path, into: Path) -> dict:
    """tar.gz of output_dir with entries relative to it (sorted, no leading folder) → {"bytes", "sha256"}."""
    # gzip's fastest level: model weights barely compress further, and level 9 costs the Job seconds on large models.
    with tarfile.open(into, "w:gz", format=tarfile.PAX_FORMAT, compresslevel=1) as tar:
        for path in sorted(output_dir.rglob("*")):
            tar.add(path, arcname=path.relative_to(output_dir).as_posix(), recursive=False)
    digest = hashlib.sha256()
    with into.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return {"bytes": into.stat().st_size, "sha256": digest.hexdigest()}


def upload_artifacts(output_dir: Path, url: str, protocol: Protocol) -> dict:
    """Pack OUTPUT_DIR and PUT it to ARTIFACTS_URL (retried on network errors and 5xx) → {"bytes", "sha256"}."""
    where = redact(url)
    with tempfile.TemporaryDirectory(prefix="edgepack-artifacts-") as tmp:
        archive = Path(tmp) / "artifacts.tar.gz"
        try:
            artifacts = pack_output(output_dir, archive)
        except OSError as exc:
            raise ExportError(
                errors.ARTIFACTS_UPLOAD_FAILED,
                f"Could not pack {output_dir} for the upload: {exc.strerror or exc}.",
                "Give the Job's /tmp volume room for a compressed copy of the export.",
            ) from exc
        protocol.progress("upload", 1.0, f"uploading artifacts.tar.gz ({artifacts['bytes']} bytes) to {where}")
        last: BaseException | None = None
        for attempt in range(ATTEMPTS):
            try:
                _put(url, archive, artifacts["bytes"])
                protocol.log(f"artifacts uploaded: {artifacts['bytes']} bytes, sha256 {artifacts['sha256']}")
                return artifacts
            except Exception as exc:
                last = exc
                if not _retryable(exc) or attempt == ATTEMPTS - 1:
                    break
                protocol.log(f"artifacts upload to {where} failed ({_why(exc)}); retrying", "warning")
                time.sleep(2**attempt)
    assert last is not None
    denied = isinstance(last, urllib.error.HTTPError) and last.code in (400, 403)
    raise ExportError(
        errors.ARTIFACTS_UPLOAD_FAILED,
        f"Could not upload the export's files to {where}: {_why(last)}.",
        "The presigned upload URL may have expired (it lasts the Job's deadline + 1 hour): start the export again."
        if denied
        else "Check that the pod can reach the object store (network policy, endpoint), then start the export again.",
        {"bytes": artifacts["bytes"], "sha256": artifacts["sha256"]},
    )


def _put(url: str, archive: Path, size: int) -> None:
    with archive.open("rb") as body:
        headers = {"Content-Type": "application/gzip", "Content-Length": str(size)}
        request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            response.read()


# ---------------------------------------------------------------------------------------------------- completion


def completion_body(
    job_id: str | None,
    exit_code: int,
    result: dict | None,
    error: dict | None,
    output_dir: str | None,
    artifacts: dict | None,
) -> dict:
    """The final protocol event (`error` when there is one, else `result`) plus what the receiver needs to rebuild the
    job's outcome: the result too when an error followed it, the exit code, the pod's OUTPUT_DIR (the prefix of
    every path in the result) and the uploaded archive's size and digest (null when nothing was uploaded)."""
    body: dict = {"event": "error", **error} if error else {"event": "result", **(result or {})}
    if error and result is not None:
        body["result"] = {"event": "result", **result}
    job_id = job_id or (result or {}).get("job_id")
    body |= {"job_id": job_id, "exit_code": exit_code, "output_dir": output_dir, "artifacts": artifacts}
    return json_safe(body)  # as the same fields are printed: numpy numbers, paths, non-finite floats → null


def post_completion(url: str, token: str | None, body: dict, protocol: Protocol) -> bool:
    """POST the completion to CALLBACK_URL (retried on network errors and 5xx); never fatal: the pod's log holds the
    same events for the app to read."""
    where = redact(url)
    data = json.dumps(body, default=str, allow_nan=False).encode()
    headers = {"Content-Type": "application/json", **_bearer(token)}
    started = time.perf_counter()
    for attempt in range(ATTEMPTS):
        try:
            request = urllib.request.Request(url, data=data, method="POST", headers=headers)
            with urllib.request.urlopen(request, timeout=15) as response:
                protocol.log(f"callback {where}: HTTP {response.status} in {time.perf_counter() - started:.2f} s")
                return True
        except Exception as exc:
            if isinstance(exc, urllib.error.HTTPError) and exc.code == 409:
                protocol.log(f"callback {where}: the completion was already recorded (HTTP 409)")
                return True
            if not _retryable(exc) or attempt == ATTEMPTS - 1:
                protocol.log(f"callback {where} failed: {_why(exc)}", "warning")
                return False
            time.sleep(2**attempt)
    return False
