"""The runtime of the model file's format, chosen from the file: ONNX Runtime (.onnx), OpenVINO (an
`*_openvino_model/` folder or its .xml), LiteRT (.tflite). Each gives the outputs in Ultralytics' order and layout
(predictions first, then mask prototypes NCHW), as float32."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from wrapper_errors import ModelFileError
from wrapper_metadata import ModelSpec

FORMATS = {".onnx": "onnx", ".xml": "openvino", ".tflite": "tflite"}
OPENVINO_CONFIG = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"}


def model_format(path: Path) -> str:
    """The Edgepack format id of a model path, from its name."""
    if path.is_dir():
        if path.name.endswith("_openvino_model") or any(path.glob("*.xml")):
            return "openvino"
        raise ModelFileError(f"{path}: a folder, but not an OpenVINO model (no .xml inside).")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ModelFileError(
            f"{path}: the wrapper runs .onnx, .tflite and OpenVINO (*_openvino_model/ or .xml) models, not "
            f"{path.suffix or 'a file without extension'}."
        )
    return fmt


def open_backend(path: Path, spec: ModelSpec):
    if not path.exists():
        raise ModelFileError(f"{path}: model not found. Give its path (--model PATH) or keep it beside metadata.json.")
    backends = {"onnx": OnnxBackend, "openvino": OpenVinoBackend, "tflite": LiteRtBackend}
    return backends[model_format(path)](path, spec)


class OnnxBackend:
    def __init__(self, path: Path, spec: ModelSpec) -> None:
        # ONNX Runtime 1.29+ uploads usage telemetry from Linux and macOS unless this is set before it starts; a
        # value the person set is left alone.
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime as ort

        options = ort.SessionOptions()  # the app's preview session options (session-options.ts), said explicitly
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name
        self.output_names = [o.name for o in self.session.get_outputs()]

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        outputs = self.session.run(self.output_names, {self.input_name: tensor})
        return [np.asarray(o, dtype=np.float32) for o in outputs]


class OpenVinoBackend:
    """Compiled for the CPU in f32: OpenVINO's default there is bf16 on CPUs with AMX or AVX512-BF16, whose
    rounding moves confidences by ~0.01 — the wrapper's aim is the app's predictions, so full precision."""

    def __init__(self, path: Path, spec: ModelSpec) -> None:
        import openvino as ov

        xml = path if path.is_file() else next(iter(sorted(path.glob("*.xml"))))
        core = ov.Core()
        self.model = core.compile_model(core.read_model(str(xml)), "CPU", dict(OPENVINO_CONFIG))
        self.request = self.model.create_infer_request()

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        results = self.request.infer({0: tensor})
        return [np.asarray(results[o], dtype=np.float32) for o in self.model.outputs]


class LiteRtBackend:
    """LiteRT via ai_edge_litert. Ultralytics' LiteRT export divides box (and keypoint x/y) channels by the input
    size and puts segment prototypes NHWC: both are undone here, as Ultralytics' own LiteRT backend does."""

    def __init__(self, path: Path, spec: ModelSpec) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self.interpreter = Interpreter(model_path=str(path), num_threads=os.cpu_count() or 1)
        self.interpreter.allocate_tensors()
        self.input = self.interpreter.get_input_details()[0]
        self.outputs = self.interpreter.get_output_details()
        self.coordinate_scale = _coordinate_scale(spec) if spec.normalised_coordinates else None
        self.nhwc = self.input["shape"][-1] in (1, 3)

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        self.interpreter.set_tensor(self.input["index"], tensor)
        self.interpreter.invoke()
        results = []
        for o in self.outputs:
            y = self.interpreter.get_tensor(o["index"])
            if o["dtype"] != np.float32 and o["quantization"][0]:
                scale, zero = o["quantization"]
                y = (y.astype(np.float32) - zero) * np.float32(scale)
            y = np.asarray(y, dtype=np.float32)
            if y.ndim == 4 and self.nhwc and y.shape[-1] < y.shape[1]:  # NHWC models' prototypes come out NHWC
                y = y.transpose(0, 3, 1, 2)
            if y.ndim == 3 and self.coordinate_scale is not None:
                y = y * self.coordinate_scale[: y.shape[1], None]
            results.append(np.ascontiguousarray(y))
        return sorted(results, key=lambda y: y.ndim == 4)  # predictions first, then prototypes


def _coordinate_scale(spec: ModelSpec) -> np.ndarray:
    """Per-channel factor of the predictions output: the input size for box (and keypoint x/y) channels."""
    channels = 4 + len(spec.names) + spec.mask_coefficients
    kpt_start = channels
    if spec.kpt_shape:
        channels += spec.kpt_shape[0] * spec.kpt_shape[1]
    scale = np.ones(channels, np.float32)
    scale[:4] = spec.height
    if spec.kpt_shape:
        step = spec.kpt_shape[1]
        scale[kpt_start::step] = spec.height
        scale[kpt_start + 1 :: step] = spec.height
    return scale
