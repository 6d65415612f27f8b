"""The packages benchmark's baseline: Ultralytics' YOLO(model).predict on one photo, median ms of N calls.

python packages_ultralytics.py MODEL PHOTO N     # prints {"total": ms} (after one warm-up call)
python packages_ultralytics.py MODEL PHOTO 0     # one cold call, as a script would: prints {"predictions": n}
"""

import json
import os
import statistics
import sys
import time

os.environ.setdefault("YOLO_OFFLINE", "true")
from ultralytics import YOLO

model_path, photo, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
model = YOLO(model_path, task="detect")
first = model.predict(photo, verbose=False)
if runs == 0:
    print(json.dumps({"predictions": len(first[0].boxes)}))
    sys.exit(0)
times = []
for _ in range(runs):
    started = time.perf_counter()
    model.predict(photo, verbose=False)
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps({"total": statistics.median(times)}))
