"""Crafted malicious checkpoints (tests/fixtures/payloads.py) never run, through either trainer entry point.

Each payload would create a canary file in its own temporary folder if it ran; each test asserts that no canary
appears anywhere in that folder and that the error names the global (or the archive fault) that was refused.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path

import pytest

from trainers.common.checkpoint_file import scan_checkpoint
from trainers.common.errors import ExportError

from .conftest import FIXTURES, run_export


def _payloads_module():
    spec = importlib.util.spec_from_file_location("edgepack_payloads", FIXTURES / "payloads.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


PAYLOADS = _payloads_module()
# Made once at collection, into a folder of its own, so tests can be parametrised by payload.
_CATALOGUE = PAYLOADS.payloads(Path(tempfile.mkdtemp(prefix="edgepack-payload-catalogue-")))
CLASSES = {"plain", "allowed-name-runs-code", "dotted-name", "different-bytes", "dill"}


def _fresh(tmp_path: Path, payload_id: str) -> tuple[Path, dict]:
    made = {p["id"]: p for p in PAYLOADS.payloads(tmp_path)}
    return tmp_path / made[payload_id]["file"], made[payload_id]


def _assert_refused(error: dict, payload: dict, folder: Path) -> None:
    assert not list(folder.rglob("canary-*")), f"{payload['id']} RAN its payload"
    assert error["code"] == payload["expect"]["error"], error
    for name in payload["expect"]["names"]:
        assert name in error["message"] + error["hint"], (name, error)


def test_the_catalogue_covers_every_class_of_bypass():
    assert {p["class"] for p in _CATALOGUE} == CLASSES
    assert len(_CATALOGUE) >= 17


@pytest.mark.parametrize("payload_id", [p["id"] for p in _CATALOGUE])
def test_inspect_refuses_the_payload_and_names_it(payload_id, tmp_path, config_dir):
    path, payload = _fresh(tmp_path, payload_id)
    run = run_export("--inspect", "--checkpoint-path", str(path), config_dir=config_dir)
    assert run.returncode != 0
    _assert_refused(run.error, payload, tmp_path)


@pytest.mark.parametrize("payload_id", [p["id"] for p in _CATALOGUE])
def test_export_refuses_the_payload_and_writes_nothing(payload_id, tmp_path, config_dir):
    path, payload = _fresh(tmp_path, payload_id)
    out = tmp_path / "out"
    run = run_export(
        "--checkpoint-path", str(path), "--export-format", "onnx", "--output-dir", str(out), config_dir=config_dir
    )
    assert run.returncode != 0
    _assert_refused(run.error, payload, tmp_path)
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]


def test_a_dill_checkpoint_says_dill_and_why(tmp_path, config_dir):
    path, _ = _fresh(tmp_path, "dill-legacy")
    error = run_export("--inspect", "--checkpoint-path", str(path), config_dir=config_dir).error
    assert "dill" in error["hint"] and "code objects" in error["hint"]
    assert "--trust-unsafe" in error["hint"]


def test_the_static_scan_is_no_gate(tmp_path):
    """The payloads that reached the loader passed the quick scan: the restricted unpickler refused them."""
    passed_scan = []
    for payload in PAYLOADS.payloads(tmp_path):
        try:
            report = scan_checkpoint(tmp_path / payload["file"])
        except ExportError:
            continue
        if report.safe:
            passed_scan.append(payload["id"])
    assert {"torch-collect-env-run", "torch-nested-load", "allowed-class-constructor"} <= set(passed_scan)
    assert not list(tmp_path.rglob("canary-*"))


@pytest.mark.parametrize("task", ["detect", "segment", "classify", "pose"])
def test_every_real_checkpoint_loads_through_the_restricted_loader(task, tmp_path):
    from trainers.common.env import import_ultralytics

    import_ultralytics()
    from ultralytics.nn.tasks import DetectionModel

    from trainers.ultralytics.checkpoint import load_checkpoint

    init = DetectionModel.__dict__["__init__"]
    loaded = load_checkpoint(FIXTURES / "models" / f"{task}.pt", tmp_path)
    assert loaded.restricted and loaded.scan.unsafe == []
    assert loaded.task == task
    assert DetectionModel.__dict__["__init__"] is init  # constructors are back once the load is over


def test_a_trusted_file_loads_unrestricted_and_its_card_names_what_was_trusted(tmp_path):
    from trainers.common.env import import_ultralytics

    import_ultralytics()
    from trainers.ultralytics.checkpoint import describe, load_checkpoint

    loaded = load_checkpoint(FIXTURES / "bad" / "unlisted_global.pt", tmp_path, trust_unsafe=True)
    assert not loaded.restricted
    assert describe(loaded)["details"]["scan"] == {"globals": 30, "unsafe": ["fractions.Fraction"], "loader": "trusted"}


def test_a_checkpoint_holding_a_namespace_loads_restricted(tmp_path):
    """IterableSimpleNamespace pickles as a call of its class: namespaces stay callable during the load."""
    import torch

    from trainers.common.env import import_ultralytics

    import_ultralytics()
    from ultralytics.utils import IterableSimpleNamespace

    from trainers.ultralytics.restricted_load import load_restricted

    ckpt = torch.load(FIXTURES / "models" / "detect.pt", weights_only=False)
    ckpt["train_args_ns"] = IterableSimpleNamespace(imgsz=160, task="detect")
    torch.save(ckpt, tmp_path / "namespace.pt")
    loaded = load_restricted(tmp_path / "namespace.pt")
    assert loaded["train_args_ns"].imgsz == 160
