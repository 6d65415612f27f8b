"""The packages benchmark's baseline: Ultralytics' YOLO(model).predict on one photo, median ms of N calls.

    python packages_ultralytics.py MODEL PHOTO N     # prints {"total": ms} (after one warm-up call)
"""

import json
import os
import statistics
import sys
import time

os.environ.setdefault("YOLO_OFFLINE", "true")
from ultralytics import YOLO  # noqa: E402

model_path, photo, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
model = YOLO(model_path, task="detect")
model.predict(photo, verbose=False)
times = []
for _ in range(runs):
    started = time.perf_counter()
    model.predict(photo, verbose=False)
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps({"total": statistics.median(times)}))
