"""What Python pipelines do before inference, timed one call at a time, for `npm run bench:preview`.

usage: python preview_reference.py MODEL.onnx
Loads the model in Ultralytics' predictor (one warm-up prediction), prints "ready", then answers each JSON request
read on stdin with the milliseconds of one call, timed here (the pipe is not counted), so the benchmark can
alternate them with Edgepack's own steps:
  {"op": "decode", "image": PATH}                 cv2.imread(PATH), as Ultralytics reads images
  {"op": "pre", "image": PATH}                    the predictor's own preprocess([image]) of the BGR image: letterbox
                                                  (detect) or Resize + CenterCrop on a PIL image (classify), then the
                                                  NCHW float tensor
  {"op": "resize", "image": PATH, "size": [W, H]} PIL.Image.resize(size, BILINEAR), what torchvision's Resize runs
"""

import json
import sys
import time

import cv2
from PIL import Image
from ultralytics import YOLO


def main(argv: list[str]) -> None:
    model = YOLO(argv[1])
    images: dict[str, object] = {}
    pil: dict[str, Image.Image] = {}
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        op, path = request["op"], request["image"]
        if path not in images:
            images[path] = cv2.imread(path)
            pil[path] = Image.fromarray(cv2.cvtColor(images[path], cv2.COLOR_BGR2RGB))
            model.predict(path, verbose=False)  # sets the predictor up for this model (and warms it)
        if op == "decode":
            started = time.perf_counter()
            cv2.imread(path)
        elif op == "pre":
            image = images[path]
            started = time.perf_counter()
            model.predictor.preprocess([image])
        elif op == "resize":
            image = pil[path]
            started = time.perf_counter()
            image.resize(tuple(request["size"]), Image.Resampling.BILINEAR)
        else:
            raise ValueError(f"unknown op {op}")
        print(f"{(time.perf_counter() - started) * 1000:.4f}", flush=True)


if __name__ == "__main__":
    main(sys.argv)
