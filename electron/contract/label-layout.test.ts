import { describe, expect, it } from 'vitest';
import { placeLabels, type LabelRect } from './label-layout';

const inside = (r: LabelRect, width: number, height: number) =>
  r.x >= 0 && r.y >= 0 && r.x + r.width <= width && r.y + r.height <= height;
const overlaps = (a: LabelRect, b: LabelRect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('placeLabels', () => {
  it('puts a label above its box when there is room', () => {
    expect(placeLabels([[50, 50, 150, 150]], [{ width: 60, height: 16 }], 400, 300)).toEqual([
      { x: 50, y: 34, width: 60, height: 16 },
    ]);
  });

  it('keeps labels of boxes at the edges inside the drawing', () => {
    const size = { width: 120, height: 20 };
    const rects = placeLabels(
      [
        [0, 0, 40, 40],
        [380, 5, 400, 60],
        [300, 280, 400, 300],
      ],
      [size, size, size],
      400,
      300,
    );
    for (const r of rects) expect(inside(r, 400, 300), JSON.stringify(r)).toBe(true);
  });

  it('moves the labels of a cluster of boxes apart', () => {
    // Five boxes whose top-left corners are a few pixels apart: their "above" spots all collide.
    const boxes = [0, 1, 2, 3, 4].map((i) => [100 + i * 4, 100 + i * 3, 220 + i * 4, 220 + i * 3] as const);
    const rects = placeLabels(
      boxes,
      boxes.map(() => ({ width: 70, height: 18 })),
      640,
      480,
    );
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++)
        expect(overlaps(rects[i]!, rects[j]!), `labels ${i} and ${j}`).toBe(false);
  });
});
