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


def test_the_listing_carries_what_the_app_generates_its_table_from():
    from trainers.common.registry import IMGSZ, TASKS, listing
    from trainers.ultralytics import formats  # noqa: F401  (registers every format)

    table = listing()
    assert table["format_ids"] == ["onnx", "torchscript", "openvino", "coreml", "tflite", "tensorrt"]
    assert list(table["formats_table"]) == table["format_ids"]
    assert table["tasks"] == list(TASKS) == ["detect", "segment", "classify", "pose", "obb"]
    tensorrt = table["formats_table"]["tensorrt"]
    assert tensorrt["export_options"]["workspace"] == {
        "type": "integer",
        "default": 4,
        "help": "TensorRT builder workspace in GiB",
        "minimum": 1,
        "maximum": 64,
    }
    assert {f: s["environment"] for f, s in table["formats_table"].items() if s["environment"] != "ultralytics"} == {
        "tflite": "tflite"
    }
    assert table["environments"]["ultralytics"] == {
        "main": True,
        "requirements": "trainers/requirements/ultralytics.txt",
        "python_variable": None,
    }
    assert table["environments"]["tflite"]["python_variable"] == "EDGEPACK_TFLITE_PYTHON"
    assert (table["imgsz"]["minimum"], table["imgsz"]["maximum"], table["imgsz"]["default_stride"]) == (32, 4096, 32)
    assert all(s["export_options"]["imgsz"] == IMGSZ.to_dict() for s in table["formats_table"].values())


def test_a_format_with_a_task_outside_the_task_list_is_refused():
    from trainers.common.registry import register

    spec = _spec(lambda ctx: None)
    with pytest.raises(ValueError, match="unknown task"):
        register(FormatSpec(**{**spec.__dict__, "id": "demo-rotated", "tasks": ("detect", "rotate")}))


def test_imgsz_is_rounded_up_to_the_stride_with_one_wording():
    from trainers.common.registry import stride_rounded

    assert stride_rounded(640) == (640, None)
    assert stride_rounded(100) == (128, "imgsz 100 is not a multiple of the model stride 32; using 128")
    assert stride_rounded(700, 64) == (704, "imgsz 700 is not a multiple of the model stride 64; using 704")


def test_the_trainer_says_what_the_registry_says_about_imgsz_and_tasks():
    """checkpoint.py keeps its own copy of both for now: this holds them to the registry's."""
    from trainers.common.registry import TASKS, stride_rounded
    from trainers.ultralytics import checkpoint

    assert tuple(checkpoint.SUPPORTED_TASKS) == TASKS
    for stride, requested in ((32, 100), (32, 640), (64, 700)):
        loaded = SimpleNamespace(yolo=SimpleNamespace(model=SimpleNamespace(stride=[8, 16, stride])))
        logs: list = []
        size = checkpoint.export_imgsz(loaded, requested, lambda *event, into=logs: into.append(event))
        rounded, warning = stride_rounded(requested, stride)
        assert size == [rounded, rounded]
        assert logs == ([("warning", warning)] if warning else [])
