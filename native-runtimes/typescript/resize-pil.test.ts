import { describe, expect, it } from 'vitest';
import { resizePilBilinear } from './resize-pil';

/** 13 × 9 test pattern: channel c of pixel (x, y) is (37x + 101y + 53c) mod 256. */
function pattern(width = 13, height = 9) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = (x * 37 + y * 101 + c * 53) % 256;
  return { width, height, data };
}

describe('resizePilBilinear', () => {
  // Reference values: Image.fromarray(pattern).resize(size, Image.BILINEAR) with Pillow 13.0.0.
  it('shrinks exactly as Pillow does (antialiased, 22-bit fixed point)', () => {
    const out = resizePilBilinear(pattern(), 5, 4);
    expect(Array.from(out.data)).toEqual([
      107, 133, 145, 142, 123, 142, 124, 116, 129, 120, 126, 140, 148, 132, 111, 130, 139, 138, 124, 137, 116,
      120, 122, 121, 129, 127, 125, 136, 141, 124, 132, 128, 136, 122, 119, 138, 141, 121, 121, 128, 126, 126,
      127, 131, 144, 124, 129, 131, 127, 130, 113, 117, 135, 114, 121, 130, 129, 141, 133, 123,
    ]);
  });

  it('enlarges exactly as Pillow does, keeping the aspect ratio as torchvision’s Resize does', () => {
    const out = resizePilBilinear(pattern(), 20, 14);
    expect(Array.from(out.data.subarray(0, 30))).toEqual([
      0, 53, 106, 18, 71, 124, 42, 95, 148, 66, 119, 172, 90, 143, 196, 114, 167, 220, 138, 191, 244, 162,
      215, 172, 186, 233, 36, 210, 90, 60,
    ]);
  });

  it('returns a copy when the size does not change, and keeps a flat colour flat', () => {
    const source = pattern();
    const same = resizePilBilinear(source, 13, 9);
    expect(same.data).toEqual(source.data);
    expect(same.data).not.toBe(source.data);
    const flat = { width: 7, height: 5, data: new Uint8Array(7 * 5 * 3).fill(200) };
    expect(new Set(resizePilBilinear(flat, 64, 3).data)).toEqual(new Set([200]));
  });
});
