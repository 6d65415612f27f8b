/** How many rungs up and down a label may be stacked from its box before the least-overlapping spot is taken. */
const LADDER = 12;

/** A rectangle in drawing pixels: left, top, width, height. */
export interface LabelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where each box's label goes: above the box's top-left corner when there is room, else just inside it, else
 * below it (then stacked further up or down); always wholly inside the `width` × `height` drawing, and away from labels already placed when any of
 * those spots is free (else the spot that overlaps them least). Boxes are [x1, y1, x2, y2]; labels are placed in
 * the order given (most confident first, as predictions come), so the strongest keep the best spots. Shared by the
 * app's canvas and the CLI's saved images.
 */
export function placeLabels(
  boxes: readonly (readonly [number, number, number, number])[],
  sizes: readonly { width: number; height: number }[],
  width: number,
  height: number,
): LabelRect[] {
  const placed: LabelRect[] = [];
  boxes.forEach(([x1, y1, x2, y2], i) => {
    const size = sizes[i]!;
    const candidates = [
      { x: x1, y: y1 - size.height },
      { x: x1, y: y1 },
      { x: x1, y: y2 },
      { x: x2 - size.width, y: y1 - size.height },
      { x: x2 - size.width, y: y2 - size.height },
      { x: x1, y: y2 - size.height },
      // A tight cluster fills those spots: stack further labels above and below, like a ladder.
      ...Array.from({ length: 2 * LADDER }, (_, k) => ({
        x: x1,
        y: k % 2 ? y1 + (k >> 1) * size.height : y1 - ((k >> 1) + 2) * size.height,
      })),
    ].map((c) => clamp({ ...c, ...size }, width, height));
    let best = candidates[0]!;
    let bestOverlap = Infinity;
    for (const candidate of candidates) {
      const overlap = placed.reduce((sum, other) => sum + overlapArea(candidate, other), 0);
      if (overlap < bestOverlap) {
        best = candidate;
        bestOverlap = overlap;
      }
      if (overlap === 0) break;
    }
    placed.push(best);
  });
  return placed;
}

function clamp(rect: LabelRect, width: number, height: number): LabelRect {
  return {
    ...rect,
    x: Math.max(0, Math.min(rect.x, width - rect.width)),
    y: Math.max(0, Math.min(rect.y, height - rect.height)),
  };
}

function overlapArea(a: LabelRect, b: LabelRect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
