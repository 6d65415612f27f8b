"""Every fixture in tests/fixtures/manifest.json, inspected as the app does when a file is dropped."""

from __future__ import annotations

import json

import pytest

from .conftest import FIXTURES, run_export

ENTRIES = json.loads((FIXTURES / "manifest.json").read_text())["entries"]


def _check(run, expect: dict) -> None:
    if "error" in expect:
        assert run.returncode == 1, run.stdout
        error = run.error
        assert error["code"] == expect["error"], error
        assert error["message"] and error["hint"], "an error must say what happened and what to do"
        assert not run.of("result"), "a failed inspect must not also report a result"
        return
    assert run.returncode == 0, run.stderr[-3000:]
    model = run.result["model"]
    assert model["framework"] == "ultralytics"
    assert model["task"] == expect["task"]
    assert model["names"] == expect["names"]
    if "imgsz" in expect:
        assert model["imgsz"] == expect["imgsz"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_inspect_fixture(entry, config_dir):
    run = run_export("--inspect", "--checkpoint-path", str(FIXTURES / entry["file"]), config_dir=config_dir)
    _check(run, entry["expect"])


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if "trusted" in e], ids=[e["file"] for e in ENTRIES if "trusted" in e]
)
def test_inspect_trusted_fixture(entry, config_dir):
    run = run_export(
        "--inspect", "--trust-unsafe", "--checkpoint-path", str(FIXTURES / entry["file"]), config_dir=config_dir
    )
    _check(run, entry["trusted"])


def test_malicious_pickle_is_refused_even_when_trusted(config_dir):
    """Trust lets unusual globals through, but a file with no Ultralytics model in it is never loaded."""
    run = run_export(
        "--inspect",
        "--trust-unsafe",
        "--checkpoint-path",
        str(FIXTURES / "bad" / "malicious.pt"),
        config_dir=config_dir,
    )
    assert run.returncode == 1
    assert run.error["code"] == "WRONG_FRAMEWORK"
    assert "ran code" not in run.stdout + run.stderr


def test_unsafe_error_lists_the_globals(config_dir):
    run = run_export("--inspect", "--checkpoint-path", str(FIXTURES / "bad" / "malicious.pt"), config_dir=config_dir)
    error = run.error
    assert error["code"] == "UNSAFE_PICKLE"
    assert "system" in error["message"]
    assert any(g.endswith(".system") for g in error["details"]["unsafe_globals"])
