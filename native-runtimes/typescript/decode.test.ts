import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, quickHeader } from './decode';
import { decodeImageBounded } from './decode-bounded';
import { VisionError } from './errors';

const photo = (name: string) => readFileSync(path.join(import.meta.dirname, 'test-images', name));
const solid = (channels: 3 | 4, width = 4, height = 3) =>
  sharp({ create: { width, height, channels, background: { r: 200, g: 100, b: 50, alpha: 0.25 } } });

/** What cv2 would hold: BGR bytes, row by row. */
const bgr = (rgb: Uint8Array) => {
  const out = Buffer.alloc(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) out.set([rgb[i + 2]!, rgb[i + 1]!, rgb[i]!], i);
  return out;
};
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
/** The mean of channel c of RGB pixels. */
const mean = (data: Uint8Array, c: number) => {
  let sum = 0;
  for (let i = c; i < data.length; i += 3) sum += data[i]!;
  return sum / (data.length / 3);
};

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

  describe('CMYK and YCCK JPEGs: exactly the pixels cv2.imread gives (test-images/make_cmyk.py, cmyk-expected.json)', () => {
    const expected = JSON.parse(
      readFileSync(path.join(import.meta.dirname, 'test-images', 'cmyk-expected.json'), 'utf8'),
    ) as {
      files: Record<
        string,
        { shape: number[]; bgr_sha256: string; samples: { y: number; x: number; bgr: number[] }[] }
      >;
    };
    const expectCv2Pixels = async (jpeg: Buffer, name: string) => {
      const want = expected.files[name]!;
      const image = await decodeImage(jpeg);
      expect([image.height, image.width, 3]).toEqual(want.shape);
      for (const { y, x, bgr: pixel } of want.samples) {
        const i = (y * image.width + x) * 3;
        expect([image.data[i + 2], image.data[i + 1], image.data[i]], `${name} at ${x},${y}`).toEqual(pixel);
      }
      expect(sha256(bgr(image.data)), name).toBe(want.bgr_sha256);
    };

    it.each(['cmyk-adobe.jpg', 'cmyk-plain.jpg', 'ycck-adobe.jpg'])('%s', async (name) => {
      expect(await sharp(photo(name)).metadata()).toMatchObject({
        format: 'jpeg',
        space: 'cmyk',
        channels: 4,
      });
      await expectCv2Pixels(photo(name), name);
    });

    it('keeps OpenCV’s colours when a large one is shrunk while decoding (decodeImageBounded)', async () => {
      const exact = await decodeImage(photo('cmyk-adobe.jpg'));
      const { image, downscaled } = await decodeImageBounded(photo('cmyk-adobe.jpg'), {
        maxPixels: 5000,
        downscaleTo: 3000,
      });
      expect(downscaled).not.toBeNull();
      // Shrinking changes pixels, not colours: the means stay within a level or two (libvips' colour-managed
      // conversion is off by about six here).
      for (const c of [0, 1, 2]) expect(Math.abs(mean(image.data, c) - mean(exact.data, c))).toBeLessThan(2);
    });

    it('ignores an embedded CMYK ICC profile, as cv2 does', async () => {
      const profile = (
        await sharp(await sharp(photo('cmyk-adobe.jpg')).withIccProfile('cmyk').jpeg().toBuffer()).metadata()
      ).icc!;
      const jpeg = withIccProfile(photo('cmyk-adobe.jpg'), profile);
      expect((await sharp(jpeg).metadata()).hasProfile).toBe(true);
      await expectCv2Pixels(jpeg, 'cmyk-adobe.jpg');
    });
  });

  describe('photos with or without an embedded ICC profile: exactly the pixels cv2.imread gives (test-images/make_icc.py, icc-expected.json)', () => {
    const expected = JSON.parse(
      readFileSync(path.join(import.meta.dirname, 'test-images', 'icc-expected.json'), 'utf8'),
    ) as {
      profile_sha256: string;
      files: Record<
        string,
        { shape: number[]; bgr_sha256: string; samples: { y: number; x: number; bgr: number[] }[] }
      >;
    };
    const expectCv2Pixels = (image: { width: number; height: number; data: Uint8Array }, name: string) => {
      const want = expected.files[name]!;
      expect([image.height, image.width, 3]).toEqual(want.shape);
      for (const { y, x, bgr: pixel } of want.samples) {
        const i = (y * image.width + x) * 3;
        expect([image.data[i + 2], image.data[i + 1], image.data[i]], `${name} at ${x},${y}`).toEqual(pixel);
      }
      expect(sha256(bgr(image.data)), name).toBe(want.bgr_sha256);
    };

    it.each(['bus.jpg', 'zidane.jpg'])('%s (no profile)', async (name) => {
      expect((await sharp(photo(name)).metadata()).hasProfile).toBe(false);
      expectCv2Pixels(await decodeImage(photo(name)), name);
    });

    it.each(['icc-adobe-rgb.jpg', 'icc-adobe-rgb.png'])(
      '%s: the profile (Adobe RGB) is ignored, not applied',
      async (name) => {
        const { icc } = await sharp(photo(name)).metadata();
        expect(sha256(icc!)).toBe(expected.profile_sha256);
        // Colour-managed, as libvips decodes by default, the picture would be another one.
        const managed = await sharp(photo(name)).toColourspace('srgb').raw().toBuffer();
        expect(sha256(bgr(managed))).not.toBe(expected.files[name]!.bgr_sha256);
        expectCv2Pixels(await decodeImage(photo(name)), name);
        expectCv2Pixels((await decodeImageBounded(photo(name))).image, name);
      },
    );

    it('a profile added to a JPEG changes none of its decoded pixels', async () => {
      const profile = (await sharp(photo('icc-adobe-rgb.jpg')).metadata()).icc!;
      expectCv2Pixels(await decodeImage(withIccProfile(photo('zidane.jpg'), profile)), 'zidane.jpg');
    });

    it('nor the colours of a large one shrunk while decoding (decodeImageBounded)', async () => {
      // cv2.imread's pixels, shrunk as decodeImageBounded shrinks (libvips' resize); through the profile they
      // would differ by up to 59 levels.
      const stored = await sharp(photo('icc-adobe-rgb.png'), { ignoreIcc: true }).raw().toBuffer();
      expect(sha256(bgr(stored))).toBe(expected.files['icc-adobe-rgb.png']!.bgr_sha256);
      const shrunk = await sharp(stored, { raw: { width: 96, height: 128, channels: 3 } })
        .resize(51, 68, { fit: 'fill' })
        .raw()
        .toBuffer();
      const { image, downscaled } = await decodeImageBounded(photo('icc-adobe-rgb.png'), {
        maxPixels: 5000,
        downscaleTo: 3500,
      });
      expect(downscaled).toEqual({ width: 51, height: 68 });
      expect(sha256(image.data)).toBe(sha256(shrunk));
    });
  });

  it('reads the format, size, components and (JPEG) EXIF orientation of JPEGs and PNGs from their first bytes (quickHeader)', async () => {
    const progressive = await sharp(photo('zidane.jpg')).jpeg({ progressive: true }).toBuffer();
    const grey = await sharp(photo('bus.jpg')).greyscale().jpeg().toBuffer();
    const withExif = await sharp(photo('bus.jpg')).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const inputs = [
      photo('bus.jpg'),
      photo('icc-adobe-rgb.jpg'),
      photo('icc-adobe-rgb.png'),
      photo('cmyk-adobe.jpg'),
      photo('ycck-adobe.jpg'),
      progressive,
      grey,
      withExif,
      withIccProfile(photo('zidane.jpg'), (await sharp(photo('icc-adobe-rgb.jpg')).metadata()).icc!),
      await solid(4).toColourspace('b-w').png().toBuffer(),
    ];
    for (const input of inputs) {
      const header = await sharp(input).metadata();
      expect(quickHeader(input)).toEqual({
        format: header.format,
        width: header.width,
        height: header.height,
        components: header.format === 'png' ? 0 : header.channels,
        orientation: header.format === 'png' ? null : (header.orientation ?? 1),
      });
    }
    for (const other of [
      Buffer.from('{"not": "an image"}'),
      await solid(3).webp().toBuffer(),
      photo('bus.jpg').subarray(0, 100), // cut before its frame header
      new Uint8Array(0),
    ])
      expect(quickHeader(other)).toBeNull();
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

/** The JPEG with an ICC profile in APP2 ICC_PROFILE segments right after SOI; the scan data is untouched. */
function withIccProfile(jpeg: Buffer, profile: Buffer): Buffer {
  const CHUNK = 65_535 - 2 - 14; // a segment's length field counts itself; 14 bytes of ICC_PROFILE\0, seq, count
  const count = Math.ceil(profile.length / CHUNK);
  const segments = Array.from({ length: count }, (_, i) => {
    const body = Buffer.concat([
      Buffer.from('ICC_PROFILE\0', 'latin1'),
      Buffer.from([i + 1, count]),
      profile.subarray(i * CHUNK, (i + 1) * CHUNK),
    ]);
    const header = Buffer.from([0xff, 0xe2, 0, 0]);
    header.writeUInt16BE(body.length + 2, 2);
    return Buffer.concat([header, body]);
  });
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}
