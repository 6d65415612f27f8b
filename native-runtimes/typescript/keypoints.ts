import { scalePointToSource } from './boxes';
import type { LetterboxTransform } from './letterbox';

export interface SourceKeypoint {
  x: number;
  y: number;
  /** Visibility score, when the model predicts one. */
  score: number | null;
}

/**
 * A pose detection's keypoints (the channels after its class scores: x, y[, visibility] per point, in model-input
 * pixels) in original-image pixels, as Ultralytics' scale_coords maps them.
 */
export function keypointsToSource(
  values: Float32Array,
  [count, perPoint]: readonly [number, number],
  transform: LetterboxTransform,
): SourceKeypoint[] {
  const points: SourceKeypoint[] = [];
  for (let k = 0; k < count; k++) {
    const [x, y] = scalePointToSource(values[k * perPoint]!, values[k * perPoint + 1]!, transform);
    points.push({ x, y, score: perPoint >= 3 ? values[k * perPoint + 2]! : null });
  }
  return points;
}
