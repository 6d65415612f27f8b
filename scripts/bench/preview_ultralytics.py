"""Ultralytics' own predictor (`YOLO(model).predict`) timed per request, for `npm run bench:preview`.

usage: python preview_ultralytics.py MODEL.onnx
Prints "ready" once the model is loaded, then for each image path read on stdin predicts it and prints the wall
milliseconds of that `predict` call followed by the predictor's own stage timings (`results[0].speed`: preprocess,
inference, postprocess; reading the image is in the wall time only), so the benchmark can interleave it with
Edgepack's runs.
"""

import sys
import time

from ultralytics import YOLO


def main(argv):
    model = YOLO(argv[1])
    print("ready", flush=True)
    for line in sys.stdin:
        image = line.strip()
        started = time.perf_counter()
        speed = model.predict(image, verbose=False)[0].speed
        wall = (time.perf_counter() - started) * 1000
        stages = " ".join(
            f"{speed[k]:.3f}" for k in ("preprocess", "inference", "postprocess")
        )
        print(f"{wall:.3f} {stages}", flush=True)


if __name__ == "__main__":
    main(sys.argv)
