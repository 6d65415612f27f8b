"""The Triton config text the trainers write (TensorRT's deferred build): the `metadata` parameter and every escaped
string, against the conformance file the platform's TypeScript generator is checked against too, and read back the
way Ultralytics reads it. (Parsing whole configs with Triton's own model_config_pb2 happens in the platform's
integration test, platform/repository/triton-metadata.int.test.ts, whose environment has tritonclient.)"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf import text_encoding

from trainers.common.triton import (
    facts_from_metadata,
    metadata_parameter,
    pbtxt_string,
    python_literal,
    ultralytics_metadata,
)
from trainers.ultralytics.formats import tensorrt
from trainers.ultralytics.formats.tensorrt import triton_config

from .conftest import FIXTURES, REPO, run_export

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


IO = {
    "input": {"name": 'images "in"\n}', "shape": [1, 3, 64, 64], "dtype": "float32"},
    "outputs": [{"name": "out\\put 猫", "shape": [1, 6, 84], "dtype": "float32"}],
}


def test_tensorrt_config_escapes_tensor_names_and_carries_the_parameter():
    case = CONFORMANCE["cases"][1]
    text = triton_config(IO, case["facts"])
    names = [unescape(m) for m in re.findall(r'^    name: (".*")$', text, re.M)]
    assert names == ['images "in"\n}', "out\\put 猫"]
    assert text.endswith(case["parameter"])
    assert text.isascii()
    assert "parameters" not in triton_config(IO)


FAKE_TRTEXEC = """#!/bin/sh
# Stands in for TensorRT's trtexec: writes engine-like bytes (not JSON, NUL and 0xff included) to --saveEngine.
for a in "$@"; do case "$a" in --saveEngine=*) out="${a#--saveEngine=}";; esac; done
printf 'PLAN\\001\\002\\000\\377engine bytes' > "$out"
"""


def run_build_script(package: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """build_engine.sh as a user runs it on the target, with a stand-in trtexec (no TensorRT here) first on PATH."""
    fake = tmp_path / "fake-bin"
    fake.mkdir(exist_ok=True)
    (fake / "trtexec").write_text(FAKE_TRTEXEC)
    (fake / "trtexec").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["sh", str(package / "build_engine.sh")], capture_output=True, text=True, env=env)


def read_engine_like_ultralytics(path: Path) -> dict:
    """What TensorRTBackend.load_model reads before it needs TensorRT: the header (BaseBackend.engine_header), applied
    with apply_metadata; AutoBackend picks the TensorRT backend by the file's name."""
    from ultralytics.nn.autobackend import AutoBackend, check_class_names
    from ultralytics.nn.backends.base import BaseBackend

    class HeaderOnly(BaseBackend):
        def load_model(self, weight):
            self.offset, metadata = self.engine_header(weight)
            self.apply_metadata(metadata)

        def forward(self, im):
            raise NotImplementedError

    backend = HeaderOnly(path, device="cpu")
    return {
        "format": AutoBackend._model_type(str(path)),
        "offset": backend.offset,
        "names": check_class_names(backend.names),
        "imgsz": list(backend.imgsz),
        "task": backend.task,
        "kpt_shape": list(backend.kpt_shape) if getattr(backend, "kpt_shape", None) else None,
    }


def test_build_script_writes_model_plan_for_triton_and_model_engine_for_ultralytics(tmp_path):
    facts = CONFORMANCE["cases"][1]["facts"]  # every hostile name
    package = tmp_path / "model_tensorrt"
    package.mkdir()
    (package / "model.onnx").write_bytes(b"onnx")
    (package / "config.pbtxt").write_text(triton_config({"input": IO["input"], "outputs": IO["outputs"]}, facts))
    (package / tensorrt.ULTRALYTICS_METADATA).write_text(json.dumps(ultralytics_metadata(facts), ensure_ascii=True))
    (package / "build_engine.sh").write_text(tensorrt.build_script("fp16", 4))

    run = run_build_script(package, tmp_path)
    assert run.returncode == 0, run.stderr
    plan = (package / "model.plan").read_bytes()
    assert plan.startswith(b"PLAN\x01\x02\x00\xff")
    assert (package / "triton" / "model" / "1" / "model.plan").read_bytes() == plan
    assert (package / "triton" / "model" / "config.pbtxt").read_text() == (package / "config.pbtxt").read_text()
    engine = (package / "model.engine").read_bytes()
    header = (package / tensorrt.ULTRALYTICS_METADATA).read_bytes()
    assert engine == len(header).to_bytes(4, "little") + header + plan

    read = read_engine_like_ultralytics(package / "model.engine")
    assert read["format"] == "engine" and read["offset"] == 4 + len(header)
    assert read["names"] == dict(enumerate(facts["names"]))
    assert (read["imgsz"], read["task"]) == (facts["imgsz"], facts["task"])


def test_deferred_tensorrt_export_then_build(tmp_path, config_dir):
    """The real deferred export (pose: keypoints too), then its script: both names, both readers."""
    out = tmp_path / "out"
    run = run_export(
        "--checkpoint-path",
        str(FIXTURES / "models" / "pose.pt"),
        "--export-format",
        "tensorrt",
        "--export-config",
        '{"imgsz": 96}',
        "--output-dir",
        str(out),
        config_dir=config_dir,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.result["formats"]["tensorrt"]["status"] == "deferred"
    package = out / "model_tensorrt"
    meta = json.loads((out / "metadata.json").read_text())
    assert not (package / "model.plan").exists() and not (package / "model.engine").exists(), "built on the target"
    config = (package / "config.pbtxt").read_text()
    assert config.endswith(metadata_parameter(facts_from_metadata(meta)))
    assert "'names': {0: 'triangle'}" in config and "'kpt_shape': [3, 3]" in config and "'imgsz': [96, 96]" in config

    built = run_build_script(package, tmp_path)
    assert built.returncode == 0, built.stderr
    assert "Built model.plan (Triton) and model.engine (Ultralytics)" in built.stdout
    read = read_engine_like_ultralytics(package / "model.engine")
    assert read["names"] == {0: "triangle"} and read["task"] == "pose"
    assert read["imgsz"] == [96, 96] and read["kpt_shape"] == [3, 3]
    assert (package / "triton" / "model" / "1" / "model.plan").read_bytes() == (package / "model.plan").read_bytes()
