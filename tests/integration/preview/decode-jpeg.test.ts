/**
 * JPEG decoding against cv2.imread itself (the toolchain's), byte for byte: JPEGs written by cv2 in every chroma
 * subsampling it writes, progressive, with restart markers, grey, at sizes that end mid-block, and the photos (plain,
 * ICC-tagged, CMYK); each also with an EXIF orientation block, upright or turned. The upright grey and colour ones
 * must go through libjpeg-turbo directly (the @edgepack/jpeg-turbo addon), the others through sharp.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, quickHeader } from '../../../native-runtimes/typescript/decode';
import { decodeJpegNative, hasNativeJpegDecoder } from '../../../native-runtimes/typescript/jpeg-native';
import { repo, toolchainPython } from '../helpers';

const photos = path.join(repo, 'native-runtimes/typescript/test-images');
let scratch: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-jpeg-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function python(script: string, ...args: string[]): string {
  const run = spawnSync(toolchainPython(), ['-c', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

/** The variants, written by cv2.imwrite into `dir` from two photos (and crops of them that end mid-block). */
function writeVariants(dir: string): string[] {
  const script = `
import json, os, sys
import cv2
photos, out = sys.argv[1], sys.argv[2]
written = []
def write(name, image, *params):
    path = os.path.join(out, name + ".jpg")
    assert cv2.imwrite(path, image, list(params)), name
    written.append(path)
for photo in ["bus.jpg", "zidane.jpg"]:
    stem = photo[:-4]
    image = cv2.imread(os.path.join(photos, photo))
    odd = image[5:5 + 333, 7:7 + 177]  # neither side a multiple of 8 or 16
    for label, factor in [("420", cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420), ("422", cv2.IMWRITE_JPEG_SAMPLING_FACTOR_422),
                          ("444", cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444), ("411", cv2.IMWRITE_JPEG_SAMPLING_FACTOR_411),
                          ("440", cv2.IMWRITE_JPEG_SAMPLING_FACTOR_440)]:
        write(f"{stem}-{label}", image, cv2.IMWRITE_JPEG_SAMPLING_FACTOR, factor)
        write(f"{stem}-{label}-odd", odd, cv2.IMWRITE_JPEG_SAMPLING_FACTOR, factor)
    write(f"{stem}-progressive", image, cv2.IMWRITE_JPEG_PROGRESSIVE, 1)
    write(f"{stem}-progressive-odd", odd, cv2.IMWRITE_JPEG_PROGRESSIVE, 1, cv2.IMWRITE_JPEG_QUALITY, 60)
    write(f"{stem}-restarts", image, cv2.IMWRITE_JPEG_RST_INTERVAL, 3)
    write(f"{stem}-q100", image, cv2.IMWRITE_JPEG_QUALITY, 100)
    write(f"{stem}-q20-optimised", image, cv2.IMWRITE_JPEG_QUALITY, 20, cv2.IMWRITE_JPEG_OPTIMIZE, 1)
    write(f"{stem}-grey", cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    write(f"{stem}-grey-odd-progressive", cv2.cvtColor(odd, cv2.COLOR_BGR2GRAY), cv2.IMWRITE_JPEG_PROGRESSIVE, 1)
print(json.dumps(written))`;
  return JSON.parse(python(script, photos, dir)) as string[];
}

/** The JPEG with an EXIF block (APP1, big- or little-endian TIFF) holding only an orientation, right after SOI. */
function withOrientation(jpeg: Buffer, orientation: number, littleEndian: boolean): Buffer {
  const tiff = Buffer.alloc(26);
  const u16 = (value: number, at: number) =>
    littleEndian ? tiff.writeUInt16LE(value, at) : tiff.writeUInt16BE(value, at);
  const u32 = (value: number, at: number) =>
    littleEndian ? tiff.writeUInt32LE(value, at) : tiff.writeUInt32BE(value, at);
  tiff.write(littleEndian ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4); // IFD0 right after the header
  u16(1, 8); // one entry
  u16(0x0112, 10);
  u16(3, 12); // SHORT
  u32(1, 14);
  u16(orientation, 18);
  u32(0, 22); // no next IFD
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, body, jpeg.subarray(2)]);
}

/** cv2.imread's BGR bytes (SHA-256) and shape for each file, in one run of the toolchain's Python. */
function cv2Pixels(files: string[]): { sha256: string; shape: number[] }[] {
  const script = `
import hashlib, json, sys
import cv2
out = []
for path in json.load(open(sys.argv[1])):
    image = cv2.imread(path)
    out.append({"sha256": hashlib.sha256(image.tobytes()).hexdigest(), "shape": list(image.shape)})
print(json.dumps(out))`;
  const list = path.join(scratch, 'files.json');
  fs.writeFileSync(list, JSON.stringify(files));
  return JSON.parse(python(script, list)) as { sha256: string; shape: number[] }[];
}

const bgrSha256 = (width: number, height: number, rgb: Uint8Array) => {
  const bgr = Buffer.alloc(width * height * 3);
  for (let i = 0; i < bgr.length; i += 3) bgr.set([rgb[i + 2]!, rgb[i + 1]!, rgb[i]!], i);
  return createHash('sha256').update(bgr).digest('hex');
};

describe('JPEG decoding = cv2.imread', () => {
  it('has the native decoder built (npm ci builds it; a missing one would only show as slowness)', async () => {
    expect(await hasNativeJpegDecoder()).toBe(true);
  });

  it('on every subsampling, progressive, restart markers, grey, odd sizes, ICC, CMYK and EXIF orientations', async () => {
    const files = writeVariants(scratch);
    expect(files.length).toBe(2 * 17);
    files.push(
      ...['bus.jpg', 'zidane.jpg', 'icc-adobe-rgb.jpg', 'cmyk-adobe.jpg', 'ycck-adobe.jpg'].map((f) =>
        path.join(photos, f),
      ),
    );
    // EXIF blocks: upright (the native path still), turned (sharp's), on colour and grey files, both byte orders.
    const bases = [files[0]!, files.find((f) => f.endsWith('bus-grey-odd-progressive.jpg'))!];
    for (const base of bases)
      for (let orientation = 1; orientation <= 8; orientation++) {
        const file = path.join(scratch, `${path.basename(base, '.jpg')}-exif${orientation}.jpg`);
        fs.writeFileSync(file, withOrientation(fs.readFileSync(base), orientation, orientation % 2 === 0));
        files.push(file);
      }
    const expected = cv2Pixels(files);
    let native = 0;
    for (const [i, file] of files.entries()) {
      const input = fs.readFileSync(file);
      const name = path.basename(file);
      const image = await decodeImage(input);
      expect([image.height, image.width, 3], name).toEqual(expected[i]!.shape);
      expect(bgrSha256(image.width, image.height, image.data), name).toBe(expected[i]!.sha256);
      const quick = quickHeader(input)!;
      const upright = quick.orientation === 1 && quick.components !== 4;
      expect(upright, name).toBe(!/cmyk|ycck|exif[2-8]/.test(name));
      if (upright) {
        // On the calling thread (small images) and on the thread pool (large ones).
        for (const onPool of [false, true]) {
          const direct = await decodeJpegNative(input, quick.width, quick.height, onPool);
          expect(direct, name).not.toBeNull();
          expect(bgrSha256(direct!.width, direct!.height, direct!.data), name).toBe(expected[i]!.sha256);
        }
        native++;
      }
    }
    expect(native).toBe(2 * 17 + 3 + 2);
  });

  it('leaves damaged files to sharp, which names the problem', async () => {
    const jpeg = fs.readFileSync(path.join(photos, 'zidane.jpg'));
    const quick = quickHeader(jpeg)!;
    for (const onPool of [false, true]) {
      const half = jpeg.subarray(0, jpeg.length >> 1);
      expect(await decodeJpegNative(half, quick.width, quick.height, onPool)).toBeNull();
      expect(await decodeJpegNative(jpeg, quick.width + 1, quick.height, onPool)).toBeNull();
    }
    await expect(decodeImage(jpeg.subarray(0, jpeg.length >> 1))).rejects.toMatchObject({
      code: 'IMAGE_DECODE_FAILED',
    });
  });
});
