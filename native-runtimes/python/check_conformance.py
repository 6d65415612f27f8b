"""Checks this machine's Python wrapper against Edgepack's conformance vectors: for every case, the pre-processing
(decoded pixels, letterbox or crop placement, input tensor SHA-256), the post-processing of the vectors' raw outputs,
and the model run end to end, each against what Edgepack's reference runtime answered.

    python check_conformance.py [vectors-dir]     # default: ../conformance (the repository), else the bundle's

Prints one line per case (PASS, or FAIL with what differs); exits 1 when any case fails.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model_wrapper import BUNDLE_ROOT, ModelWrapper, WrapperError
from wrapper_image import Placement, read_image, resized_pixels
from wrapper_json import js_stringify

HERE = Path(__file__).resolve().parent
DEFAULT_DIRS = (HERE.parent / "conformance", BUNDLE_ROOT / "conformance")


@dataclass
class CaseResult:
    name: str
    failures: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def line(self) -> str:
        if self.ok:
            return f"PASS {self.name} ({', '.join(self.checked)})"
        return f"FAIL {self.name}: " + "; ".join(self.failures)


class Vectors:
    """A conformance vectors folder (native-runtimes/conformance/README.md); one wrapper per model folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        index = root / "index.json"
        if not index.is_file():
            raise FileNotFoundError(f"{index}: not a conformance vectors folder (no index.json)")
        self.cases: list[str] = json.loads(index.read_text(encoding="utf-8"))["cases"]
        self._models: dict[str, ModelWrapper] = {}

    def case(self, name: str) -> dict:
        return json.loads((self.root / "cases" / name / "case.json").read_text(encoding="utf-8"))

    def model(self, folder: str) -> ModelWrapper:
        if folder not in self._models:
            self._models[folder] = ModelWrapper(self.root / folder / "model.onnx", self.root / folder / "metadata.json")
        return self._models[folder]

    def outputs(self, case: dict) -> list[np.ndarray]:
        """The case's raw outputs, as the reference's model run gave them."""
        return [
            np.fromfile(self.root / o["file"], dtype=np.dtype(o["dtype"]).newbyteorder("<")).reshape(o["shape"])
            for o in case["outputs"]
        ]

    def check(self, name: str, stages: tuple[str, ...] = ("pre", "post", "e2e")) -> CaseResult:
        result = CaseResult(name)
        case = self.case(name)
        try:
            model = self.model(case["model"])
            rgb = read_image(self.root / case["image"])
            checks = {"pre": _check_pre, "post": _check_post, "e2e": _check_end_to_end}
            for stage in stages:
                failure = checks[stage](self, model, case, rgb)
                (result.failures.append(f"{stage}: {failure}") if failure else result.checked.append(stage))
        except (WrapperError, OSError, KeyError, ValueError) as e:
            result.failures.append(f"{type(e).__name__}: {e}")
        return result


def _check_pre(vectors: Vectors, model: ModelWrapper, case: dict, rgb: np.ndarray) -> str | None:
    decoded = case["decoded"]
    if (rgb.shape[1], rgb.shape[0]) != (decoded["width"], decoded["height"]):
        return f"decoded {rgb.shape[1]}x{rgb.shape[0]}, expected {decoded['width']}x{decoded['height']}"
    if _sha256(rgb) != decoded["sha256"]:
        return "decoded pixels differ from cv2.imread's (decoded.sha256)"
    _, placement = resized_pixels(rgb, model.spec)
    if _placement(placement, case["preprocess"]["mode"]) != _expected_placement(case["preprocess"]):
        return f"placement {_placement(placement, case['preprocess']['mode'])}, expected {case['preprocess']}"
    tensor, _ = model.preprocess(rgb)
    if _sha256(tensor) != case["input"]["sha256"]:
        return (
            f"input tensor differs (sum {float(tensor.astype(np.float64).sum()):.6f}, expected {case['input']['sum']})"
        )
    return None


def _check_post(vectors: Vectors, model: ModelWrapper, case: dict, rgb: np.ndarray) -> str | None:
    _, placement = resized_pixels(rgb, model.spec)
    predictions = model.postprocess(vectors.outputs(case), placement, **_options(case))
    return _compare(predictions, case["predictions"])


def _check_end_to_end(vectors: Vectors, model: ModelWrapper, case: dict, rgb: np.ndarray) -> str | None:
    tensor, placement = model.preprocess(rgb)
    outputs = model.infer(tensor)
    failure = _compare(model.postprocess(outputs, placement, **_options(case)), case["predictions"])
    if failure:
        drift = max(float(np.abs(a - b).max()) for a, b in zip(outputs, vectors.outputs(case), strict=True))
        failure += f" (raw outputs differ from the vectors' by up to {drift:.3g}: another ONNX Runtime build?)"
    return failure


def _options(case: dict) -> dict:
    keys = ("conf", "iou", "max_det", "agnostic", "classes", "top_k")
    return {k: case["options"][k] for k in keys if case["options"].get(k) is not None}


def _compare(predictions: list[dict], expected: list[dict]) -> str | None:
    if js_stringify(predictions) == js_stringify(expected):
        return None
    if len(predictions) != len(expected):
        return f"{len(predictions)} predictions, expected {len(expected)}"
    i = next(
        i for i, (a, b) in enumerate(zip(predictions, expected, strict=True)) if js_stringify(a) != js_stringify(b)
    )
    return f"prediction {i} is {json.dumps(predictions[i])[:300]}, expected {json.dumps(expected[i])[:300]}"


def _placement(p: Placement, mode: str) -> dict:
    if mode == "letterbox":
        pad = {"top": p.top, "bottom": p.bottom, "left": p.left, "right": p.right}
        return {"resized": [p.resized_width, p.resized_height], "pad": pad}
    return {"resized": [p.resized_width, p.resized_height], "crop": {"left": p.left, "top": p.top}}


def _expected_placement(pre: dict) -> dict:
    placement = {"resized": [pre["resized_width"], pre["resized_height"]]}
    if pre["mode"] == "letterbox":
        return {**placement, "pad": {k: pre["pad"][k] for k in ("top", "bottom", "left", "right")}}
    return {**placement, "crop": {k: pre["crop"][k] for k in ("left", "top")}}


def _sha256(array: np.ndarray) -> str:
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    return hashlib.sha256(np.ascontiguousarray(little).tobytes()).hexdigest()


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else next((d for d in DEFAULT_DIRS if (d / "index.json").is_file()), None)
    if root is None:
        print("No conformance vectors found; give their folder: python check_conformance.py DIR", file=sys.stderr)
        return 2
    try:
        vectors = Vectors(root)
    except (FileNotFoundError, json.JSONDecodeError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    results = [vectors.check(name) for name in vectors.cases]
    for result in results:
        print(result.line())
    failed = sum(not r.ok for r in results)
    print(f"{len(results) - failed} of {len(results)} cases passed.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
