"""The seed's interface: environment variables, CALLBACK_URL, bad options, cancellation."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import typing
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from .conftest import EXPORT_PY, FIXTURES, REPO, run_export


class _Received(BaseHTTPRequestHandler):
    bodies: typing.ClassVar[list] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def callback_server():
    _Received.bodies = []
    server = HTTPServer(("127.0.0.1", 0), _Received)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/callback", _Received.bodies
    server.shutdown()


def test_environment_variables_drive_an_export_and_the_callback_gets_the_result(tmp_path, config_dir, callback_server):
    url, bodies = callback_server
    env = {
        "EXPORT_JOB_ID": "env-job",
        "EXPORT_FORMAT": "onnx",
        "CHECKPOINT_PATH": str(FIXTURES / "models" / "detect.pt"),
        "EXPORT_CONFIG": json.dumps({"imgsz": 128, "simplify": True}),
        "OPTIMIZATION_CONFIG": json.dumps({"half": True}),
        "OUTPUT_DIR": str(tmp_path),
        "CALLBACK_URL": url,
    }
    run = run_export(env=env, config_dir=config_dir)
    assert run.returncode == 0, run.stderr[-3000:]
    onnx = run.result["formats"]["onnx"]
    assert onnx["status"] == "passed", onnx
    assert onnx["parity"]["precision"] == "fp16"
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["input"]["shape"] == [1, 3, 128, 128]
    assert meta["quantization"]["precision"] == "fp16"
    assert len(bodies) == 1 and bodies[0]["job_id"] == "env-job" and bodies[0]["exit_code"] == 0
    assert bodies[0]["event"] == "result" and bodies[0]["output_dir"] == str(tmp_path)
    assert bodies[0]["formats"]["onnx"]["status"] == "passed"


def test_embedded_nms_export_is_checked_on_final_boxes(tmp_path, config_dir):
    run = run_export(
        "--checkpoint-path",
        str(FIXTURES / "models" / "detect.pt"),
        "--export-format",
        "onnx",
        "--output-dir",
        str(tmp_path),
        "--export-config",
        '{"nms": true}',
        config_dir=config_dir,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    parity = run.result["formats"]["onnx"]["parity"]
    assert parity["max_abs"] is None, "raw outputs are not comparable once NMS is inside the graph"
    assert parity["boxes_reference"] > 0 and parity["box_match"] >= 0.95
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["postprocessing"]["nms"]["embedded"] is True
    assert meta["postprocessing"]["decoder"]["box_format"] == "xyxy"


def test_int8_is_calibrated_on_the_given_images_and_checked(tmp_path, config_dir):
    run = run_export(
        "--checkpoint-path",
        str(FIXTURES / "models" / "detect.pt"),
        "--export-format",
        "onnx",
        "--output-dir",
        str(tmp_path),
        "--optimization-config",
        json.dumps({"int8": True, "calib_dir": str(FIXTURES / "images")}),
        config_dir=config_dir,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    onnx_result = run.result["formats"]["onnx"]
    assert onnx_result["parity"]["precision"] == "int8"
    assert onnx_result["status"] == "passed", onnx_result["parity"]
    assert onnx_result["parity"]["boxes_reference"] > 0
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["quantization"]["precision"] == "int8"
    assert meta["quantization"]["calibration"]["images"] == len(list((FIXTURES / "images").glob("*.png")))
    from ultralytics import YOLO

    model = YOLO(str(tmp_path / "model.onnx"), task="detect")
    assert list(model.predict(str(FIXTURES / "images" / "shapes-1.png"), verbose=False)[0].names.values()) == [
        "circle",
        "square",
        "triangle",
    ]


def test_failure_is_posted_to_the_callback_too(callback_server, config_dir):
    url, bodies = callback_server
    run = run_export(
        "--inspect",
        "--checkpoint-path",
        str(FIXTURES / "bad" / "notes.pt"),
        "--callback-url",
        url,
        config_dir=config_dir,
    )
    assert run.returncode == 1
    assert bodies and bodies[0]["event"] == "error" and bodies[0]["code"] == "NOT_A_CHECKPOINT"
    assert bodies[0]["exit_code"] == 1 and bodies[0]["artifacts"] is None


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["--export-config", "{imgsz: 3"], "INVALID_CONFIG", "not valid JSON"),
        (["--export-config", "[1, 2]"], "INVALID_CONFIG", "JSON object"),
        (["--export-config", '{"imgsize": 320}'], "INVALID_CONFIG", "imgsize"),
        (["--export-config", '{"opset": 5}'], "INVALID_CONFIG", "at least 11"),
        (["--export-config", '{"dynamic": "yes"}'], "INVALID_CONFIG", "true or false"),
        (["--optimization-config", '{"int8": true, "calib_dir": "/nonexistent"}'], "INVALID_CONFIG", "/nonexistent"),
        (["--optimization-config", '{"int8": true, "half": true}'], "INVALID_CONFIG", "not both"),
        (["--export-format", "onnx,paddle"], "UNSUPPORTED_FORMAT", "paddle"),
    ],
)
def test_bad_options_are_refused_before_any_work(tmp_path, config_dir, args, code, words):
    base = ["--checkpoint-path", str(FIXTURES / "models" / "detect.pt"), "--output-dir", str(tmp_path / "out")]
    if "--export-format" not in args:
        base += ["--export-format", "onnx"]
    run = run_export(*base, *args, config_dir=config_dir)
    assert run.returncode == 1
    assert run.error["code"] == code
    assert words in run.error["message"] + run.error["hint"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_unused_options_left_off_are_not_errors(tmp_path, config_dir):
    """The app sends every option of its form; false/null ones of other formats are ignored."""
    run = run_export(
        "--checkpoint-path",
        str(FIXTURES / "models" / "classify.pt"),
        "--export-format",
        "onnx",
        "--output-dir",
        str(tmp_path),
        "--optimization-config",
        '{"half": false, "int8": false, "calib_dir": null}',
        config_dir=config_dir,
    )
    assert run.returncode == 0, run.stderr[-2000:]


def test_sigterm_cancels_and_leaves_no_partial_files(tmp_path, config_dir):
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        str(EXPORT_PY),
        "--checkpoint-path",
        str(FIXTURES / "models" / "segment.pt"),
        "--export-format",
        "onnx",
        "--output-dir",
        str(out),
        "--config-dir",
        str(config_dir),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    lines = []
    for line in proc.stdout:
        lines.append(json.loads(line))
        if lines[-1].get("stage") == "onnx":
            time.sleep(0.5)
            os.kill(proc.pid, signal.SIGTERM)
            break
    rest = proc.stdout.read()
    proc.wait(timeout=60)
    events = lines + [json.loads(line) for line in rest.splitlines()]
    assert proc.returncode == 130
    assert events[-1]["event"] == "error" and events[-1]["code"] == "CANCELLED"
    assert not any(e["event"] == "result" for e in events)
    assert not (out / "model.onnx").exists() and not (out / "metadata.json").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".work-")]


def _converters_writing_into(folder: Path) -> list[int]:
    """Pids of running TFLite converters whose output folder is inside `folder` (from Linux's /proc)."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if any(arg.endswith("tflite_convert.py") for arg in cmdline) and any(str(folder) in a for a in cmdline):
            pids.append(int(proc.name))
    return pids


def test_sigterm_stops_the_tflite_converter_started_ahead_of_its_turn(tmp_path, config_dir, tflite_python):
    """TFLite converts in its own environment from the job's start, beside the other formats: cancelling the job
    while ONNX is exporting ends that converter too and leaves nothing behind."""
    out = tmp_path / "out"
    cmd = [sys.executable, str(EXPORT_PY), "--checkpoint-path", str(FIXTURES / "models" / "detect.pt")]
    cmd += ["--export-format", "onnx,tflite", "--output-dir", str(out), "--config-dir", str(config_dir)]
    env = {**os.environ, "EDGEPACK_TFLITE_PYTHON": tflite_python}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO, env=env)
    running = []
    for line in proc.stdout:
        if json.loads(line).get("stage") == "onnx":
            running = _converters_writing_into(out)
            os.kill(proc.pid, signal.SIGTERM)
            break
    proc.stdout.read()
    proc.wait(timeout=60)
    assert proc.returncode == 130
    assert running, "the TFLite converter should already be running while ONNX exports"
    deadline = time.monotonic() + 10
    while _converters_writing_into(out) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _converters_writing_into(out)
    assert not list(out.iterdir())
