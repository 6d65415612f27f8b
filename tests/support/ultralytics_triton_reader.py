"""What Ultralytics' own code reads from a Triton model config: run in the trainers' toolchain (it has Ultralytics).

    python tests/support/ultralytics_triton_reader.py configs.json   # prints a JSON list: one answer per config

`configs.json` holds a list of model configs in the JSON form Triton's HTTP API returns (`GET
/v2/models/<name>/config`; tritonclient.http's `get_model_config` hands that JSON to Ultralytics as a dict). Each goes
through Ultralytics' real reading path, `AutoBackend("http://…/<name>")`: its TritonBackend, `TritonRemoteModel`
(ultralytics/utils/triton.py: `ast.literal_eval` of `parameters.metadata.string_value`), `BaseBackend.apply_metadata`
and `check_class_names`. Only the transport is replaced: the toolchain has no tritonclient, so `tritonclient.http` is
a stand-in whose `get_model_config` returns the given JSON, and Ultralytics' requirements check (it would pip-install
tritonclient) is switched off.
"""

from __future__ import annotations

import contextlib
import json
import sys
import types


def install_stand_in(configs: dict[str, dict]) -> None:
    http = types.ModuleType("tritonclient.http")

    class InferenceServerClient:
        def __init__(self, url: str, verbose: bool = False, ssl: bool = False):
            self.url = url

        def get_model_config(self, model_name: str) -> dict:
            return json.loads(
                json.dumps(configs[model_name])
            )  # a fresh dict, as each HTTP answer is

    http.InferenceServerClient = InferenceServerClient
    http.InferInput = http.InferRequestedOutput = object
    package = types.ModuleType("tritonclient")
    package.__path__ = []
    package.http = http
    sys.modules["tritonclient"] = package
    sys.modules["tritonclient.http"] = http

    import ultralytics.nn.backends.triton as triton_backend

    triton_backend.check_requirements = lambda *args, **kwargs: None


def read(configs: list[dict]) -> list[dict]:
    by_name = {c["name"]: c for c in configs}
    install_stand_in(by_name)
    from ultralytics.nn.autobackend import AutoBackend

    answers = []
    for config in configs:
        backend = AutoBackend(
            f"http://triton.invalid:8000/{config['name']}", verbose=False
        )
        answers.append(
            {
                "format": backend.format,
                "names": [
                    [k, v] for k, v in backend.names.items()
                ],  # [id, name] pairs: ids stay integers
                "imgsz": list(backend.imgsz),
                "task": backend.task,
                "stride": backend.stride,
                "batch": backend.batch,
                "channels": backend.channels,
                "end2end": backend.end2end,
                "kpt_shape": list(backend.kpt_shape)
                if getattr(backend, "kpt_shape", None)
                else None,
            }
        )
    return answers


if __name__ == "__main__":
    with (
        open(sys.argv[1], encoding="utf-8") as fh,
        contextlib.redirect_stdout(sys.stderr),
    ):  # Ultralytics' prints
        answers = read(json.load(fh))
    print(json.dumps(answers))
