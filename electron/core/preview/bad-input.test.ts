import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyOnnx } from '../../../native-runtimes/typescript/test-support/tiny-onnx';
import type { Detection } from '../../contract';
import { writeHugePng } from './test-support/huge-png';
import { previewService, scratch, solidPng, tinyDetector } from './test-support';

let work: ReturnType<typeof scratch>;
let preview: ReturnType<typeof previewService>;
let model: string;

beforeAll(() => {
  work = scratch();
  preview = previewService(work.dir);
  model = work.write('tiny.onnx', tinyDetector());
});

afterAll(async () => {
  await preview.close();
  work.cleanup();
});

/** The {code, message, hint} a caller gets, asserting that the hint says what to do. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; hint: string }> {
  const error = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; message: string; hint: string } | null;
  expect(error, 'expected a failure').not.toBeNull();
  expect(error!.hint.length).toBeGreaterThan(10);
  return error!;
}

describe('bad images', () => {
  it('refuses a file that is not an image, by name', async () => {
    const notes = work.write('notes.jpg', 'meeting notes, not a photo');
    const error = await failure(preview.service.predict(model, notes, {}));
    expect(error.code).toBe('NOT_AN_IMAGE');
    // The desktop reads files: the hosted API's advice on sending bytes does not apply here.
    expect(error.hint).toBe('Use a JPEG, PNG or WebP photo.');
  });

  it('reports a truncated JPEG as corrupt, and still runs the next image', async () => {
    const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#a05030' } })
      .jpeg()
      .toBuffer();
    const truncated = work.write('truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    const error = await failure(preview.service.predict(model, truncated, {}));
    expect(error.code).toBe('IMAGE_DECODE_FAILED');
    expect(error.message).toMatch(/JPEG image could not be decoded/);
    const fine = work.write('fine.png', await solidPng(64, 64));
    expect((await preview.service.predict(model, fine, {})).predictions.length).toBeGreaterThan(0);
  });

  it('predicts on a 1 × 1 image (stretched to the model input, boxes clipped to the pixel)', async () => {
    const dot = work.write('dot.png', await solidPng(1, 1));
    const result = await preview.service.predict(model, dot, {});
    expect(result.image).toMatchObject({ width: 1, height: 1 });
    for (const p of result.predictions as Detection[])
      for (const v of p.bbox) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('shrinks a 20 000 × 20 000 image while reading it, says so, keeps memory bounded and boxes in its pixels', async () => {
    const huge = path.join(work.dir, 'huge.png');
    await writeHugePng(huge, 20_000, 20_000);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    let result;
    try {
      result = await preview.service.predict(model, huge, {});
    } finally {
      clearInterval(sampler);
    }
    expect(result.image).toMatchObject({ width: 20_000, height: 20_000 });
    expect(result.notices.map((n) => n.code)).toEqual(['IMAGE_DOWNSCALED']);
    expect(result.notices[0]!.message).toContain('20000×20000');
    // Decoded whole, its pixels alone would take 1.2 GB.
    expect((peak - before) / 1024 ** 2).toBeLessThan(500);
    // The cat spans input columns 8–40 of 64: in the original, 2 500 to 12 500.
    const [x1, , x2] = (result.predictions[0] as Detection).bbox;
    expect(x1).toBeCloseTo(2500, -1);
    expect(x2).toBeCloseTo(12_500, -1);
  });

  it('refuses a missing image and a folder given as an image', async () => {
    expect((await failure(preview.service.predict(model, path.join(work.dir, 'gone.png'), {}))).code).toBe(
      'IMAGE_NOT_FOUND',
    );
    expect((await failure(preview.service.predict(model, work.dir, {}))).code).toBe('IMAGE_IS_FOLDER');
  });
});

describe('bad models', () => {
  it('refuses a file that is not ONNX, and a PyTorch checkpoint with a hint to export it', async () => {
    const text = work.write('model.onnx', 'not a model at all, just text');
    const error = await failure(preview.service.open(text));
    expect(error.code).toBe('NOT_AN_ONNX_MODEL');
    expect(error.message).toContain('model.onnx');
    const checkpoint = work.write('best.pt', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64)]));
    const pt = await failure(preview.service.open(checkpoint));
    expect(pt.code).toBe('NOT_AN_ONNX_MODEL');
    expect(pt.message).toMatch(/PyTorch checkpoint/);
    expect(pt.hint).toMatch(/edgepack export/);
  });

  it('refuses a model whose input is not an image, showing its input', async () => {
    const vector = work.write(
      'tabular.onnx',
      buildTinyOnnx({ inputShape: [1, 10], output: { dims: [1, 2], data: Float32Array.from([0.1, 0.9]) } }),
    );
    const error = await failure(preview.service.open(vector));
    expect(error.code).toBe('MODEL_INPUT_NOT_IMAGE');
    expect(error.message).toContain('"images" [1, 10] FLOAT');
    const fine = work.write('img.png', await solidPng(8, 8));
    expect((await failure(preview.service.predict(vector, fine, {}))).code).toBe('MODEL_INPUT_NOT_IMAGE');
  });

  it('refuses a missing model file', async () => {
    expect((await failure(preview.service.open(path.join(work.dir, 'nope.onnx')))).code).toBe(
      'MODEL_FILE_NOT_FOUND',
    );
  });
});

describe('a plain ONNX file without metadata', () => {
  it('asks for the task, class names and input size, then remembers the answers for that file', async () => {
    const plain = work.write(
      'plain/model.onnx',
      tinyDetector({ metadata: false, inputShape: [1, 3, 'h', 'w'] }),
    );
    const opened = await preview.service.open(plain);
    expect(opened.needs).toEqual(['task', 'names', 'imgsz']);
    const image = work.write('plain/photo.png', await solidPng(128, 128));
    expect((await failure(preview.service.predict(plain, image, {}))).code).toBe('MODEL_FACTS_NEEDED');
    const partial = await failure(preview.service.describe({ path: plain, task: 'detect' }));
    expect(partial.code).toBe('INVALID_ANSWER');
    expect(partial.message).toMatch(/class names, its input size/);

    const described = await preview.service.describe({
      path: plain,
      task: 'detect',
      names: ['cat', 'dog'],
      imgsz: [64],
    });
    expect(described).toMatchObject({
      needs: [],
      task: 'detect',
      names: ['cat', 'dog'],
      imgsz: [64, 64],
      source: 'answers',
    });
    const result = await preview.service.predict(plain, image, {});
    expect(result.predictions.map((p) => p.class)).toEqual(['cat', 'dog']);

    // Another service on the same database (the app restarted) and a renamed copy of the file: still known.
    const copy = path.join(work.dir, 'plain', 'renamed.onnx');
    fs.copyFileSync(plain, copy);
    const again = previewService(work.dir);
    try {
      expect((await again.service.open(copy)).needs).toEqual([]);
    } finally {
      await again.close();
    }
  });
});
