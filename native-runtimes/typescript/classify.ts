import type { RgbImage } from './image';
import { pythonRound } from './python-round';
import { resizePilBilinear } from './resize-pil';

/** Where the model input was cut from: the resized image and the centred crop taken from it. */
export interface CenterCropTransform {
  /** Original [height, width]. */
  sourceShape: [number, number];
  /** Model input [height, width]. */
  targetShape: [number, number];
  resizedWidth: number;
  resizedHeight: number;
  /** Crop offset inside the resized image. */
  top: number;
  left: number;
}

/**
 * torchvision's Resize(size) + CenterCrop(size) as Ultralytics' classify_transforms builds them: a square target
 * resizes the shorter side (the longer one truncated, as torchvision does), a non-square one resizes to it exactly.
 */
export function centerCropTransform(
  sourceWidth: number,
  sourceHeight: number,
  targetShape: [number, number],
): CenterCropTransform {
  const [targetHeight, targetWidth] = targetShape;
  let resizedWidth = targetWidth;
  let resizedHeight = targetHeight;
  if (targetHeight === targetWidth) {
    const size = targetHeight;
    if (sourceWidth <= sourceHeight) {
      resizedWidth = size;
      resizedHeight = Math.trunc((size * sourceHeight) / sourceWidth);
    } else {
      resizedHeight = size;
      resizedWidth = Math.trunc((size * sourceWidth) / sourceHeight);
    }
  }
  return {
    sourceShape: [sourceHeight, sourceWidth],
    targetShape: [targetHeight, targetWidth],
    resizedWidth,
    resizedHeight,
    top: pythonRound((resizedHeight - targetHeight) / 2),
    left: pythonRound((resizedWidth - targetWidth) / 2),
  };
}

/** Resize (Pillow bilinear, antialiased) then crop the centre: the classification predictor's preprocessing. */
export function shortestEdgeCenterCrop(
  image: RgbImage,
  targetShape: [number, number],
): { image: RgbImage; transform: CenterCropTransform } {
  const transform = centerCropTransform(image.width, image.height, targetShape);
  const resized = resizePilBilinear(image, transform.resizedWidth, transform.resizedHeight);
  const [height, width] = targetShape;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((y + transform.top) * resized.width + transform.left) * 3;
    out.set(resized.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { image: { width, height, data: out }, transform };
}

export interface ClassScore {
  classId: number;
  score: number;
}

/** Probabilities from a classifier's output: as they are when they already sum to 1, else through softmax. */
export function toProbabilities(values: Float32Array): Float32Array {
  let sum = 0;
  let allInRange = true;
  for (const v of values) {
    sum += v;
    if (v < 0 || v > 1) allInRange = false;
  }
  if (allInRange && Math.abs(sum - 1) < 1e-3) return values;
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / total);
}

/** The k most probable classes, highest first (ties keep the lower class id first); optionally only some classes. */
export function topK(probabilities: Float32Array, k: number, classes?: readonly number[]): ClassScore[] {
  const allowed = classes ? new Set(classes) : null;
  const scores: ClassScore[] = [];
  probabilities.forEach((score, classId) => {
    if (!allowed || allowed.has(classId)) scores.push({ classId, score });
  });
  return scores.sort((a, b) => b.score - a.score || a.classId - b.classId).slice(0, Math.max(0, k));
}
