"""stdout carries protocol lines only, whatever the libraries print."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from trainers.common.protocol import to_json_line

from .conftest import FIXTURES, REPO, run_export


def test_stray_prints_go_to_stderr_not_the_protocol_stream():
    script = textwrap.dedent(
        """
        import ctypes, os, sys
        sys.path.append(sys.argv[1])
        from trainers.common.protocol import take_stdout
        protocol = take_stdout()
        print("a library print")
        os.write(1, b"a raw write to fd 1\\n")
        ctypes.CDLL(None).puts(b"a C-level puts")
        protocol.progress("load", 0.5)
        protocol.log("hello", "warning")
        protocol.log("hidden", "debug")
        protocol.result(value=float("nan"), items=(1, 2))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script, str(REPO)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [e["event"] for e in events] == ["progress", "log", "result"]
    assert events[1] == {"event": "log", "level": "warning", "source": "edgepack", "message": "hello"}
    assert events[2] == {"event": "result", "value": None, "items": [1, 2]}
    for stray in ("a library print", "a raw write to fd 1", "a C-level puts"):
        assert stray in proc.stderr


def test_every_stdout_line_of_a_real_run_is_a_protocol_event(config_dir):
    run = run_export("--inspect", "--checkpoint-path", str(FIXTURES / "models" / "detect.pt"), config_dir=config_dir)
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert lines, "no output"
    for line in lines:
        event = json.loads(line)
        assert event["event"] in {"progress", "log", "artifact", "result", "error"}
    assert run.events[-1]["event"] == "result"


def test_json_line_is_single_line_and_strict():
    line = to_json_line("log", {"message": "two\nlines", "x": float("inf")})
    assert "\n" not in line
    assert json.loads(line) == {"event": "log", "message": "two\nlines", "x": None}


def test_list_formats_prints_the_options_table(config_dir):
    run = run_export("--list-formats", config_dir=config_dir)
    assert run.returncode == 0
    table = run.result["formats_table"]
    onnx = table["onnx"]
    assert onnx["artifact"] == "model.onnx" and onnx["runnable_here"] is True
    assert set(onnx["export_options"]) == {"imgsz", "opset", "dynamic", "simplify", "nms", "batch"}
    assert onnx["export_options"]["opset"]["minimum"] == 11
    assert "half" in onnx["optimization_options"]
