import { describe, expect, it } from 'vitest';
import { isDetection, rasterizeMask, type Prediction } from './predictions';
import { decodeRuns, encodeRuns } from './segment';

describe('rasterizeMask', () => {
  // A 4 × 3 mask at (10, 20): an L shape.
  const bits = Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
  const mask = { x: 10, y: 20, width: 4, height: 3, runs: encodeRuns(bits) };

  it('is the decoded mask at the photo’s scale', () => {
    expect(rasterizeMask(mask)).toEqual({
      x: 10,
      y: 20,
      width: 4,
      height: 3,
      data: decodeRuns(mask.runs, 12),
    });
  });

  it('marks the scaled pixel every photo pixel of the mask falls in, at a smaller scale', () => {
    // Columns 10..13 → 5, 5, 6, 6; rows 20..22 → 10, 10, 11.
    expect(rasterizeMask(mask, 0.5)).toEqual({
      x: 5,
      y: 10,
      width: 2,
      height: 2,
      data: Uint8Array.from([1, 0, 1, 1]),
    });
  });

  it('never enlarges (a scale above 1 draws at the photo’s own)', () => {
    expect(rasterizeMask(mask, 3)).toEqual(rasterizeMask(mask, 1));
  });
});

describe('isDetection', () => {
  it('tells a detection (it has a bbox) from a classifier’s class', () => {
    const found: Prediction[] = [
      { class: 'bus', class_id: 5, confidence: 0.9, bbox: [1, 2, 3, 4] },
      { class: 'tabby', class_id: 281, confidence: 0.5 },
    ];
    expect(found.map(isDetection)).toEqual([true, false]);
  });
});
