import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode';
import { VisionError } from './errors';

const photo = (name: string) => readFileSync(path.join(import.meta.dirname, 'test-images', name));
const solid = (channels: 3 | 4, width = 4, height = 3) =>
  sharp({ create: { width, height, channels, background: { r: 200, g: 100, b: 50, alpha: 0.25 } } });

async function expectVisionError(promise: Promise<unknown>, code: string): Promise<VisionError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VisionError);
  expect((error as VisionError).code).toBe(code);
  expect((error as VisionError).hint.length).toBeGreaterThan(10);
  return error as VisionError;
}

describe('decodeImage', () => {
  it('decodes a JPEG photo to 8-bit RGB at its own size', async () => {
    const image = await decodeImage(photo('bus.jpg'));
    expect([image.width, image.height, image.format]).toEqual([810, 1080, 'jpeg']);
    expect(image.data.length).toBe(810 * 1080 * 3);
  });

  it('turns the picture upright according to its EXIF orientation', async () => {
    // 4×2: left half red, right half blue. Orientation 6 means "rotate 90° clockwise to display".
    const raw = Buffer.alloc(4 * 2 * 3);
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 4; x++) raw.set(x < 2 ? [255, 0, 0] : [0, 0, 255], (y * 4 + x) * 3);
    const jpeg = await sharp(raw, { raw: { width: 4, height: 2, channels: 3 } })
      .png()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const image = await decodeImage(jpeg);
    expect([image.width, image.height]).toEqual([2, 4]);
    // After a clockwise turn the old left (red) is on top, the old right (blue) at the bottom.
    expect(Array.from(image.data.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(image.data.subarray(image.data.length - 3))).toEqual([0, 0, 255]);
  });

  it('expands greyscale (with or without alpha) to three equal channels', async () => {
    const grey = await solid(3).toColourspace('b-w').png().toBuffer();
    const greyAlpha = await solid(4).toColourspace('b-w').png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    expect((await sharp(greyAlpha).metadata()).channels).toBe(2);
    for (const input of [grey, greyAlpha]) {
      const image = await decodeImage(input);
      const [r, g, b] = image.data;
      expect(image.data.length).toBe(4 * 3 * 3);
      expect(r).toBe(g);
      expect(g).toBe(b);
    }
  });

  it('drops alpha without blending, as cv2.imread(IMREAD_COLOR) does', async () => {
    const image = await decodeImage(await solid(4).png().toBuffer());
    expect(Array.from(image.data.subarray(0, 3))).toEqual([200, 100, 50]);
  });

  it('reduces 16-bit images to 8 bits', async () => {
    const sixteen = await solid(3).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe('ushort');
    const image = await decodeImage(sixteen);
    expect(Array.from(image.data.subarray(0, 3))).toEqual([200, 100, 50]);
  });

  it('converts CMYK JPEGs to sRGB', async () => {
    const cmyk = await solid(3).toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const image = await decodeImage(cmyk);
    const [r, g, b] = image.data;
    expect(image.data.length).toBe(4 * 3 * 3);
    expect(Math.abs(r! - 200)).toBeLessThan(12);
    expect(Math.abs(g! - 100)).toBeLessThan(12);
    expect(Math.abs(b! - 50)).toBeLessThan(35);
  });

  it('refuses data that is not an image, naming the problem', async () => {
    const error = await expectVisionError(decodeImage(Buffer.from('{"not": "an image"}')), 'NOT_AN_IMAGE');
    expect(error.message).toMatch(/not an image/);
    await expectVisionError(decodeImage(new Uint8Array(0)), 'NOT_AN_IMAGE');
  });

  it('refuses vector formats', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>',
    );
    const error = await expectVisionError(decodeImage(svg), 'UNSUPPORTED_IMAGE_FORMAT');
    expect(error.message).toMatch(/SVG/);
  });

  it('reports a truncated file as corrupt', async () => {
    const jpeg = photo('zidane.jpg');
    await expectVisionError(decodeImage(jpeg.subarray(0, jpeg.length / 2)), 'IMAGE_DECODE_FAILED');
  });

  it('refuses an image above the pixel limit before decoding it', async () => {
    const error = await expectVisionError(
      decodeImage(photo('bus.jpg'), { maxPixels: 500_000 }),
      'IMAGE_TOO_LARGE',
    );
    expect(error.message).toContain('810×1080');
  });

  it('refuses a decompression bomb: a tiny PNG that claims 100000×100000 pixels', async () => {
    const bomb = pngHeaderOnly(100_000, 100_000);
    expect(bomb.length).toBeLessThan(100);
    const error = await expectVisionError(decodeImage(bomb), 'IMAGE_TOO_LARGE');
    expect(error.message).toContain('100000×100000');
  });

  it('refuses a real highly compressible bomb above the limit', async () => {
    const big = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(big.length).toBeLessThan(200_000);
    await expectVisionError(decodeImage(big, { maxPixels: 10_000_000 }), 'IMAGE_TOO_LARGE');
  });
});

/** A PNG whose header declares the given size over an empty pixel stream: what a decompression bomb's header says. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(0))),
    chunk('IEND'),
  ]);
}

function chunk(type: string, data = Buffer.alloc(0)): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}
