import type { Box } from './boxes';
import { xywhToXyxy } from './boxes';
import { VisionError } from './errors';
import { nonMaxSuppression } from './nms';

export interface RawDetection {
  /** [x1, y1, x2, y2] in model-input pixels. */
  box: Box;
  score: number;
  classId: number;
  /** Channels after the class scores for this anchor: mask coefficients (segment) or keypoints (pose). */
  extra: Float32Array;
}

export interface DetectOptions {
  /** Keep boxes whose best class score is strictly above this (Ultralytics' `conf`). */
  confThreshold: number;
  iouThreshold: number;
  maxDetections: number;
  agnostic: boolean;
  /** Keep only these class ids. */
  classes?: readonly number[];
  /** Number of classes; the rest of the channels are extras. Defaults to every channel after the box. */
  numClasses?: number;
  /** The model already ran NMS and outputs [1, N, 6 + extra] rows of x1, y1, x2, y2, score, class. */
  endToEnd?: boolean;
}

/** Ultralytics caps the boxes entering NMS at this many, highest scores first. */
const MAX_NMS_INPUT = 30_000;

/**
 * Decodes an Ultralytics detection head: [1, 4 + nc + extra, N] (cx, cy, w, h, class scores…) through
 * Ultralytics' non_max_suppression, or an end-to-end [1, N, 6 + extra] output through its confidence filter.
 */
export function decodeDetections(
  output: Float32Array,
  dims: readonly number[],
  options: DetectOptions,
): RawDetection[] {
  if (dims.length !== 3 || dims[0] !== 1) {
    throw new VisionError(
      'UNSUPPORTED_MODEL_OUTPUT',
      `A detection output must be [1, channels, anchors]; this model's is [${dims.join(', ')}].`,
      'Export the model for the detect/segment/pose task with batch size 1.',
    );
  }
  const endToEnd = options.endToEnd ?? dims[2] === 6;
  return endToEnd ? decodeEndToEnd(output, dims, options) : decodeAnchors(output, dims, options);
}

function decodeAnchors(
  output: Float32Array,
  dims: readonly number[],
  options: DetectOptions,
): RawDetection[] {
  const channels = dims[1]!;
  const anchors = dims[2]!;
  const numClasses = options.numClasses ?? channels - 4;
  if (numClasses < 1 || 4 + numClasses > channels) {
    throw new VisionError(
      'UNSUPPORTED_MODEL_OUTPUT',
      `The output has ${channels} channels, too few for 4 box values and ${numClasses} classes.`,
      'Check that the class names in the model metadata belong to this model.',
    );
  }
  const extraCount = channels - 4 - numClasses;
  const allowed = options.classes ? new Set(options.classes) : null;
  let candidates: RawDetection[] = [];
  for (let a = 0; a < anchors; a++) {
    let best = -Infinity;
    let bestClass = 0;
    for (let c = 0; c < numClasses; c++) {
      const score = output[(4 + c) * anchors + a]!;
      if (score > best) {
        best = score;
        bestClass = c;
      }
    }
    if (!(best > options.confThreshold)) continue;
    if (allowed && !allowed.has(bestClass)) continue;
    const extra = new Float32Array(extraCount);
    for (let e = 0; e < extraCount; e++) extra[e] = output[(4 + numClasses + e) * anchors + a]!;
    const box = xywhToXyxy(
      output[a]!,
      output[anchors + a]!,
      output[2 * anchors + a]!,
      output[3 * anchors + a]!,
    );
    candidates.push({ box, score: best, classId: bestClass, extra });
  }
  if (candidates.length > MAX_NMS_INPUT) {
    candidates = candidates.sort((x, y) => y.score - x.score).slice(0, MAX_NMS_INPUT);
  }
  return nonMaxSuppression(candidates, {
    iouThreshold: options.iouThreshold,
    agnostic: options.agnostic,
    maxDetections: options.maxDetections,
  });
}

function decodeEndToEnd(
  output: Float32Array,
  dims: readonly number[],
  options: DetectOptions,
): RawDetection[] {
  const rows = dims[1]!;
  const width = dims[2]!;
  const allowed = options.classes ? new Set(options.classes) : null;
  const detections: RawDetection[] = [];
  for (let r = 0; r < rows && detections.length < options.maxDetections; r++) {
    const o = r * width;
    const score = output[o + 4]!;
    const classId = Math.round(output[o + 5]!);
    if (!(score > options.confThreshold)) continue;
    if (allowed && !allowed.has(classId)) continue;
    const box: Box = [output[o]!, output[o + 1]!, output[o + 2]!, output[o + 3]!];
    detections.push({ box, score, classId, extra: output.slice(o + 6, o + width) });
  }
  return detections;
}
