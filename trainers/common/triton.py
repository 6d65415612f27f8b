"""Triton model configuration text shared with the platform: the `metadata` parameter Ultralytics reads, and the
protobuf text-format strings of config.pbtxt.

The platform writes the same parameter in TypeScript (platform/repository/triton-metadata.ts); both are checked
against one conformance file, tests/fixtures/triton/metadata-parameter.json, so they stay byte-compatible.

How Ultralytics reads it (ultralytics/utils/triton.py, `TritonRemoteModel`):
`ast.literal_eval(config["parameters"]["metadata"]["string_value"])`, then `BaseBackend.apply_metadata`. So the
value must be a Python literal (JSON's true/false/null are not), and the config.pbtxt that carries it must escape it:
Ultralytics' guide pastes `str(metadata)` between double quotes, which breaks as soon as a string holds a double
quote (ultralytics/ultralytics#22111). Here every string is escaped twice, once per layer: as a Python literal (ASCII
only, `\\xhh`/`\\uhhhh`/`\\Uhhhhhhhh` for the rest), then as a protobuf text-format string.
"""

from __future__ import annotations

import ast
from typing import Any

# Keys in Ultralytics' own exporter order (stride, task, batch, imgsz, names, channels, end2end, kpt_shape).
FACT_KEYS = ("stride", "task", "batch", "imgsz", "names", "channels", "end2end", "kpt_shape")


# The escapes both string forms below share, each with its own quote character.
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_PBTXT_ESCAPES = {**_ESCAPES, '"': '\\"'}
_PY_ESCAPES = {**_ESCAPES, "'": "\\'"}


def pbtxt_string(text: str) -> str:
    """A protobuf text-format string literal: protobuf's own CEscape of the UTF-8 bytes (octal for non-printable and
    non-ASCII bytes), except that `'` is left as is (its escape is optional inside double quotes)."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char in _PBTXT_ESCAPES:
            out.append(_PBTXT_ESCAPES[char])
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def _py_string(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char in _PY_ESCAPES:
            out.append(_PY_ESCAPES[char])
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "'" + "".join(out) + "'"


def python_literal(value: Any) -> str:
    """An ASCII Python literal that `ast.literal_eval` reads back exactly: dicts, lists, str, int, bool, None.
    Looks like `repr()` for plain ASCII text; strings always use single quotes."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _py_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{python_literal(k)}: {python_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Python literal for {type(value).__name__}")


def ultralytics_metadata(facts: dict) -> dict:
    """The metadata dict Ultralytics' exporter would write, reduced to what its readers use: `facts` has task, names
    (a list by class id), imgsz [h, w], stride, batch, end2end and kpt_shape (None unless pose)."""
    meta = {
        "stride": int(facts["stride"]),
        "task": str(facts["task"]),
        "batch": int(facts["batch"]),
        "imgsz": [int(v) for v in facts["imgsz"]],
        "names": {i: str(n) for i, n in enumerate(facts["names"])},
        "channels": 3,
        "end2end": bool(facts["end2end"]),
    }
    if facts.get("kpt_shape"):
        meta["kpt_shape"] = [int(v) for v in facts["kpt_shape"]]
    return meta


def metadata_parameter(facts: dict) -> str:
    """The config.pbtxt `parameters` entry Ultralytics' Triton client reads (its key is "metadata")."""
    literal = python_literal(ultralytics_metadata(facts))
    return f'parameters {{\n  key: "metadata"\n  value {{\n    string_value: {pbtxt_string(literal)}\n  }}\n}}\n'


def facts_from_metadata(meta: dict, onnx_props: dict | None = None) -> dict:
    """The facts an Edgepack metadata.json holds, then what Ultralytics' own ONNX metadata_props say (`onnx_props`)
    for what it leaves out: the precedence the platform's resolveModelInfo has, so both write the same parameter for
    one package (a classify model's stride, for one, is only in the ONNX: Ultralytics writes 1)."""
    props = onnx_props or {}
    shape = meta.get("input", {}).get("shape") or []
    resize = meta.get("preprocessing", {}).get("resize", {})
    post = meta.get("postprocessing", {})
    decoder = post.get("decoder", {})
    fixed = [d for d in shape[2:4] if isinstance(d, int) and d > 0]
    imgsz = fixed if len(fixed) == 2 else meta["export"]["options"]["imgsz"]
    if isinstance(imgsz, int):
        imgsz = [imgsz, imgsz]
    batch = shape[0] if shape and isinstance(shape[0], int) and shape[0] > 0 else 1
    stride = resize.get("stride", meta.get("stride"))
    if stride is None:
        stride = int(props["stride"]) if "stride" in props else 32
    end2end = decoder.get("nms_applied") is True or post.get("nms", {}).get("embedded") is True
    kpt_shape = (decoder.get("keypoints") or {}).get("shape") or meta.get("kpt_shape")
    if kpt_shape is None and "kpt_shape" in props:
        kpt_shape = ast.literal_eval(props["kpt_shape"])
    return {
        "task": meta["task"],
        "names": list(meta["names"]),
        "imgsz": list(imgsz),
        "stride": stride,
        "batch": batch,
        "end2end": end2end or props.get("end2end") == "True",
        "kpt_shape": list(kpt_shape) if kpt_shape else None,
    }
