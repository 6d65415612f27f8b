"""Triton Inference Server's HTTP/REST v2 protocol, standard library only: binary tensors in and out."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import numpy as np

from infer_request import ServiceError

NUMPY_TYPES = {"FP32": np.float32, "FP16": np.float16, "UINT8": np.uint8, "INT8": np.int8}


class Triton:
    """Triton's HTTP/REST v2 protocol with the binary tensor extension (one request per image)."""

    def __init__(self, url: str, model: str, timeout: float) -> None:
        self.base, self.model, self.timeout = url.rstrip("/"), model, timeout

    def infer(self, name: str, tensor: np.ndarray, datatype: str) -> list[np.ndarray]:
        data = np.ascontiguousarray(tensor).tobytes()
        header = json.dumps(
            {
                "inputs": [
                    {
                        "name": name,
                        "shape": list(tensor.shape),
                        "datatype": datatype,
                        "parameters": {"binary_data_size": len(data)},
                    }
                ],
                "outputs": [{"name": n, "parameters": {"binary_data": True}} for n in self.output_names()],
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.base}/v2/models/{self.model}/infer",
            data=header + data,
            headers={"Content-Type": "application/octet-stream", "Inference-Header-Content-Length": str(len(header))},
        )
        body, header_length = self._send(request)
        answer = json.loads(body[:header_length])
        outputs, offset = [], header_length
        for output in answer["outputs"]:
            size = output["parameters"]["binary_data_size"]
            dtype = NUMPY_TYPES.get(output["datatype"], np.float32)
            array = np.frombuffer(body[offset : offset + size], dtype=dtype).reshape(output["shape"])
            outputs.append(array.astype(np.float32))
            offset += size
        return outputs

    def output_names(self) -> list[str]:
        if not hasattr(self, "_outputs"):
            body, _ = self._send(urllib.request.Request(f"{self.base}/v2/models/{self.model}"))
            self._outputs = [o["name"] for o in json.loads(body)["outputs"]]
        return self._outputs

    def ready(self) -> bool:
        try:
            self._send(urllib.request.Request(f"{self.base}/v2/models/{self.model}/ready"))
            return True
        except ServiceError:
            return False

    def _send(self, request: urllib.request.Request) -> tuple[bytes, int]:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
                return body, int(response.headers.get("Inference-Header-Content-Length") or len(body))
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")[:500]
            raise ServiceError(
                502,
                "INFERENCE_FAILED",
                f"Triton answered {e.code} for model {self.model}: {detail}",
                "The model could not run on this input; check the Triton container's log.",
            ) from None
        except (urllib.error.URLError, OSError) as e:
            raise ServiceError(
                503,
                "BACKEND_UNAVAILABLE",
                f"Triton at {self.base} cannot be reached ({getattr(e, 'reason', e)}).",
                "The inference server is down or restarting; try again shortly (docker compose ps).",
            ) from None
