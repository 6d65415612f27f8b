import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resizePilBilinear, resizePilBilinearScalar } from './resize-pil';
import { pilKernels } from './resize-pil-simd';

/** 13 × 9 test pattern: channel c of pixel (x, y) is (37x + 101y + 53c) mod 256. */
function pattern(width = 13, height = 9) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = (x * 37 + y * 101 + c * 53) % 256;
  return { width, height, data };
}

/** Deterministic noise, so every tap weight matters. */
function noise(width: number, height: number, seed: number) {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { width, height, data };
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe.each([
  ['WebAssembly SIMD', resizePilBilinear],
  ['plain', resizePilBilinearScalar],
])('resizePilBilinear (%s path)', (_, resize) => {
  // Reference values: Image.fromarray(pattern).resize(size, Image.BILINEAR) with Pillow 13.0.0.
  it('shrinks exactly as Pillow does (antialiased, 22-bit fixed point)', () => {
    const out = resize(pattern(), 5, 4);
    expect(Array.from(out.data)).toEqual([
      107, 133, 145, 142, 123, 142, 124, 116, 129, 120, 126, 140, 148, 132, 111, 130, 139, 138, 124, 137, 116,
      120, 122, 121, 129, 127, 125, 136, 141, 124, 132, 128, 136, 122, 119, 138, 141, 121, 121, 128, 126, 126,
      127, 131, 144, 124, 129, 131, 127, 130, 113, 117, 135, 114, 121, 130, 129, 141, 133, 123,
    ]);
  });

  it('enlarges exactly as Pillow does, keeping the aspect ratio as torchvision’s Resize does', () => {
    const out = resize(pattern(), 20, 14);
    expect(Array.from(out.data.subarray(0, 30))).toEqual([
      0, 53, 106, 18, 71, 124, 42, 95, 148, 66, 119, 172, 90, 143, 196, 114, 167, 220, 138, 191, 244, 162,
      215, 172, 186, 233, 36, 210, 90, 60,
    ]);
  });

  it('runs the vertical pass first where Pillow 13 does (height shrinking by over twice the width)', () => {
    // Pillow's ImagingResample: vertical first when in_h - out_h > 0 and > 2 (in_w - out_w). The intermediate is
    // rounded to bytes between the passes, so the other order gives other bytes.
    const shrink = resize(pattern(13, 40), 11, 9);
    expect(Array.from(shrink.data.subarray(0, 12))).toEqual([
      119, 146, 143, 127, 128, 140, 112, 122, 122, 137, 133, 139,
    ]);
    expect(sha256(shrink.data)).toBe('f8d32afbee6a346102868d64b46e5f1afd88395a7a3babbd1fa606255e1e3c7e');
    const wider = resize(pattern(30, 100), 64, 20);
    expect(sha256(wider.data)).toBe('b57a58f08f8df5c823adbedd85231e869633c0dfb3b0a505d02e8d5a5d518ab9');
  });

  it('returns a copy when the size does not change, and keeps a flat colour flat', () => {
    const source = pattern();
    const same = resize(source, 13, 9);
    expect(same.data).toEqual(source.data);
    expect(same.data).not.toBe(source.data);
    const flat = { width: 7, height: 5, data: new Uint8Array(7 * 5 * 3).fill(200) };
    expect(new Set(resize(flat, 64, 3).data)).toEqual(new Set([200]));
  });

  it('gives exactly a rectangle of the whole resize when asked for a region (a centre crop)', () => {
    const source = noise(203, 311, 7);
    for (const [width, height] of [
      [64, 98],
      [150, 229],
      [203, 64],
      [64, 311],
      [400, 500],
    ] as const) {
      const whole = resize(source, width, height);
      for (const region of [
        { left: 0, top: 0, width, height },
        { left: 0, top: (height - 64) >> 1, width: 64, height: 64 },
        { left: width - 1, top: height - 1, width: 1, height: 1 },
        { left: width >> 2, top: height >> 3, width: width >> 1, height: height >> 1 },
      ]) {
        const part = resize(source, width, height, region);
        expect([part.width, part.height]).toEqual([region.width, region.height]);
        for (let y = 0; y < region.height; y++) {
          const from = ((region.top + y) * width + region.left) * 3;
          expect(
            Buffer.from(part.data.subarray(y * region.width * 3, (y + 1) * region.width * 3)).equals(
              Buffer.from(whole.data.subarray(from, from + region.width * 3)),
            ),
            `${width}×${height} ${JSON.stringify(region)} row ${y}`,
          ).toBe(true);
        }
      }
    }
  });

  it('refuses a region outside the resized image', () => {
    expect(() => resize(pattern(), 5, 4, { left: 3, top: 0, width: 3, height: 1 })).toThrow(RangeError);
  });
});

describe('the two paths', () => {
  it('WebAssembly SIMD is available here (Node and Electron have it)', () => {
    expect(pilKernels()).not.toBeNull();
  });

  it('give the same bytes on many sizes, shrinking and enlarging, either pass first', () => {
    let seed = 11;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return 1 + ((seed >>> 8) % n);
    };
    for (let i = 0; i < 150; i++) {
      const source = noise(next(300), next(300), i);
      const width = next(260);
      const height = next(260);
      const a = resizePilBilinear(source, width, height);
      const b = resizePilBilinearScalar(source, width, height);
      expect(sha256(a.data), `${source.width}×${source.height} → ${width}×${height}`).toBe(sha256(b.data));
    }
  });
});
