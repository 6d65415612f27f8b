import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Detection, PreviewResult } from '../../contract';
import {
  buildTinyOnnx,
  ultralyticsMetadata,
} from '../../../native-runtimes/typescript/test-support/tiny-onnx';
import {
  detectorOutput,
  previewService,
  scratch,
  solidPng,
  tinyClassifier,
  tinyDetector,
} from './test-support';

let work: ReturnType<typeof scratch>;
let preview: ReturnType<typeof previewService>;
let model: string;
let square: string;

beforeEach(async () => {
  work = scratch();
  preview = previewService(work.dir, { sessionIdleMs: 200 });
  model = work.write('tiny.onnx', tinyDetector());
  square = work.write('square.png', await solidPng(128, 128));
});

afterEach(async () => {
  await preview.close();
  work.cleanup();
});

const boxes = (result: PreviewResult) =>
  (result.predictions as Detection[]).map((p) => [p.class, ...p.bbox.map((v) => Math.round(v))]);

describe('preview engine', () => {
  it('describes a model from its Ultralytics metadata', async () => {
    const info = await preview.service.open(model);
    expect(info).toMatchObject({
      task: 'detect',
      names: ['cat', 'dog'],
      imgsz: [64, 64],
      source: 'ultralytics-metadata',
      needs: [],
      input: { name: 'images', shape: [1, 3, 64, 64], type: 'FLOAT' },
    });
  });

  it('reports boxes in the original image’s pixels, after NMS, with per-stage timings', async () => {
    const result = await preview.service.predict(model, square, {});
    // 128×128 seen at 64×64: every input pixel is two original pixels; the weak overlapping cat is suppressed.
    expect(boxes(result)).toEqual([
      ['cat', 16, 32, 80, 96],
      ['dog', 64, 16, 112, 48],
    ]);
    expect(result.predictions[0]!.confidence).toBeCloseTo(0.9, 6);
    expect(result.image).toMatchObject({ width: 128, height: 128, format: 'png', name: 'square.png' });
    expect(result.reused).toBe(false);
    for (const stage of ['decode', 'preprocess', 'inference', 'postprocess', 'total'] as const)
      expect(result.timings[stage]).toBeGreaterThan(0);
    expect(result.timings.total).toBeGreaterThanOrEqual(result.timings.inference);
  });

  it('names every millisecond: session creation is its own stage, and the stages add up to the total', async () => {
    const first = await preview.service.predict(model, square, {});
    const t = first.timings;
    expect(t.load, 'the first image creates the onnxruntime session').toBeGreaterThan(0);
    const named = t.open + t.load + t.decode + t.preprocess + t.inference + t.postprocess + t.other;
    expect(named).toBeCloseTo(t.total, 6);
    // What no stage names stays small: anything large belongs in a stage of its own.
    expect(t.other).toBeLessThan(Math.max(5, t.total * 0.1));
    const second = await preview.service.predict(model, work.write('other.png', await solidPng(64, 64)), {});
    expect(second.timings.load, 'the session is created once').toBeLessThan(1);
    // Two calls on one image at once (the folder run and the shown image) share a run; each adds up.
    const third = work.write('third.png', await solidPng(96, 96));
    for (const r of await Promise.all([1, 2].map(() => preview.service.predict(model, third, {})))) {
      const s = r.timings;
      expect(s.open + s.load + s.decode + s.preprocess + s.inference + s.postprocess + s.other).toBeCloseTo(
        s.total,
        6,
      );
    }
  });

  it('keeps the first run’s stage times when the outputs are reused (going back to an image)', async () => {
    const first = await preview.service.predict(model, square, {});
    const again = await preview.service.predict(model, square, {});
    expect(again.reused).toBe(true);
    expect(again.timings.decode).toBe(0);
    expect(again.firstRun).toMatchObject({
      decode: first.timings.decode,
      preprocess: first.timings.preprocess,
      inference: first.timings.inference,
      load: first.timings.load,
    });
    expect(first.firstRun).toBeNull();
  });

  it('undoes the letterbox padding of a wide image', async () => {
    const wide = work.write('wide.png', await solidPng(200, 100));
    const result = await preview.service.predict(model, wide, {});
    // 200×100 → 64×32 plus 16 rows of padding above and below; the cat spans input rows 16–48, the full height.
    expect(boxes(result)[0]).toEqual(['cat', 25, 0, 125, 100]);
    expect(result.mapping).toEqual({
      inputWidth: 64,
      inputHeight: 64,
      left: 0,
      top: 16,
      resizedWidth: 64,
      resizedHeight: 32,
    });
  });

  it('re-runs only post-processing when thresholds or the class filter change', async () => {
    await preview.service.predict(model, square, {});
    const runs = preview.service.engine.worker.runs;
    const strict = await preview.service.predict(model, square, { conf: 0.7 });
    const loose = await preview.service.predict(model, square, { iou: 0.95 });
    const dogs = await preview.service.predict(model, square, { classes: [1] });
    expect(preview.service.engine.worker.runs).toBe(runs);
    expect([strict.reused, loose.reused, dogs.reused]).toEqual([true, true, true]);
    expect(strict.timings.inference).toBe(0);
    expect(boxes(strict)).toEqual([['cat', 16, 32, 80, 96]]);
    expect(loose.predictions.map((p) => p.class)).toEqual(['cat', 'dog', 'cat']);
    expect(dogs.predictions.map((p) => p.class)).toEqual(['dog']);
    expect(strict.options).toEqual({ conf: 0.7, iou: 0.7, maxDet: 300, agnostic: false });
  });

  it('runs the model again when the image file changes', async () => {
    await preview.service.predict(model, square, {});
    const runs = preview.service.engine.worker.runs;
    await new Promise((r) => setTimeout(r, 20));
    work.write('square.png', await solidPng(64, 64));
    const again = await preview.service.predict(model, square, {});
    expect(again.reused).toBe(false);
    expect(preview.service.engine.worker.runs).toBe(runs + 1);
    expect(boxes(again)[0]).toEqual(['cat', 8, 16, 40, 48]);
  });

  it('keeps one session per model file, releases it when unused, and reloads a changed file', async () => {
    await preview.service.predict(model, square, {});
    await preview.service.predict(model, square, { conf: 0.5 });
    expect(preview.service.engine.loadedSessions()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(preview.service.engine.loadedSessions()).toHaveLength(0);

    // A new version of the file (another output) gets a new session and new predictions.
    work.write(
      'tiny.onnx',
      buildTinyOnnx({
        inputShape: [1, 3, 64, 64],
        output: detectorOutput([[32, 32, 16, 16, 0.1, 0.8]]),
        metadata: ultralyticsMetadata(['cat', 'dog'], [64, 64]),
      }),
    );
    const changed = await preview.service.predict(model, square, {});
    expect(boxes(changed)).toEqual([['dog', 48, 48, 80, 80]]);
    expect(await preview.service.release(model)).toEqual({ released: true });
    expect(preview.service.engine.loadedSessions()).toHaveLength(0);
  });

  it('reads the next image of a folder ahead, with the same result, and reports a bad one on its own turn', async () => {
    const wide = work.write('wide.png', await solidPng(256, 128));
    const broken = work.write('broken.png', Buffer.from('not an image at all'));
    const fresh = await preview.service.predict(model, wide, {}, { keepOutputs: false });
    await preview.service.predict(model, square, {}, { keepOutputs: false, next: wide });
    const ahead = await preview.service.predict(model, wide, {}, { keepOutputs: false, next: broken });
    expect(boxes(ahead)).toEqual(boxes(fresh));
    expect(ahead.image).toMatchObject({ width: 256, height: 128 });
    await expect(preview.service.predict(model, broken, {}, { keepOutputs: false })).rejects.toMatchObject({
      code: 'NOT_AN_IMAGE',
    });
  });

  it('lists the top classes of a classifier, most probable first', async () => {
    const classifier = work.write('cls.onnx', tinyClassifier());
    const result = await preview.service.predict(classifier, square, { topK: 2 });
    expect(result.task).toBe('classify');
    // A classifier's predictions are its top classes, without boxes.
    expect(result.predictions.map((t) => [t.class, Number(t.confidence.toFixed(3))])).toEqual([
      ['dog', 0.7],
      ['cat', 0.2],
    ]);
  });
});
