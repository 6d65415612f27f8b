import type { Box } from './boxes';
import { iou } from './boxes';

export interface Candidate {
  box: Box;
  score: number;
  classId: number;
}

export interface NmsOptions {
  iouThreshold: number;
  /** One pass over all boxes regardless of class (true) or per class (false, Ultralytics' default). */
  agnostic: boolean;
  maxDetections: number;
}

/** Ultralytics' per-class offset: boxes of different classes are moved this far apart so they never overlap. */
const CLASS_OFFSET = 7680;

/**
 * Greedy non-maximum suppression as torchvision.ops.nms: highest score first, drop boxes whose IoU with a kept
 * box exceeds the threshold. Returns kept candidates in descending score order, at most maxDetections.
 */
export function nonMaxSuppression<T extends Candidate>(candidates: T[], options: NmsOptions): T[] {
  const order = candidates
    .map((candidate, index) => ({ candidate, index }))
    .sort((a, b) => b.candidate.score - a.candidate.score || a.index - b.index)
    .map((entry) => entry.candidate);
  const shifted = order.map((candidate) => offsetBox(candidate, options.agnostic));
  const suppressed = new Uint8Array(order.length);
  const kept: T[] = [];
  for (let i = 0; i < order.length && kept.length < options.maxDetections; i++) {
    if (suppressed[i]) continue;
    kept.push(order[i]!);
    for (let j = i + 1; j < order.length; j++) {
      if (!suppressed[j] && iou(shifted[i]!, shifted[j]!) > options.iouThreshold) suppressed[j] = 1;
    }
  }
  return kept;
}

function offsetBox(candidate: Candidate, agnostic: boolean): Box {
  if (agnostic) return candidate.box;
  const offset = candidate.classId * CLASS_OFFSET;
  const [x1, y1, x2, y2] = candidate.box;
  return [x1 + offset, y1 + offset, x2 + offset, y2 + offset];
}
