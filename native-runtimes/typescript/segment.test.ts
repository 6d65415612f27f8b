import { describe, expect, it } from 'vitest';
import { decodeRuns, encodeRuns, instanceMask, maskToSource } from './segment';

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

describe('maskToSource', () => {
  // A 200×100 photo letterboxed into 64×64: scale 0.32, 64×32 resized, 16 px padding above and below.
  const placement = { left: 0, top: 16, resizedWidth: 64, resizedHeight: 32 };
  const square = (x: number, y: number, size: number) => ({
    x,
    y,
    width: size,
    height: size,
    data: new Uint8Array(size * size).fill(1),
  });

  it('scales a mask from the model input to the photo’s pixels, padding removed', () => {
    // Input pixels x 8..15, y 24..31 → photo columns whose centres land there: 25..49, rows 25..49.
    const mask = maskToSource(square(8, 24, 8), placement, 200, 100)!;
    expect(mask).toMatchObject({ x: 25, y: 25, width: 25, height: 25 });
    expect(decodeRuns(mask.runs, 25 * 25).every((b) => b === 1)).toBe(true);
  });

  it('keeps holes where they are', () => {
    const data = new Uint8Array(4 * 4).fill(1);
    data[1 * 4 + 1] = 0; // input pixel (9, 25) is outside the instance
    const mask = maskToSource({ x: 8, y: 24, width: 4, height: 4, data }, placement, 200, 100)!;
    const out = decodeRuns(mask.runs, mask.width * mask.height);
    const at = (u: number, v: number) => out[(v - mask.y) * mask.width + (u - mask.x)];
    expect(at(28, 28)).toBe(0); // (28.5·0.32, 16 + 28.5·0.32) = (9.1, 25.1)
    expect(at(25, 25)).toBe(1);
    expect(out.filter((b) => b === 0).length).toBe(3 * 3);
  });

  it('is the documented nearest-neighbour mapping, pixel for pixel, shrinking or enlarging', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const [photoWidth, photoHeight] of [
      [200, 100],
      [37, 19],
      [1000, 500],
    ] as const) {
      const data = new Uint8Array(20 * 12).map(() => (random() < 0.6 ? 1 : 0));
      const input = { x: 5, y: 20, width: 20, height: 12, data };
      const mask = maskToSource(input, placement, photoWidth, photoHeight)!;
      const bits = decodeRuns(mask.runs, mask.width * mask.height);
      for (let v = 0; v < photoHeight; v++)
        for (let u = 0; u < photoWidth; u++) {
          const xi = Math.floor(placement.left + ((u + 0.5) * placement.resizedWidth) / photoWidth) - input.x;
          const yi =
            Math.floor(placement.top + ((v + 0.5) * placement.resizedHeight) / photoHeight) - input.y;
          const want = xi >= 0 && yi >= 0 && xi < input.width && yi < input.height ? data[yi * 20 + xi]! : 0;
          const inRect = u >= mask.x && v >= mask.y && u < mask.x + mask.width && v < mask.y + mask.height;
          expect(inRect ? bits[(v - mask.y) * mask.width + (u - mask.x)] : 0, `${u},${v}`).toBe(want);
        }
    }
  });

  it('is null for a mask that lies wholly in the padding', () => {
    expect(maskToSource(square(10, 2, 6), placement, 200, 100)).toBeNull();
  });
});
