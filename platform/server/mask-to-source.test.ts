import { describe, expect, it } from 'vitest';
import { decodeRuns, encodeRuns } from '@edgepack/runtime/segment';
import { maskToSource } from './mask-to-source';

// A 200×100 photo letterboxed into 64×64: scale 0.32, 64×32 resized, 16 px padding above and below.
const mapping = { inputWidth: 64, inputHeight: 64, left: 0, top: 16, resizedWidth: 64, resizedHeight: 32 };

function square(x: number, y: number, size: number) {
  return { x, y, width: size, height: size, runs: encodeRuns(new Uint8Array(size * size).fill(1)) };
}

describe('maskToSource', () => {
  it('scales a mask from the model input to the photo’s pixels, padding removed', () => {
    // Input pixels x 8..15, y 24..31 → photo columns whose centres land there: 25..49, rows 25..49.
    const mask = maskToSource(square(8, 24, 8), mapping, 200, 100)!;
    expect(mask).toMatchObject({ x: 25, y: 25, width: 25, height: 25 });
    expect(decodeRuns(mask.runs, 25 * 25).every((b) => b === 1)).toBe(true);
  });

  it('keeps holes where they are', () => {
    const bits = new Uint8Array(4 * 4).fill(1);
    bits[1 * 4 + 1] = 0; // input pixel (9, 25) is outside the instance
    const mask = maskToSource(
      { x: 8, y: 24, width: 4, height: 4, runs: encodeRuns(bits) },
      mapping,
      200,
      100,
    )!;
    const out = decodeRuns(mask.runs, mask.width * mask.height);
    const at = (u: number, v: number) => out[(v - mask.y) * mask.width + (u - mask.x)];
    expect(at(28, 28)).toBe(0); // (28.5·0.32, 16 + 28.5·0.32) = (9.1, 25.1)
    expect(at(25, 25)).toBe(1);
    expect(out.filter((b) => b === 0).length).toBe(3 * 3);
  });

  it('is null for a mask that lies wholly in the padding', () => {
    expect(maskToSource(square(10, 2, 6), mapping, 200, 100)).toBeNull();
  });
});
