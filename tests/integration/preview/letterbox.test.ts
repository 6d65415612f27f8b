/**
 * The detector's letterbox against the toolchain's own, byte for byte: prepareInput's tensor (the WebAssembly SIMD
 * resize, laid out as floats) against Ultralytics' LetterBox + the predictor's layout and ÷ 255 on the photos at
 * three input sizes, and the SIMD resize alone (through an identity table) against cv2.resize(INTER_LINEAR) on
 * photos and random images, shrinking and enlarging, down to one pixel, and OpenCV's special cases (same size,
 * exact halving).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../../../native-runtimes/typescript/image';
import { prepareInput } from '../../../native-runtimes/typescript/preprocess';
import { resizeRowsBilinear, resizeRowsBilinearSimd } from '../../../native-runtimes/typescript/resize';
import { toolchainPython } from '../helpers';
import { decodedPhotos, noiseImages, seededInts } from './support';

const sha256 = (data: ArrayBufferView) =>
  createHash('sha256')
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest('hex');

let scratch: string;
const sources = new Map<string, RgbImage>();

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-letterbox-'));
  const photos = await decodedPhotos(['bus.jpg', 'zidane.jpg', 'icc-adobe-rgb.jpg']);
  for (const [name, image] of photos) sources.set(name, image);
  for (const [name, image] of noiseImages(30, 300, 11)) sources.set(name, image);
});

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Runs `script` in the toolchain's Python over every source (raw RGB files) and the request; parses its JSON. */
function toolchain<T>(script: string, request: unknown): T {
  const files: Record<string, { file: string; width: number; height: number }> = {};
  for (const [name, image] of sources) {
    const file = path.join(scratch, `${name}.rgb`);
    fs.writeFileSync(file, image.data);
    files[name] = { file, width: image.width, height: image.height };
  }
  const requestFile = path.join(scratch, 'request.json');
  fs.writeFileSync(requestFile, JSON.stringify({ files, request }));
  const prelude = `
import hashlib, json, sys
import numpy as np
given = json.load(open(sys.argv[1]))
request = given["request"]
# cv2 holds BGR: the RGB bytes reversed per pixel.
images = {k: np.fromfile(v["file"], np.uint8).reshape(v["height"], v["width"], 3)[..., ::-1].copy() for k, v in given["files"].items()}
`;
  const run = spawnSync(toolchainPython(), ['-c', prelude + script, requestFile], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as T;
}

/** resizeRowsBilinearSimd's bytes, read back through a table that maps each byte to itself. */
function simdBytes(source: RgbImage, width: number, height: number): Uint8Array | null {
  const identity = new Float32Array(3 * 256).map((_, i) => i & 255);
  const out = new Uint8Array(width * height * 3);
  const done = resizeRowsBilinearSimd(source, width, height, identity, (y, planes) => {
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = planes[c * width + x]!;
  });
  return done ? out : null;
}

describe('letterbox = Ultralytics LetterBox, resize = cv2.resize(INTER_LINEAR)', () => {
  it('prepareInput gives the predictor’s own tensor on the photos at 640, 320 and 160 px', () => {
    const cases = [...['bus.jpg', 'zidane.jpg', 'icc-adobe-rgb.jpg']].flatMap((source) =>
      [640, 320, 160].map((size) => ({ source, size })),
    );
    const expected = toolchain<string[]>(
      `
import torch
from ultralytics.data.augment import LetterBox
out = []
for case in request:
    size = case["size"]
    boxed = LetterBox((size, size), auto=False, stride=32)(image=images[case["source"]])
    tensor = torch.from_numpy(np.ascontiguousarray(boxed[None, ..., ::-1].transpose(0, 3, 1, 2))).float() / 255
    out.append(hashlib.sha256(tensor.numpy().tobytes()).hexdigest())
print(json.dumps(out))`,
      cases,
    );
    cases.forEach(({ source, size }, i) => {
      const prepared = prepareInput(sources.get(source)!, {
        task: 'detect',
        imgsz: [size, size],
        padValue: 114,
      });
      expect(sha256(prepared.tensor), `${source} at ${size}`).toBe(expected[i]);
    });
  });

  it('the SIMD resize and the plain one give cv2.resize’s bytes, shrinking and enlarging', () => {
    const cases: { source: string; width: number; height: number }[] = [];
    for (const name of ['bus.jpg', 'zidane.jpg', 'icc-adobe-rgb.jpg'])
      for (const [w, h] of [
        [480, 640],
        [640, 360],
        [333, 177],
        [1000, 1400],
        [1, 1],
        [7, 900],
        // Same size (a copy) and exact halvings (2×2 means, OpenCV's INTER_AREA) of bus.jpg and zidane.jpg.
        [810, 1080],
        [405, 540],
        [640, 360],
        [1280, 720],
      ])
        cases.push({ source: name, width: w!, height: h! });
    const next = seededInts(3);
    for (let i = 0; i < 30; i++) cases.push({ source: `noise-${i}`, width: next(400), height: next(400) });
    const expected = toolchain<string[]>(
      `
import cv2
out = []
for case in request:
    resized = cv2.resize(images[case["source"]], (case["width"], case["height"]), interpolation=cv2.INTER_LINEAR)
    out.append(hashlib.sha256(np.ascontiguousarray(resized[..., ::-1]).tobytes()).hexdigest())
print(json.dumps(out))`,
      cases,
    );
    let simd = 0;
    cases.forEach(({ source, width, height }, i) => {
      const image = sources.get(source)!;
      const label = `${source} ${image.width}×${image.height} → ${width}×${height}`;
      const plain = new Uint8Array(width * height * 3);
      resizeRowsBilinear(image, width, height, (y, row) => plain.set(row, y * width * 3));
      expect(sha256(plain), `${label} (plain)`).toBe(expected[i]);
      const bytes = simdBytes(image, width, height);
      if (bytes) {
        expect(sha256(bytes), `${label} (SIMD)`).toBe(expected[i]);
        simd++;
      }
    });
    expect(simd).toBe(cases.length);
  });
});
