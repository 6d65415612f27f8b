import { describe, expect, it } from 'vitest';
import type { RgbImage } from './image';
import { letterbox, letterboxTransform } from './letterbox';
import { pythonRound } from './python-round';
import { resizeBilinear } from './resize';
import { prepareInput } from './preprocess';
import { NchwWriter } from './tensor';

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

describe('NchwWriter', () => {
  const plain = { colorOrder: 'RGB', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] } as const;

  it('lays pixels out as planes of R, G, B scaled to [0, 1]', () => {
    const writer = new NchwWriter(2, 1, { ...plain, mean: [0, 0, 0], std: [1, 1, 1] });
    writer.row(Uint8Array.from([255, 0, 51, 0, 102, 255]), 2, 0);
    expect(Array.from(writer.tensor)).toEqual([255, 0, 0, 102, 51, 255].map((v) => Math.fround(v / 255)));
  });

  it('fills with the padding grey and writes a row where it is told', () => {
    const writer = new NchwWriter(3, 2, { ...plain, colorOrder: 'BGR', mean: [0, 0, 0], std: [1, 1, 1] });
    writer.fill(114);
    writer.row(Uint8Array.from([10, 20, 30]), 1, 4);
    const grey = Math.fround(114 / 255);
    // BGR: the blue plane first; pixel (1, 1) is position 4.
    expect(Array.from(writer.tensor.subarray(0, 6))).toEqual([
      grey,
      grey,
      grey,
      grey,
      Math.fround(30 / 255),
      grey,
    ]);
    expect(writer.tensor[12 + 4]).toBe(Math.fround(10 / 255));
  });
});

describe('prepareInput', () => {
  it('fuses letterbox and layout: the tensor holds exactly the letterboxed pixels ÷ 255', () => {
    for (const [width, height] of [
      [200, 100],
      [97, 131],
      [320, 320],
      [128, 64],
      [32, 20],
      [1, 1],
    ] as const) {
      const source = gradient(width, height);
      const { image } = letterbox(source, [64, 80]);
      const { tensor, dims } = prepareInput(source, { task: 'detect', imgsz: [64, 80], padValue: 114 });
      expect(dims).toEqual([1, 3, 64, 80]);
      const plane = 64 * 80;
      const expected = new Float32Array(plane * 3);
      for (let p = 0; p < plane; p++)
        for (let c = 0; c < 3; c++) expected[c * plane + p] = image.data[p * 3 + c]! / 255;
      expect(tensor).toEqual(expected);
    }
  });
});
