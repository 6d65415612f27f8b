"""Ultralytics' own predictor on an ONNX file, as the reference the preview must match.

usage: python ultralytics_predict.py MODEL.onnx IMAGE... > results.json
Prints one JSON document: per image, the boxes (xyxy, original pixels), confidences, classes, masks (run lengths
over the model-input frame, as the preview reports them), keypoints, or the classification probabilities; plus
the predictor's own per-image timings.
"""

import json
import sys
import time

from ultralytics import YOLO


def runs(bits):
    """Run lengths of a flat 0/1 sequence, starting with zeros."""
    out, current, length = [], 0, 0
    for bit in bits:
        if bit == current:
            length += 1
        else:
            out.append(length)
            current, length = bit, 1
    out.append(length)
    return out


def describe(result):
    item = {"shape": list(result.orig_shape), "speed": result.speed}
    if result.probs is not None:
        item["probs"] = result.probs.data.float().cpu().tolist()
        return item
    boxes = result.boxes
    item["boxes"] = boxes.xyxy.float().cpu().tolist()
    item["conf"] = boxes.conf.float().cpu().tolist()
    item["cls"] = [int(c) for c in boxes.cls.cpu().tolist()]
    if result.masks is not None:
        data = result.masks.data.cpu().numpy().astype("uint8")
        item["mask_shape"] = list(data.shape[1:])
        item["masks"] = [runs(m.flatten().tolist()) for m in data]
    if result.keypoints is not None:
        item["keypoints"] = result.keypoints.data.float().cpu().tolist()
    return item


def main(argv):
    model_path, images = argv[1], argv[2:]
    model = YOLO(model_path)
    out = {}
    for image in images:
        started = time.perf_counter()
        result = model.predict(image, verbose=False)[0]
        item = describe(result)
        item["wall_ms"] = (time.perf_counter() - started) * 1000
        out[image] = item
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
