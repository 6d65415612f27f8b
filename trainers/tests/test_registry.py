"""The formats table and the shared wrapper every format runs in."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from trainers.common.errors import ExportError
from trainers.common.registry import FormatSpec, Option, resolve_options, run_format


def _spec(export) -> FormatSpec:
    return FormatSpec(
        id="demo",
        label="Demo",
        artifact="model.demo",
        export_options={"imgsz": Option(int, None, minimum=32), "simplify": Option(bool, True)},
        optimization_options={"half": Option(bool, False)},
        tasks=("detect",),
        export=export,
    )


def test_a_failed_export_removes_what_it_wrote(tmp_path):
    (tmp_path / "keep.txt").write_text("from before")

    def export(ctx):
        (ctx.output_dir / "model.demo").write_bytes(b"half a model")
        (ctx.output_dir / "model_dir").mkdir()
        (ctx.output_dir / "model_dir" / "part").write_bytes(b"x")
        raise RuntimeError("converter crashed")

    logs = []
    outcome = run_format(_spec(export), SimpleNamespace(output_dir=tmp_path), lambda lvl, msg: logs.append((lvl, msg)))
    assert outcome.status == "failed"
    assert outcome.error.code == "EXPORT_FAILED" and "converter crashed" in outcome.error.message
    assert outcome.error.hint
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    assert any(lvl == "error" and "Traceback" in msg for lvl, msg in logs)


def test_a_successful_export_is_timed_and_sized(tmp_path):
    def export(ctx) -> Path:
        path = ctx.output_dir / "model.demo"
        path.write_bytes(b"1234567")
        return path

    outcome = run_format(_spec(export), SimpleNamespace(output_dir=tmp_path), lambda *_: None)
    assert outcome.status == "exported" and outcome.bytes == 7 and outcome.duration_ms >= 0


def test_options_merge_with_defaults_and_are_checked():
    spec = _spec(lambda ctx: None)
    export, optimization = resolve_options(spec, {"imgsz": 320}, {})
    assert export == {"imgsz": 320, "simplify": True} and optimization == {"half": False}
    with pytest.raises(ExportError, match="at least 32"):
        resolve_options(spec, {"imgsz": 16}, {})
    with pytest.raises(ExportError, match="whole number"):
        resolve_options(spec, {"imgsz": True}, {})
    with pytest.raises(ExportError, match="opset"):
        resolve_options(spec, {"opset": 12}, {})
    assert resolve_options(spec, {"opset": None, "dynamic": False}, {"int8": False})[0]["imgsz"] is None
