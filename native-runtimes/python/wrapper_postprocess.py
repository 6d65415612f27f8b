"""Raw outputs → the prediction vocabulary of native-runtimes/typescript/predictions.ts, in the photo's pixels,
rounded as the reference rounds (JavaScript's Math.round: halves up), in the same order."""

from __future__ import annotations

import math

import numpy as np

from wrapper_decode import Detections, Thresholds, decode_anchors, decode_end_to_end
from wrapper_errors import ModelOutputError
from wrapper_image import Placement
from wrapper_masks import instance_mask, mask_to_source, prototype_planes
from wrapper_metadata import ModelSpec


def round_to(value: float, digits: int) -> float:
    """The reference's roundTo for one number."""
    return js_round([value], digits)[0]


def js_round(values, digits: int):
    """JavaScript's Math.round(v * 10^d) / 10^d (halves up), elementwise, as Python floats."""
    factor = float(10**digits)
    scaled = np.asarray(values, dtype=np.float64) * factor
    whole = np.floor(scaled)
    return ((whole + (scaled - whole >= 0.5)) / factor).tolist()


def check_outputs(outputs: list[np.ndarray], spec: ModelSpec, model: str) -> None:
    """Refuses outputs that are not what metadata.json describes, rather than decoding garbage from them."""
    first = outputs[0].shape if outputs else None
    nc = len(spec.names)
    extras = spec.mask_coefficients + (spec.kpt_shape[0] * spec.kpt_shape[1] if spec.kpt_shape else 0)
    if spec.task == "classify":
        ok, expected = first is not None and math.prod(first) == nc, f"[1, {nc}]"
    elif spec.end_to_end:
        ok = first is not None and len(first) == 3 and first[0] == 1 and first[2] == 6 + extras
        expected = f"[1, rows, 6 + {extras}]"
    else:
        ok = first is not None and len(first) == 3 and first[0] == 1 and first[1] == 4 + nc + extras
        expected = f"[1, 4 + {nc} + {extras}, anchors]"
    if ok and spec.task == "segment":
        protos = outputs[1].shape if len(outputs) > 1 else None
        ok = protos is not None and len(protos) == 4 and protos[:2] == (1, spec.mask_coefficients)
        first, expected = protos, f"mask prototypes [1, {spec.mask_coefficients}, height, width] as a second output"
    if not ok:
        raise ModelOutputError(
            f"{model}: its output {list(first) if first is not None else 'is missing'}; {spec.path} describes a "
            f"{spec.task} model with {nc} classes (`task`, `names`, `postprocessing.decoder`), so {expected} was "
            "expected. Use the metadata.json exported with this model."
        )


def postprocess(outputs: list[np.ndarray], placement: Placement, spec: ModelSpec, options: dict) -> list[dict]:
    """Everything after inference. `options`: conf, iou, max_det, agnostic, classes, top_k (None: the model's)."""
    if spec.task == "classify":
        return _top_k(outputs[0], spec, options.get("top_k") or 5, options.get("classes"))
    nms = spec.nms
    pick = lambda key, default: default if options.get(key) is None else options[key]  # noqa: E731
    classes = options.get("classes")
    thresholds = Thresholds(
        conf=float(pick("conf", nms.conf)),
        iou=float(pick("iou", nms.iou)),
        max_det=int(pick("max_det", nms.max_det)),
        agnostic=bool(pick("agnostic", nms.agnostic)),
        classes=None if classes is None else tuple(classes),
    )
    if spec.end_to_end:
        found = decode_end_to_end(outputs[0], thresholds)
    else:
        found = decode_anchors(outputs[0], len(spec.names), thresholds)
    return _detections(found, outputs, placement, spec)


def _detections(found: Detections, outputs: list[np.ndarray], p: Placement, spec: ModelSpec) -> list[dict]:
    boxes = _to_source(found.boxes.reshape(-1, 2, 2), p).reshape(-1, 4)
    bboxes = js_round(boxes, 2)
    confidences = js_round(found.scores, 5)
    planes = prototype_planes(outputs[1]) if spec.task == "segment" else None
    predictions = []
    for i in range(len(found.scores)):
        class_id = int(found.class_ids[i])
        prediction = {**_named(spec, class_id, confidences[i]), "bbox": bboxes[i]}
        if planes is not None:
            mask = instance_mask(planes, found.extras[i], found.boxes[i], p)
            if mask is None:
                continue  # nothing of the instance is left: Ultralytics drops it
            prediction["mask"] = mask_to_source(*mask, p)
        if spec.task == "pose" and spec.kpt_shape:
            prediction["keypoints"] = _keypoints(found.extras[i], spec.kpt_shape, p)
        predictions.append(prediction)
    return predictions


def _to_source(points: np.ndarray, p: Placement) -> np.ndarray:
    """Ultralytics' scale_coords: model-input (x, y) pairs [..., 2] to photo pixels, clipped to the photo."""
    gain_x = p.resized_width / p.source_width
    gain_y = p.resized_height / p.source_height
    x = np.clip((points[..., 0] - p.left) / gain_x, 0, p.source_width)
    y = np.clip((points[..., 1] - p.top) / gain_y, 0, p.source_height)
    return np.stack([x, y], axis=-1)


def _keypoints(values: np.ndarray, kpt_shape: tuple[int, int], p: Placement) -> list[list]:
    count, per_point = kpt_shape
    points = values[: count * per_point].reshape(count, per_point)
    xy = js_round(_to_source(points[:, :2].astype(np.float64), p), 2)
    visibility = js_round(points[:, 2], 4) if per_point >= 3 else [None] * count
    return [[x, y, v] for (x, y), v in zip(xy, visibility, strict=True)]


def _top_k(output: np.ndarray, spec: ModelSpec, k: int, classes) -> list[dict]:
    probabilities = _probabilities(output.ravel().astype(np.float32))
    allowed = None if classes is None else set(classes)
    scored = [(float(s), c) for c, s in enumerate(probabilities) if allowed is None or c in allowed]
    scored.sort(key=lambda entry: (-entry[0], entry[1]))
    top = scored[: max(0, k)]
    confidences = js_round([s for s, _ in top], 5)
    return [_named(spec, c, confidence) for (_, c), confidence in zip(top, confidences, strict=True)]


def _probabilities(values: np.ndarray) -> np.ndarray:
    """As they are when they already sum to 1 (within 1e-3) and lie in [0, 1], else softmax in float32 steps."""
    wide = values.astype(np.float64)
    total = float(np.cumsum(wide)[-1]) if len(wide) else 0.0  # left to right, as the reference sums
    if ((wide >= 0) & (wide <= 1)).all() and abs(total - 1) < 1e-3:
        return values
    top = float(wide.max())
    exps = np.array([math.exp(v - top) for v in wide.tolist()], dtype=np.float32)
    exps_total = float(np.cumsum(exps.astype(np.float64))[-1])
    return (exps.astype(np.float64) / exps_total).astype(np.float32)


def _named(spec: ModelSpec, class_id: int, confidence: float) -> dict:
    name = spec.names[class_id] if 0 <= class_id < len(spec.names) else str(class_id)
    return {"class": name, "class_id": class_id, "confidence": confidence}
