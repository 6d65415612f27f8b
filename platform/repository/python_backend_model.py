"""Triton Python-backend model that runs the deployment's model.onnx on ONNX Runtime (CPU).

Used where Triton has no ONNX Runtime backend (the tritonserver bundled with nvidia-pytriton ships only the
Python backend). Batches formed by Triton's dynamic batcher are split when the ONNX graph has a fixed batch.
"""

import os

# ONNX Runtime 1.29+ uploads usage telemetry from Linux unless this is set before it starts (the endpoint's own
# setting, if its operator gave one, is kept).
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

import numpy as np
import onnxruntime as ort
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        model_dir = os.path.join(args["model_repository"], args["model_version"])
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("EDGEPACK_ORT_THREADS", "0"))
        self.session = ort.InferenceSession(
            os.path.join(model_dir, "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.outputs = [o.name for o in self.session.get_outputs()]
        first_dim = self.session.get_inputs()[0].shape[0]
        self.fixed_batch = first_dim if isinstance(first_dim, int) and first_dim > 0 else None

    def _run(self, feeds):
        batch = next(iter(feeds.values())).shape[0]
        if self.fixed_batch is None or batch == self.fixed_batch:
            return self.session.run(self.outputs, feeds)
        parts = [
            self.session.run(self.outputs, {k: v[i : i + 1] for k, v in feeds.items()}) for i in range(batch)
        ]
        return [np.concatenate([p[j] for p in parts]) for j in range(len(self.outputs))]

    def execute(self, requests):
        responses = []
        for request in requests:
            try:
                feeds = {name: pb_utils.get_input_tensor_by_name(request, name).as_numpy() for name in self.inputs}
                results = self._run(feeds)
                tensors = [pb_utils.Tensor(name, value) for name, value in zip(self.outputs, results)]
                responses.append(pb_utils.InferenceResponse(output_tensors=tensors))
            except Exception as error:  # noqa: BLE001 - every failure goes back to the caller as Triton's error
                responses.append(pb_utils.InferenceResponse(error=pb_utils.TritonError(str(error))))
        return responses
