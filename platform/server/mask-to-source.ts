import type { PreviewInputMapping, PreviewMask } from '@edgepack/runtime/predictions';
import { decodeRuns, encodeRuns } from '@edgepack/runtime/segment';

/** A binary mask in original-image pixels over [x, y, width, height]; runs alternate 0s and 1s, row-major. */
export interface SourceMask {
  x: number;
  y: number;
  width: number;
  height: number;
  runs: number[];
}

/**
 * Carries a mask from model-input pixels to the original image's: pixel (u, v) of the original is inside when the
 * input pixel its centre falls on, (⌊left + (u + ½)·resizedWidth/sourceWidth⌋, likewise for v), is inside.
 * Null when no original pixel lands on the mask (a sliver in the padding).
 */
export function maskToSource(
  mask: PreviewMask,
  mapping: PreviewInputMapping,
  sourceWidth: number,
  sourceHeight: number,
): SourceMask | null {
  const columns = sourceSpan(
    mask.x,
    mask.width,
    mapping.left,
    mapping.resizedWidth / sourceWidth,
    sourceWidth,
  );
  const rows = sourceSpan(
    mask.y,
    mask.height,
    mapping.top,
    mapping.resizedHeight / sourceHeight,
    sourceHeight,
  );
  if (columns.indices.length === 0 || rows.indices.length === 0) return null;
  const bits = decodeRuns(mask.runs, mask.width * mask.height);
  const width = columns.indices.length;
  const height = rows.indices.length;
  const out = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    const row = rows.indices[r]! * mask.width;
    for (let c = 0; c < width; c++) out[r * width + c] = bits[row + columns.indices[c]!]!;
  }
  return { x: columns.first, y: rows.first, width, height, runs: encodeRuns(out) };
}

/** Original-image positions whose centres land in [from, from + size) of the input, and where in it they land. */
function sourceSpan(
  from: number,
  size: number,
  offset: number,
  scale: number,
  sourceSize: number,
): { first: number; indices: number[] } {
  const start = Math.max(0, Math.floor((from - offset) / scale - 0.5) - 1);
  const end = Math.min(sourceSize, Math.ceil((from + size - offset) / scale - 0.5) + 1);
  const indices: number[] = [];
  let first = -1;
  for (let u = start; u < end; u++) {
    const at = Math.floor(offset + (u + 0.5) * scale) - from;
    if (at < 0 || at >= size) continue;
    if (first < 0) first = u;
    indices.push(at);
  }
  return { first, indices };
}
