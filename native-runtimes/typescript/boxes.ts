import type { LetterboxTransform } from './letterbox';

/** [x1, y1, x2, y2] in pixels. */
export type Box = [number, number, number, number];

export function xywhToXyxy(cx: number, cy: number, w: number, h: number): Box {
  const halfW = w / 2;
  const halfH = h / 2;
  return [cx - halfW, cy - halfH, cx + halfW, cy + halfH];
}

export function boxArea(box: Box): number {
  return Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]);
}

export function iou(a: Box, b: Box): number {
  const width = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const height = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  return intersection / (boxArea(a) + boxArea(b) - intersection);
}

/**
 * Ultralytics' ops.scale_boxes: from model-input pixels back to the original image, undoing the letterbox's
 * padding and its per-axis gain (each side was rounded separately), then clipped to the image.
 */
export function scaleBoxToSource(box: Box, transform: LetterboxTransform): Box {
  const [x1, y1] = scalePointToSource(box[0], box[1], transform);
  const [x2, y2] = scalePointToSource(box[2], box[3], transform);
  return [x1, y1, x2, y2];
}

/** Ultralytics' ops.scale_coords for one point (keypoints, mask contours): same mapping, clipped. */
export function scalePointToSource(x: number, y: number, transform: LetterboxTransform): [number, number] {
  const [sourceHeight, sourceWidth] = transform.sourceShape;
  const gainX = transform.resizedWidth / sourceWidth;
  const gainY = transform.resizedHeight / sourceHeight;
  return [clamp((x - transform.left) / gainX, sourceWidth), clamp((y - transform.top) / gainY, sourceHeight)];
}

function clamp(value: number, max: number): number {
  return value < 0 ? 0 : value > max ? max : value;
}
