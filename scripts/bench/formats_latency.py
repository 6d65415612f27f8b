"""Side-by-side CPU latency of exported artifacts (e.g. one format's FP32 and INT8), for bench:formats.

    <toolchain python> scripts/bench/formats_latency.py --format onnx --imgsz 320 A.onnx B.onnx [--rounds 30]

Each artifact runs through its format's own runner from the formats table — the one the parity check times, so the
same runtime and session options — on the parity images. Calls alternate round-robin between the artifacts, so the
load other processes put on the machine falls on all of them alike. Prints {"<path>": median ms, ...} as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[2]))

from trainers.common.env import import_ultralytics


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", required=True)
    parser.add_argument("--imgsz", type=int, required=True)
    parser.add_argument("--task", default="detect")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("artifacts", nargs="+")
    args = parser.parse_args()

    import_ultralytics()
    from trainers.common.preprocess import to_input
    from trainers.common.registry import get_format
    from trainers.ultralytics import formats  # noqa: F401  (registers every format)
    from trainers.ultralytics.parity_sources import parity_images

    spec = get_format(args.format)
    inputs = [
        to_input([image], (args.imgsz, args.imgsz), args.task)
        for image in parity_images()[0]
    ]
    runners = {path: spec.load_runner(Path(path)) for path in args.artifacts}
    for run in runners.values():  # warm-up: first calls allocate and compile
        run(inputs[0])
    times: dict[str, list[float]] = {path: [] for path in runners}
    for i in range(args.rounds):
        x = inputs[i % len(inputs)]
        for path, run in runners.items():
            start = time.perf_counter()
            run(x)
            times[path].append((time.perf_counter() - start) * 1000)
    print(json.dumps({path: statistics.median(t) for path, t in times.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
