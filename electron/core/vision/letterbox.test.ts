import { describe, expect, it } from 'vitest';
import type { RgbImage } from './image';
import { letterbox, letterboxTransform } from './letterbox';
import { pythonRound } from './python-round';
import { resizeBilinear } from './resize';
import { toNchwFloat32 } from './tensor';

function gradient(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data.set([(x * 7) % 256, (y * 5) % 256, (x + y) % 256], (y * width + x) * 3);
  return { width, height, data };
}

const pixel = (image: RgbImage, x: number, y: number) =>
  Array.from(image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));

describe('pythonRound', () => {
  it('rounds halves to the even neighbour like Python 3', () => {
    expect([0.5, 1.5, 2.5, 3.5, -1.5, 2.4999, 2.5001].map(pythonRound)).toEqual([0, 2, 2, 4, -2, 2, 3]);
  });
});

describe('letterboxTransform', () => {
  it('fits a portrait photo into a square input, padding left and right equally', () => {
    const t = letterboxTransform(810, 1080, [640, 640]);
    expect([t.resizedWidth, t.resizedHeight, t.left, t.right, t.top, t.bottom]).toEqual([
      480, 640, 80, 80, 0, 0,
    ]);
  });

  it('puts the odd padding pixel on the right/bottom, as round(d ∓ 0.1) does', () => {
    const t = letterboxTransform(1280, 721, [640, 640]);
    // 721 × 0.5 = 360.5 → 360 (half to even); 280 pixels of padding split 140/140.
    expect([t.resizedHeight, t.top, t.bottom]).toEqual([360, 140, 140]);
    const odd = letterboxTransform(100, 51, [64, 64]);
    expect(odd.resizedHeight).toBe(33);
    expect([odd.top, odd.bottom]).toEqual([15, 16]);
  });

  it('scales small images up unless told not to', () => {
    expect(letterboxTransform(32, 16, [64, 64]).resizedWidth).toBe(64);
    expect(letterboxTransform(32, 16, [64, 64], { scaleUp: false }).resizedWidth).toBe(32);
  });

  it('keeps a very thin image at least one pixel high', () => {
    expect(letterboxTransform(3000, 1, [640, 640]).resizedHeight).toBe(1);
  });
});

describe('letterbox', () => {
  it('pads with grey 114 around the resized picture, which fills its area exactly', () => {
    const source = gradient(200, 100);
    const { image, transform } = letterbox(source, [160, 160]);
    expect([image.width, image.height]).toEqual([160, 160]);
    expect([transform.top, transform.bottom]).toEqual([40, 40]);
    expect(pixel(image, 80, 0)).toEqual([114, 114, 114]);
    expect(pixel(image, 80, 39)).toEqual([114, 114, 114]);
    expect(pixel(image, 80, 120)).toEqual([114, 114, 114]);
    const resized = resizeBilinear(source, 160, 80);
    expect(pixel(image, 0, 40)).toEqual(pixel(resized, 0, 0));
    expect(pixel(image, 159, 119)).toEqual(pixel(resized, 159, 79));
  });

  it('leaves an image already at the input size untouched', () => {
    const source = gradient(64, 64);
    expect(letterbox(source, [64, 64]).image.data).toEqual(source.data);
  });
});

describe('resizeBilinear', () => {
  it('averages each 2×2 block on an exact halving (OpenCV switches to INTER_AREA)', () => {
    const source: RgbImage = {
      width: 2,
      height: 2,
      data: Uint8Array.from([0, 0, 0, 10, 10, 10, 20, 20, 20, 31, 31, 31]),
    };
    expect(Array.from(resizeBilinear(source, 1, 1).data)).toEqual([15, 15, 15]);
  });

  it('interpolates between neighbours when enlarging and keeps a flat image flat', () => {
    const flat: RgbImage = { width: 3, height: 3, data: new Uint8Array(27).fill(77) };
    expect(new Set(resizeBilinear(flat, 7, 5).data)).toEqual(new Set([77]));
    const ramp: RgbImage = { width: 2, height: 1, data: Uint8Array.from([0, 0, 0, 200, 200, 200]) };
    const row = resizeBilinear(ramp, 4, 1);
    const reds = [0, 1, 2, 3].map((x) => row.data[x * 3]!);
    expect(reds).toEqual([0, 50, 150, 200]);
  });
});

describe('toNchwFloat32', () => {
  it('lays pixels out as planes of R, G, B scaled to [0, 1]', () => {
    const image: RgbImage = { width: 2, height: 1, data: Uint8Array.from([255, 0, 51, 0, 102, 255]) };
    expect(Array.from(toNchwFloat32(image))).toEqual(
      [255, 0, 0, 102, 51, 255].map((v) => Math.fround(v / 255)),
    );
  });
});
