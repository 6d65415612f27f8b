"""The Triton config text the trainers write (TensorRT's deferred build): the `metadata` parameter and every escaped
string, against the conformance file the platform's TypeScript generator is checked against too, and read back the
way Ultralytics reads it. (Parsing whole configs with Triton's own model_config_pb2 happens in the platform's
integration test, platform/repository/triton-metadata.int.test.ts, whose environment has tritonclient.)"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

import pytest
from google.protobuf import text_encoding

from trainers.common.triton import metadata_parameter, pbtxt_string, python_literal
from trainers.ultralytics.formats.tensorrt import triton_config

from .conftest import REPO

CONFORMANCE = json.loads((REPO / "tests" / "fixtures" / "triton" / "metadata-parameter.json").read_text())
READER = REPO / "tests" / "support" / "ultralytics_triton_reader.py"


def unescape(pbtxt: str) -> str:
    """What protobuf's text-format parser makes of a string literal (the same CUnescape its tokenizer runs)."""
    assert pbtxt.startswith('"') and pbtxt.endswith('"')
    return text_encoding.CUnescape(pbtxt[1:-1]).decode("utf-8")


@pytest.mark.parametrize("case", CONFORMANCE["strings"], ids=lambda c: repr(c["text"])[:40])
def test_pbtxt_strings_match_the_conformance_file_and_parse_back(case):
    assert pbtxt_string(case["text"]) == case["pbtxt"]
    assert unescape(case["pbtxt"]) == case["text"]
    # protobuf's own escaping, but for the optional escape of ' inside double quotes
    assert case["pbtxt"][1:-1] == text_encoding.CEscape(case["text"].encode(), as_utf8=False).replace("\\'", "'")


@pytest.mark.parametrize("case", CONFORMANCE["literals"], ids=lambda c: repr(c["text"])[:40])
def test_python_literals_match_the_conformance_file_and_evaluate_back(case):
    assert python_literal(case["text"]) == case["python"]
    assert ast.literal_eval(case["python"]) == case["text"]
    assert case["python"].isascii()


@pytest.mark.parametrize("case", CONFORMANCE["cases"], ids=lambda c: c["name"])
def test_metadata_parameter_matches_the_conformance_file(case):
    assert metadata_parameter(case["facts"]) == case["parameter"]


def test_ultralytics_reads_names_imgsz_and_task_back_exactly(tmp_path):
    """Each parameter, unescaped as protobuf does, served the way Triton's HTTP API serves a config, through
    Ultralytics' own AutoBackend → TritonRemoteModel (ast.literal_eval) → apply_metadata → check_class_names."""
    configs = []
    for i, case in enumerate(CONFORMANCE["cases"]):
        literal = re.search(r'string_value: (".*")\n', case["parameter"]).group(1)
        configs.append(
            {
                "name": f"model-{i}",
                "input": [{"name": "images", "data_type": "TYPE_FP32", "dims": [1, 3, 64, 64]}],
                "output": [{"name": "output0", "data_type": "TYPE_FP32", "dims": [1, 6, 84]}],
                "parameters": {"metadata": {"string_value": unescape(literal)}},
            }
        )
    (tmp_path / "configs.json").write_text(json.dumps(configs))
    run = subprocess.run(
        [sys.executable, str(READER), str(tmp_path / "configs.json")], capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for case, read in zip(CONFORMANCE["cases"], json.loads(run.stdout), strict=True):
        facts = case["facts"]
        assert read["format"] == "triton"
        assert read["names"] == [[i, n] for i, n in enumerate(facts["names"])], case["name"]
        assert (read["imgsz"], read["task"]) == (facts["imgsz"], facts["task"])
        assert (read["stride"], read["batch"], read["end2end"]) == (facts["stride"], facts["batch"], facts["end2end"])
        assert read["kpt_shape"] == facts["kpt_shape"]


def test_tensorrt_config_escapes_tensor_names_and_carries_the_parameter():
    io = {
        "input": {"name": 'images "in"\n}', "shape": [1, 3, 64, 64], "dtype": "float32"},
        "outputs": [{"name": "out\\put 猫", "shape": [1, 6, 84], "dtype": "float32"}],
    }
    case = CONFORMANCE["cases"][1]
    text = triton_config(io, case["facts"])
    names = [unescape(m) for m in re.findall(r'^    name: (".*")$', text, re.M)]
    assert names == ['images "in"\n}', "out\\put 猫"]
    assert text.endswith(case["parameter"])
    assert text.isascii()
    assert "parameters" not in triton_config(io)
