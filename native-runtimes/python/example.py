"""Predictions for images with an Edgepack export, as `edgepack predict` prints them.

    python example.py photo.jpg [more.jpg ...] [--json] [--model PATH] [--metadata PATH] [--conf C] [--iou I]
    python example.py photo.jpg --repeat 20      # per-stage median milliseconds, as JSON

In a bundle, the model and metadata.json are found at the bundle's root (../.. from here) unless given.
Exit codes: 0 done, 1 every image failed (or the model could not be loaded), 2 usage error, 3 some images failed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from model_wrapper import ModelWrapper, WrapperError
from wrapper_json import js_stringify
from wrapper_postprocess import round_to

STAGES = ("decode", "preprocess", "inference", "postprocess", "total")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        model = ModelWrapper(args.model, args.metadata)
    except WrapperError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    options = {"conf": args.conf, "iou": args.iou, "max_det": args.max_det, "top_k": args.top}
    if args.repeat:
        return _benchmark(model, args.images, args.repeat, options)
    results = []
    for image in args.images:
        try:
            results.append({"image": _image(image), "predictions": model.predict(image, **options)})
        except WrapperError as e:
            results.append({"image": _image(image), "error": {"code": type(e).__name__, "message": str(e)}})
    if args.json:
        print(js_stringify({"model": str(model.model_path), "task": model.spec.task, "results": results}))
    else:
        for result in results:
            _print_result(result)
    failed = sum("error" in r for r in results)
    return 0 if failed == 0 else 1 if failed == len(results) else 3


def _benchmark(model: ModelWrapper, images: list[str], repeat: int, options: dict) -> int:
    """Each image once to warm up, then `repeat` times; the median milliseconds of each stage over all runs."""
    runs: dict[str, list[float]] = {stage: [] for stage in STAGES}
    try:
        for image in images:
            model.predict(image, **options)
            for _ in range(repeat):
                for stage, ms in model.predict_timed(image, **options)[1].items():
                    runs[stage].append(ms)
    except WrapperError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    medians = {stage: round_to(statistics.median(values), 3) for stage, values in runs.items()}
    print(js_stringify({"model": str(model.model_path), "images": len(images), "repeat": repeat, "median_ms": medians}))
    return 0


def _image(path: str) -> dict:
    return {"path": str(Path(path).resolve()), "name": Path(path).name}


def _print_result(result: dict) -> None:
    name = result["image"]["name"]
    if "error" in result:
        print(f"{name}: error: {result['error']['message']}")
        return
    predictions = result["predictions"]
    print(f"{name}: {len(predictions)} prediction{'s' if len(predictions) != 1 else ''}")
    for p in predictions:
        line = f"  {p['class']} ({p['class_id']}) {p['confidence']:.3f}"
        if "bbox" in p:
            line += " [" + ", ".join(f"{v:.1f}" for v in p["bbox"]) + "]"
        if p.get("mask"):
            line += f" mask {p['mask']['width']}x{p['mask']['height']} at ({p['mask']['x']}, {p['mask']['y']})"
        if "keypoints" in p:
            line += f" {len(p['keypoints'])} keypoints"
        print(line)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Run an Edgepack export on images, as `edgepack predict` does.")
    parser.add_argument("images", nargs="+", help="image files (JPEG, PNG, WebP, TIFF, BMP)")
    parser.add_argument("--json", action="store_true", help="print one JSON document (predictions as edgepack's)")
    parser.add_argument("--model", help="the model file or OpenVINO folder (default: the one metadata.json names)")
    parser.add_argument("--metadata", help="metadata.json (default: beside the model, else the bundle's root)")
    parser.add_argument("--conf", type=_fraction, help="confidence threshold, 0-1 (default: the model's)")
    parser.add_argument("--iou", type=_fraction, help="NMS IoU threshold, 0-1 (default: the model's)")
    parser.add_argument("--max-det", type=_positive, help="most detections per image (default: the model's)")
    parser.add_argument("--top", type=_positive, help="classification: how many classes to list (default 5)")
    parser.add_argument("--repeat", type=_positive, help="time N runs per image; print median ms per stage as JSON")
    return parser


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to 1")
    return value


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


if __name__ == "__main__":
    sys.exit(main())
