"""The trainer's remote I/O (trainers/common/remote_io.py) against a real local HTTP server standing in for the object
store's presigned URLs and the platform's callbacks: downloads, progress batching, upload-then-completion, tokens, and
one export.py run with every URL pointed at it."""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import tarfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from trainers.common.errors import ExportError
from trainers.common.protocol import Protocol
from trainers.common.remote_io import (
    MAX_QUEUED_EVENTS,
    EventPoster,
    completion_body,
    download_checkpoint,
    upload_artifacts,
)
from trainers.ultralytics.callback import finish, start_posting

from .conftest import FIXTURES, run_export

TOKEN = "epk_cb_test-token"
S3_DENIED = b"<?xml version='1.0'?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"


@dataclass
class Exchange:
    method: str
    path: str
    headers: dict
    body: bytes
    at: float


@dataclass
class Store:
    """What the fake object store serves and how each route answers; every request recorded in order."""

    files: dict = field(default_factory=dict)
    status: dict = field(default_factory=dict)  # path → HTTP status to answer instead
    short_by: int = 0  # declare this many bytes more than a GET sends (a cut connection)
    delay_s: float = 0.0
    log: list = field(default_factory=list)

    def of(self, method: str, path: str) -> list[Exchange]:
        return [e for e in self.log if e.method == method and e.path == path]

    def events(self) -> list[dict]:
        return [event for e in self.of("POST", "/progress") for event in json.loads(e.body)["events"]]


class Handler(BaseHTTPRequestHandler):
    store: Store

    def _record(self) -> Exchange:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        exchange = Exchange(self.command, path, dict(self.headers), body, time.monotonic())
        self.server.store.log.append(exchange)  # type: ignore[attr-defined]
        return exchange

    def _answer(self, status: int, body: bytes = b"", declared: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) if declared is None else declared))
        self.end_headers()
        self.wfile.write(body)

    def _refused(self, path: str) -> bool:
        status = self.server.store.status.get(path)  # type: ignore[attr-defined]
        if status:
            self._answer(status, S3_DENIED if status == 403 else b"no")
        return bool(status)

    def do_GET(self):
        store: Store = self.server.store  # type: ignore[attr-defined]
        exchange = self._record()
        if self._refused(exchange.path):
            return
        data = store.files.get(exchange.path)
        if data is None:
            return self._answer(404)
        self._answer(200, data, len(data) + store.short_by)

    def do_PUT(self):
        exchange = self._record()
        if not self._refused(exchange.path):
            self.server.store.files[exchange.path] = exchange.body  # type: ignore[attr-defined]
            self._answer(200)

    def do_POST(self):
        exchange = self._record()
        time.sleep(self.server.store.delay_s)  # type: ignore[attr-defined]
        if not self._refused(exchange.path):
            self._answer(204 if exchange.path == "/progress" else 200, b"" if exchange.path == "/progress" else b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    store = Store()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.store = store  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", store
    httpd.shutdown()
    httpd.server_close()


def protocol() -> tuple[Protocol, io.StringIO]:
    out = io.StringIO()
    return Protocol(out), out


def lines(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def remote_args(base: str, output_dir: Path, **overrides) -> argparse.Namespace:
    values = {
        "export_job_id": "job-1",
        "output_dir": str(output_dir),
        "artifacts_url": f"{base}/artifacts.tar.gz?X-Amz-Signature=secret",
        "progress_url": f"{base}/progress",
        "callback_url": f"{base}/completion",
        "callback_token": TOKEN,
    }
    return argparse.Namespace(**(values | overrides))


class Cancelled(BaseException):
    pass


# ------------------------------------------------------------------------------------------------ checkpoint download


def test_download_streams_the_checkpoint_and_checks_its_sha256(server, tmp_path):
    base, store = server
    data = (FIXTURES / "models" / "detect.pt").read_bytes()
    store.files["/checkpoint.pt"] = data
    proto, out = protocol()
    dest = tmp_path / "work" / "checkpoint.pt"
    download_checkpoint(f"{base}/checkpoint.pt?X-Amz-Signature=secret", dest, hashlib.sha256(data).hexdigest(), proto)
    assert dest.read_bytes() == data
    assert not dest.with_name("checkpoint.pt.part").exists()
    events = lines(out)
    assert events[0]["stage"] == "download"
    assert "secret" not in out.getvalue(), "a presigned URL's signature is a credential: never printed"


def test_a_wrong_sha256_is_a_clear_error_and_leaves_no_file(server, tmp_path):
    base, store = server
    store.files["/checkpoint.pt"] = b"not the uploaded checkpoint"
    dest = tmp_path / "checkpoint.pt"
    with pytest.raises(ExportError) as caught:
        download_checkpoint(f"{base}/checkpoint.pt", dest, "ab" * 32, protocol()[0])
    assert caught.value.code == "CHECKPOINT_SHA256_MISMATCH"
    assert "ab" * 32 in caught.value.message and caught.value.details["bytes"] == 27
    assert list(tmp_path.iterdir()) == []


def test_a_403_on_download_names_the_status_and_what_s3_said(server, tmp_path):
    base, store = server
    store.status["/checkpoint.pt"] = 403
    with pytest.raises(ExportError) as caught:
        download_checkpoint(f"{base}/checkpoint.pt?X-Amz-Signature=secret", tmp_path / "c.pt", None, protocol()[0])
    error = caught.value
    assert error.code == "CHECKPOINT_DOWNLOAD_FAILED"
    assert "HTTP 403" in error.message and "AccessDenied" in error.message and "Request has expired" in error.message
    assert "secret" not in error.message and "expired" in error.hint
    assert list(tmp_path.iterdir()) == []


def test_a_cut_download_is_refused(server, tmp_path):
    base, store = server
    store.files["/checkpoint.pt"] = b"x" * 1000
    store.short_by = 500
    with pytest.raises(ExportError) as caught:
        download_checkpoint(f"{base}/checkpoint.pt", tmp_path / "c.pt", None, protocol()[0])
    assert caught.value.code == "CHECKPOINT_DOWNLOAD_FAILED"
    assert list(tmp_path.iterdir()) == []


def test_a_malformed_sha256_is_refused_before_downloading(server, tmp_path):
    base, store = server
    with pytest.raises(ExportError) as caught:
        download_checkpoint(f"{base}/checkpoint.pt", tmp_path / "c.pt", "abc", protocol()[0])
    assert caught.value.code == "INVALID_CONFIG" and "CHECKPOINT_SHA256" in caught.value.message
    assert store.log == []


# ------------------------------------------------------------------------------------------------ progress events


def test_events_are_posted_in_batches_at_most_every_half_second_with_the_token(server):
    base, store = server
    proto, _ = protocol()
    poster = start_posting(argparse.Namespace(progress_url=f"{base}/progress", callback_token=TOKEN), proto)
    assert poster is not None
    started = time.monotonic()
    for i in range(40):
        proto.progress("onnx", i / 40)
        proto.log(f"line {i}")
        time.sleep(0.05)  # the export runs for 2 s
    proto.result(formats={})  # result/error travel in the completion, not here
    elapsed = time.monotonic() - started
    poster.close()
    posts = store.of("POST", "/progress")
    assert 3 <= len(posts) <= elapsed / 0.5 + 2, f"{len(posts)} requests for 80 events over {elapsed:.1f} s"
    gaps = [b.at - a.at for a, b in itertools.pairwise(posts)]
    assert all(gap >= 0.45 for gap in gaps[:-1]), gaps  # the last one is close()'s drain
    events = store.events()
    assert [e["message"] for e in events if e["event"] == "log"] == [f"line {i}" for i in range(40)]
    assert {e["event"] for e in events} == {"progress", "log"}
    assert all(p.headers["Authorization"] == f"Bearer {TOKEN}" for p in posts)
    assert all(p.headers["Content-Type"] == "application/json" for p in posts)


def test_a_slow_receiver_never_blocks_the_export(server):
    base, store = server
    store.delay_s = 1.0
    proto, _ = protocol()
    poster = EventPoster(f"{base}/progress", TOKEN)
    proto.add_listener(poster.offer)
    started = time.perf_counter()
    for i in range(500):
        proto.log(f"line {i}")
    assert time.perf_counter() - started < 0.5
    poster.close(timeout=10)
    assert len(store.events()) == 500


def test_an_unreachable_receiver_is_never_fatal_and_the_queue_is_bounded():
    proto, out = protocol()
    poster = EventPoster("http://127.0.0.1:9/progress", TOKEN, interval=0.05)  # discard port: refused
    proto.add_listener(poster.offer)
    for i in range(MAX_QUEUED_EVENTS + 10):
        proto.log(f"line {i}")
    started = time.perf_counter()
    poster.close(timeout=2)
    assert time.perf_counter() - started < 3
    assert poster.dropped >= 10 and len(poster.queue) <= MAX_QUEUED_EVENTS
    assert len(lines(out)) == MAX_QUEUED_EVENTS + 10, "stdout keeps every event"


def test_events_dropped_from_a_full_queue_are_announced_to_the_receiver(server):
    base, store = server
    proto, _ = protocol()
    poster = EventPoster(f"{base}/progress", TOKEN, interval=0.5)
    proto.add_listener(poster.offer)
    for i in range(MAX_QUEUED_EVENTS + 5):  # within the first interval: nothing was sent yet
        proto.log(f"line {i}")
    poster.close()
    events = store.events()
    assert events[0]["level"] == "warning" and events[0]["message"].startswith("5 earlier events were not posted")
    assert [e["message"] for e in events[1:]] == [f"line {i}" for i in range(5, MAX_QUEUED_EVENTS + 5)]


def test_a_rejected_token_stops_the_posting(server):
    base, store = server
    store.status["/progress"] = 401
    proto, _ = protocol()
    poster = EventPoster(f"{base}/progress", "epk_cb_wrong", interval=0.05)
    proto.add_listener(poster.offer)
    proto.log("one")
    time.sleep(0.3)
    proto.log("two")
    poster.close()
    assert len(store.of("POST", "/progress")) == 1 and "401" in (poster.stopped_because or "")


# ------------------------------------------------------------------------------------------------ upload + completion


def _output(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    (out / "model_openvino_model").mkdir(parents=True)
    (out / "model.onnx").write_bytes(b"onnx" * 1000)
    (out / "metadata.json").write_text("{}")
    (out / "model_openvino_model" / "model.xml").write_text("<net/>")
    return out


def test_the_upload_comes_before_the_completion_and_both_carry_what_they_should(server, tmp_path):
    base, store = server
    out = _output(tmp_path)
    proto, stdout = protocol()
    args = remote_args(base, out)
    poster = start_posting(args, proto)
    result = {"job_id": "job-1", "formats": {"onnx": {"status": "passed", "path": str(out / "model.onnx")}}}
    code = finish(args, proto, poster, (0, result, None), Cancelled)
    assert code == 0
    put, completion = store.of("PUT", "/artifacts.tar.gz")[0], store.of("POST", "/completion")[0]
    assert put.at < completion.at
    assert int(put.headers["Content-Length"]) == len(put.body) and put.headers["Content-Type"] == "application/gzip"
    assert "Authorization" not in put.headers, "the presigned URL is the upload's only credential"
    with tarfile.open(fileobj=io.BytesIO(put.body), mode="r:gz") as tar:
        names = tar.getnames()
    assert sorted(names) == ["metadata.json", "model.onnx", "model_openvino_model", "model_openvino_model/model.xml"]
    assert completion.headers["Authorization"] == f"Bearer {TOKEN}"
    body = json.loads(completion.body)
    assert body["event"] == "result" and body["exit_code"] == 0 and body["job_id"] == "job-1"
    assert body["formats"] == result["formats"] and body["output_dir"] == str(out)
    assert body["artifacts"] == {"bytes": len(put.body), "sha256": hashlib.sha256(put.body).hexdigest()}
    uploads = [e for e in store.events() if e["event"] == "progress" and e["stage"] == "upload"]
    assert uploads and "secret" not in stdout.getvalue()


def test_a_failed_upload_becomes_the_jobs_error_and_the_completion_says_so(server, tmp_path):
    base, store = server
    store.status["/artifacts.tar.gz"] = 403
    out = _output(tmp_path)
    proto, stdout = protocol()
    result = {"job_id": "job-1", "formats": {"onnx": {"status": "passed"}}}
    code = finish(remote_args(base, out), proto, None, (0, result, None), Cancelled)
    assert code == 1
    error = [e for e in lines(stdout) if e["event"] == "error"][-1]
    assert error["code"] == "ARTIFACTS_UPLOAD_FAILED" and "HTTP 403" in error["message"] and error["hint"]
    assert len(store.of("PUT", "/artifacts.tar.gz")) == 1, "a 403 is not retried"
    body = json.loads(store.of("POST", "/completion")[0].body)
    assert body["event"] == "error" and body["code"] == "ARTIFACTS_UPLOAD_FAILED" and body["exit_code"] == 1
    assert body["result"]["formats"] == result["formats"] and body["artifacts"] is None


def test_a_server_error_on_upload_is_retried(server, tmp_path):
    base, store = server
    out = _output(tmp_path)
    calls = {"n": 0}
    original = Handler.do_PUT

    def flaky(self):
        calls["n"] += 1
        if calls["n"] == 1:
            self._record()
            return self._answer(503)
        return original(self)

    Handler.do_PUT = flaky  # type: ignore[method-assign]
    try:
        artifacts = upload_artifacts(out, f"{base}/artifacts.tar.gz", protocol()[0])
    finally:
        Handler.do_PUT = original  # type: ignore[method-assign]
    assert calls["n"] == 2 and artifacts["bytes"] == len(store.files["/artifacts.tar.gz"])


def test_an_export_error_is_completed_without_an_upload(server, tmp_path):
    base, store = server
    error = {"code": "NOT_A_CHECKPOINT", "message": "m", "hint": "h"}
    code = finish(remote_args(base, _output(tmp_path)), protocol()[0], None, (1, None, error), Cancelled)
    assert code == 1 and store.of("PUT", "/artifacts.tar.gz") == []
    body = json.loads(store.of("POST", "/completion")[0].body)
    assert body == {**error, "event": "error", "job_id": "job-1", "exit_code": 1} | {
        "output_dir": str(tmp_path / "output"),
        "artifacts": None,
    }


def test_the_completion_is_json_as_the_printed_lines_are():
    result = {"job_id": "j", "formats": {"onnx": {"path": Path("/work/output/model.onnx"), "max_abs": float("nan")}}}
    body = completion_body(None, 0, result, None, "/work/output", None)
    assert json.loads(json.dumps(body, allow_nan=False))["formats"]["onnx"] == {
        "path": "/work/output/model.onnx",
        "max_abs": None,
    }
    assert body["job_id"] == "j", "the result's job id when none was given"


# ------------------------------------------------------------------------------------------------ export.py end to end


def _without(value, keys: tuple[str, ...]):
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    return [_without(v, keys) for v in value] if isinstance(value, list) else value


@pytest.mark.slow
def test_export_py_with_every_url_set_uploads_what_the_plain_run_writes(server, tmp_path, config_dir):
    base, store = server
    checkpoint = (FIXTURES / "models" / "detect.pt").read_bytes()
    store.files["/checkpoint.pt"] = checkpoint
    common = {"EXPORT_FORMAT": "onnx", "EXPORT_CONFIG": json.dumps({"imgsz": 128})}
    plain_dir = tmp_path / "plain"
    plain = run_export(
        env={**common, "CHECKPOINT_PATH": str(FIXTURES / "models" / "detect.pt"), "OUTPUT_DIR": str(plain_dir)},
        config_dir=config_dir,
    )
    assert plain.returncode == 0, plain.stderr[-3000:]

    pod_dir = tmp_path / "pod" / "output"
    remote = run_export(
        env={
            **common,
            "EXPORT_JOB_ID": "remote-1",
            "CHECKPOINT_URL": f"{base}/checkpoint.pt?X-Amz-Signature=secret",
            "CHECKPOINT_SHA256": hashlib.sha256(checkpoint).hexdigest(),
            # the stored file's name, as Tier-1 passes it: metadata.json's source.checkpoint records the name
            "CHECKPOINT_PATH": str(tmp_path / "pod" / "detect.pt"),
            "OUTPUT_DIR": str(pod_dir),
            "ARTIFACTS_URL": f"{base}/artifacts.tar.gz?X-Amz-Signature=secret",
            "PROGRESS_URL": f"{base}/progress",
            "CALLBACK_URL": f"{base}/completion",
            "CALLBACK_TOKEN": TOKEN,
        },
        config_dir=config_dir,
    )
    assert remote.returncode == 0, remote.stderr[-3000:]
    assert "secret" not in remote.stdout + remote.stderr

    order = [(e.method, e.path) for e in store.log if e.path != "/progress"]
    assert order == [("GET", "/checkpoint.pt"), ("PUT", "/artifacts.tar.gz"), ("POST", "/completion")]
    completion = store.of("POST", "/completion")[0]
    assert all(e.at < completion.at for e in store.of("POST", "/progress"))
    body = json.loads(completion.body)
    assert body["event"] == "result" and body["job_id"] == "remote-1" and body["output_dir"] == str(pod_dir)
    assert body["formats"]["onnx"]["status"] == "passed"
    assert body["formats"]["onnx"]["path"] == str(pod_dir / "model.onnx")
    assert {k: v for k, v in body.items() if k not in ("event", "exit_code", "output_dir", "artifacts")} == {
        k: v for k, v in remote.result.items() if k != "event"
    }

    extracted = tmp_path / "extracted"
    archive = store.files["/artifacts.tar.gz"]
    assert body["artifacts"] == {"bytes": len(archive), "sha256": hashlib.sha256(archive).hexdigest()}
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        assert all(not Path(name).is_absolute() and ".." not in Path(name).parts for name in tar.getnames())
        tar.extractall(extracted, filter="data")
    files = sorted(p.relative_to(plain_dir).as_posix() for p in plain_dir.rglob("*"))
    assert sorted(p.relative_to(extracted).as_posix() for p in extracted.rglob("*")) == files
    for name in files:  # byte for byte the pod's files; the models the size of Tier-1's (only timestamps differ)
        if (extracted / name).is_file():
            assert (extracted / name).read_bytes() == (pod_dir / name).read_bytes()
            if name != "metadata.json":  # its latencies are measured anew
                assert (extracted / name).stat().st_size == (plain_dir / name).stat().st_size, name
    volatile = ("created_at", "latency_ms", "reference_latency_ms")
    assert _without(json.loads((extracted / "metadata.json").read_text()), volatile) == _without(
        json.loads((plain_dir / "metadata.json").read_text()), volatile
    )

    events = store.events()
    stages = [e["stage"] for e in events if e["event"] == "progress"]
    assert stages[0] == "download" and "onnx" in stages and "done" in stages and stages[-1] == "upload"
    assert any(e["event"] == "artifact" for e in events)
    printed = [e for e in remote.events if e["event"] in ("progress", "log", "artifact")]
    assert printed[-1]["message"].startswith("callback http://127.0.0.1"), "the completion's own line comes last"
    assert printed[:-1] == events, "every other progress/log/artifact line of stdout was posted, in order"
