/**
 * The classifier's resize against Pillow itself (the toolchain's), byte for byte: resizePilBilinear — on its
 * WebAssembly SIMD path and on its plain path — against Image.resize(size, Image.BILINEAR), on the two photos at the
 * sizes a classifier resizes them to and on random sizes (shrinking and enlarging, either pass first), and the
 * centre crop a classifier takes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centerCropTransform } from '../../../native-runtimes/typescript/classify';
import type { RgbImage } from '../../../native-runtimes/typescript/image';
import { resizePilBilinear, resizePilBilinearScalar } from '../../../native-runtimes/typescript/resize-pil';
import { toolchainPython } from '../helpers';
import { decodedPhotos, noiseImages, seededInts } from './support';

interface Case {
  source: string;
  width: number;
  height: number;
  /** The centre crop [left, top, width, height] to compare too, if any. */
  crop?: [number, number, number, number];
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

let scratch: string;
const sources = new Map<string, RgbImage>();

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-pil-'));
  const photos = await decodedPhotos(['bus.jpg', 'zidane.jpg', 'icc-adobe-rgb.jpg']);
  for (const [name, image] of photos) sources.set(name, image);
  for (const [name, image] of noiseImages(40, 400, 5)) sources.set(name, image);
});

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Pillow's bytes (SHA-256) for each case, in one run of the toolchain's Python. */
function pillow(cases: Case[]): string[] {
  const files: Record<string, { file: string; width: number; height: number }> = {};
  for (const [name, image] of sources) {
    const file = path.join(scratch, `${name}.rgb`);
    fs.writeFileSync(file, image.data);
    files[name] = { file, width: image.width, height: image.height };
  }
  const script = `
import hashlib, json, sys
import numpy as np
from PIL import Image
request = json.load(open(sys.argv[1]))
images = {k: Image.fromarray(np.fromfile(v["file"], np.uint8).reshape(v["height"], v["width"], 3)) for k, v in request["files"].items()}
out = []
for case in request["cases"]:
    resized = images[case["source"]].resize((case["width"], case["height"]), Image.BILINEAR)
    if case.get("crop"):
        left, top, w, h = case["crop"]
        resized = resized.crop((left, top, left + w, top + h))
    out.append(hashlib.sha256(np.asarray(resized).tobytes()).hexdigest())
print(json.dumps(out))`;
  const request = path.join(scratch, 'request.json');
  fs.writeFileSync(request, JSON.stringify({ files, cases }));
  const run = spawnSync(toolchainPython(), ['-c', script, request], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

describe('resizePilBilinear = Pillow Image.resize(BILINEAR)', () => {
  it('on the photos at a classifier’s sizes, whole and centre-cropped, and on random sizes', () => {
    const cases: Case[] = [];
    for (const name of ['bus.jpg', 'zidane.jpg', 'icc-adobe-rgb.jpg']) {
      const image = sources.get(name)!;
      for (const size of [64, 224, 227, 320]) {
        const t = centerCropTransform(image.width, image.height, [size, size]);
        cases.push({ source: name, width: t.resizedWidth, height: t.resizedHeight });
        cases.push({
          source: name,
          width: t.resizedWidth,
          height: t.resizedHeight,
          crop: [t.left, t.top, size, size],
        });
      }
      // A non-square input resizes to the exact size (either pass first).
      cases.push({ source: name, width: 160, height: 96 }, { source: name, width: 96, height: 160 });
    }
    const next = seededInts(9);
    for (let i = 0; i < 40; i++) cases.push({ source: `noise-${i}`, width: next(300), height: next(300) });

    const expected = pillow(cases);
    let verticalFirst = 0;
    cases.forEach((c, i) => {
      const image = sources.get(c.source)!;
      const region = c.crop
        ? { left: c.crop[0], top: c.crop[1], width: c.crop[2], height: c.crop[3] }
        : undefined;
      const label = `${c.source} ${image.width}×${image.height} → ${c.width}×${c.height}${c.crop ? ` crop ${c.crop}` : ''}`;
      expect(sha256(resizePilBilinear(image, c.width, c.height, region).data), `${label} (SIMD)`).toBe(
        expected[i],
      );
      expect(sha256(resizePilBilinearScalar(image, c.width, c.height, region).data), `${label} (plain)`).toBe(
        expected[i],
      );
      const shrinkY = image.height - c.height;
      if (c.width !== image.width && shrinkY > 0 && shrinkY > 2 * (image.width - c.width)) verticalFirst++;
    });
    // Both of Pillow's pass orders are exercised.
    expect(verticalFirst).toBeGreaterThan(5);
    expect(verticalFirst).toBeLessThan(cases.length - 5);
  });
});
