/**
 * What post-processing answers, for every task: the one prediction vocabulary. The app's preview, the CLI's
 * `predict --json` and the endpoint's `POST /v1/infer` all answer with these objects, as they are — the seed's
 * names (`class`, `class_id`, `confidence`, `bbox`, plus `mask` / `keypoints`), never mapped at an edge.
 * Coordinates are in the original photo's pixels (upright per its EXIF orientation).
 */

/** Thresholds and filters; anything left out is the model's default (metadata.json, else Ultralytics'). */
export interface PostprocessOptions {
  conf?: number;
  iou?: number;
  maxDet?: number;
  agnostic?: boolean;
  /** Keep only these class ids. */
  classes?: number[];
  /** Classification: how many classes to list. */
  topK?: number;
}

/** [x1, y1, x2, y2] in the photo's pixels, rounded to 0.01 px. */
export type BBox = [number, number, number, number];

/** [x, y, visibility] in the photo's pixels (x, y rounded to 0.01 px); visibility null for 2-value keypoints. */
export type Keypoint = [number, number, number | null];

/**
 * A binary mask over the photo's rectangle [x, y, width, height]; `runs` alternate runs of 0s and 1s, row by row,
 * starting with 0s (possibly an empty run). Photo pixel (u, v) is inside when the model-input pixel its centre
 * falls on is (nearest neighbour through the letterbox; see `maskToSource`).
 */
export interface Mask {
  x: number;
  y: number;
  width: number;
  height: number;
  runs: number[];
}

/** A class and its probability: what a classifier answers (its top-k, most probable first). */
export interface ClassPrediction {
  /** The class name (the class id as text when the model names none). */
  class: string;
  class_id: number;
  /** Rounded to 5 decimals. */
  confidence: number;
}

/** An object found by a detect, segment or pose model. */
export interface Detection extends ClassPrediction {
  bbox: BBox;
  /** Segment: the instance's mask; null when it lies wholly in the letterbox padding. */
  mask?: Mask | null;
  /** Pose: the model's keypoints, in its order. */
  keypoints?: Keypoint[];
}

/** One prediction: a detection (detect, segment, pose), or a class of a classifier's top-k. */
export type Prediction = Detection | ClassPrediction;

export function isDetection(prediction: Prediction): prediction is Detection {
  return 'bbox' in prediction;
}

/** How model-input pixels map to the original image: x = (xi - left) * sourceWidth / resizedWidth. */
export interface PreviewInputMapping {
  inputWidth: number;
  inputHeight: number;
  left: number;
  top: number;
  resizedWidth: number;
  resizedHeight: number;
}

/** `value` rounded to `digits` decimals (Math.round's halves): every prediction's numbers go through it, once. */
export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A mask drawn at some scale of the photo: a bitmap over [x, y, width, height] of the scaled photo, 1 inside. */
export interface MaskBitmap {
  x: number;
  y: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * A mask as a bitmap at `scale` (at most 1) of the photo's pixels: photo pixel (u, v) marks scaled pixel
 * (⌊u·scale⌋, ⌊v·scale⌋). Walks the runs row by row, so a mask over a huge photo drawn small costs the small bitmap
 * only (what the playground's canvas and the CLI's `--save` draw).
 */
export function rasterizeMask(mask: Mask, scale = 1): MaskBitmap {
  const s = Math.min(1, scale);
  const x = Math.floor(mask.x * s);
  const y = Math.floor(mask.y * s);
  const width = Math.floor((mask.x + mask.width - 1) * s) - x + 1;
  const height = Math.floor((mask.y + mask.height - 1) * s) - y + 1;
  const data = new Uint8Array(Math.max(0, width * height));
  let at = 0;
  mask.runs.forEach((length, i) => {
    if (i % 2 === 1) {
      const end = at + length;
      for (let start = at; start < end;) {
        const r = Math.floor(start / mask.width);
        const c0 = start - r * mask.width;
        const c1 = Math.min(end - r * mask.width, mask.width);
        const row = (Math.floor((mask.y + r) * s) - y) * width;
        data.fill(
          1,
          row + Math.floor((mask.x + c0) * s) - x,
          row + Math.floor((mask.x + c1 - 1) * s) - x + 1,
        );
        start = r * mask.width + c1;
      }
    }
    at += length;
  });
  return { x, y, width, height, data };
}
