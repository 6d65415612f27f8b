"""The PyTorch model's outputs on the parity inputs, computed once per job.

They are started in a background thread right after the checkpoint loads, so the reference inference overlaps the
first conversion (torch releases the GIL while it computes), and every format of a multi-format job reuses them.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from trainers.common.parity import TimedRunner
from trainers.common.preprocess import to_input

from .checkpoint import LoadedCheckpoint
from .parity_sources import parity_images, torch_runner


class ReferenceOutputs:
    def __init__(self, loaded: LoadedCheckpoint):
        self._loaded = loaded
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parity-reference")
        self._pending: dict[tuple[int, ...], Future] = {}
        self._latency: dict[tuple[int, ...], float] = {}

    def start(self, imgsz: list[int]) -> None:
        key = tuple(imgsz)
        if key not in self._pending:
            self._pending[key] = self._pool.submit(self._compute, key)

    def get(self, imgsz: list[int]) -> tuple[list[np.ndarray], list[str], list[list[np.ndarray]]]:
        """(inputs, image names, reference outputs per input) at this input size; waits for the thread if needed."""
        self.start(imgsz)
        return self._pending[tuple(imgsz)].result()

    def latency_ms(self, imgsz: list[int]) -> float:
        """PyTorch's median CPU latency on the parity inputs, measured once per size on the caller's thread (the
        reference thread overlaps a conversion, so its own times would be slowed by it): what speed-ups compare to."""
        key = tuple(imgsz)
        if key not in self._latency:
            inputs, _names, _outputs = self.get(imgsz)
            timed = TimedRunner(torch_runner(self._loaded.yolo.model))
            for x in inputs:
                timed(x)
            self._latency[key] = round(timed.latency_ms(), 3)
        return self._latency[key]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _compute(self, imgsz: tuple[int, ...]):
        images, names = parity_images()
        inputs = [to_input([img], imgsz, self._loaded.task) for img in images]
        run = torch_runner(self._loaded.yolo.model)
        return inputs, names, [run(x) for x in inputs]
