import { describe, expect, it } from 'vitest';
import { decodeRuns, encodeRuns, instanceMask } from './segment';

/** One prototype channel over a 4 × 4 grid: positive on the left half, negative on the right. */
function prototypes() {
  const data = new Float32Array(16);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) data[y * 4 + x] = x < 2 ? 1 : -1;
  return { data, dims: [1, 1, 4, 4] };
}

describe('instanceMask', () => {
  it('upsamples coefficient × prototype to the input, keeps > 0 and crops to the box', () => {
    const mask = instanceMask(prototypes(), Float32Array.from([2]), [2.5, 4, 14, 12], [16, 16])!;
    // Columns 3..13 (≥ 2.5 and < 14) and rows 4..11; the mask is positive on the left half (x < 8).
    expect(mask).toMatchObject({ x: 3, y: 4, width: 11, height: 8 });
    const firstRow = Array.from(mask.data.subarray(0, mask.width));
    expect(firstRow).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('is null when nothing of the instance is inside its box (Ultralytics drops it)', () => {
    expect(instanceMask(prototypes(), Float32Array.from([2]), [9, 0, 16, 16], [16, 16])).toBeNull();
    expect(instanceMask(prototypes(), Float32Array.from([-2]), [0, 0, 7, 16], [16, 16])).toBeNull();
  });

  it('names the shape it expected when the prototypes do not fit the coefficients', () => {
    expect(() => instanceMask(prototypes(), Float32Array.from([1, 2]), [0, 0, 4, 4], [16, 16])).toThrow(
      /must be \[1, 2, height, width\]/,
    );
  });
});

describe('mask run lengths', () => {
  it('round-trips, starting with a run of zeros', () => {
    const bits = Uint8Array.from([1, 1, 0, 0, 0, 1, 0]);
    expect(encodeRuns(bits)).toEqual([0, 2, 3, 1, 1]);
    expect(decodeRuns(encodeRuns(bits), bits.length)).toEqual(bits);
  });
});
