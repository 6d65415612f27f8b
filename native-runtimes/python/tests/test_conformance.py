"""Every conformance vector (native-runtimes/conformance/README.md): pre-processing (decoded pixels, placement, input
tensor SHA-256), post-processing of the vectors' raw outputs, and end to end. End to end is exact too: the wrappers'
environment pins the ONNX Runtime version of the app's onnxruntime-node, whose outputs are the vectors'."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import VECTORS

from check_conformance import Vectors, main

CASES = json.loads((VECTORS / "index.json").read_text())["cases"] if (VECTORS / "index.json").is_file() else []


def test_the_vectors_exist():
    assert len(CASES) >= 17, f"expected the conformance vectors in {VECTORS} (npm run gen:conformance)"


@pytest.mark.parametrize("stage", ["pre", "post", "e2e"])
@pytest.mark.parametrize("case", CASES)
def test_case(vectors: Vectors, case: str, stage: str):
    result = vectors.check(case, (stage,))
    assert result.ok, result.line()


def test_check_conformance_prints_a_line_per_case(capsys):
    assert main([str(VECTORS)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines[:-1]] == CASES
    assert all(line.startswith("PASS ") for line in lines[:-1])
    assert lines[-1] == f"{len(CASES)} of {len(CASES)} cases passed."


def test_check_conformance_fails_a_case_whose_expectation_differs(tmp_path):
    """A checker that cannot fail checks nothing: one altered confidence must turn its case into a FAIL."""
    copy = tmp_path / "conformance"
    shutil.copytree(VECTORS, copy)
    name = next(c for c in CASES if json.loads((VECTORS / "cases" / c / "case.json").read_text())["predictions"])
    case_file = copy / "cases" / name / "case.json"
    case = json.loads(case_file.read_text())
    case["predictions"][0]["confidence"] = round(case["predictions"][0]["confidence"] + 0.00001, 5)
    case_file.write_text(json.dumps(case))
    result = Vectors(copy).check(name)
    assert not result.ok
    assert result.failures[0].startswith("post: prediction 0 is")
    assert main([str(copy)]) == 1
