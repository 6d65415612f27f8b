import { describe, expect, it } from 'vitest';
import type { PreviewModel } from '../../../electron/contract';
import { createAppStore } from './index';
import { scriptedHost } from './scripted-host';

const model: PreviewModel = {
  path: '/exports/model.onnx',
  name: 'model.onnx',
  sha256: 'ab'.repeat(32),
  sizeBytes: 1000,
  task: 'detect',
  names: ['cat', 'dog'],
  imgsz: [64, 64],
  source: 'metadata.json',
  needs: [],
  precision: 'fp32',
  input: { name: 'images', shape: [1, 3, 64, 64], type: 'FLOAT' },
  outputs: [{ name: 'output0', shape: [1, 6, 84] }],
  defaults: { conf: 0.3, iou: 0.6, maxDet: 300, agnostic: false },
};

describe('playground store', () => {
  it('uses the model’s own thresholds, and sends the thresholds and class filter with each prediction', async () => {
    const { host, calls } = scriptedHost({
      'preview:open': () => model,
      'preview:predict': () => {
        throw { code: 'NOT_AN_IMAGE', message: 'x', hint: 'y' };
      },
      'preview:batch': () => ({ runId: 'r1', total: 1, skipped: 0 }),
    });
    const store = createAppStore(host);
    await store.getState().openSlotModel('a', model.path, 'model v1');
    expect(store.getState().thresholds).toEqual({ conf: 0.3, iou: 0.6, classes: null });
    await store.getState().addImages([new File(['x'], 'a.png')]);
    store.getState().setThresholds({ conf: 0.5, classes: [1] });
    await new Promise((r) => setTimeout(r, 120));
    const predict = calls.filter(([c]) => c === 'preview:predict').at(-1)![1];
    expect(predict).toEqual({
      model: model.path,
      image: '/uploads/a.png',
      options: { conf: 0.5, iou: 0.6, classes: [1] },
    });
    expect(store.getState().slots.a.failures['/uploads/a.png']?.code).toBe('NOT_AN_IMAGE');
  });

  it('keeps batch events that arrive before the batch request has answered', async () => {
    let answerBatch: (value: unknown) => void = () => undefined;
    const { host, emit, calls } = scriptedHost({
      'preview:open': () => model,
      'preview:predict': () => new Promise(() => undefined),
      'preview:batch': () => new Promise((resolve) => (answerBatch = resolve)),
    });
    const store = createAppStore(host);
    const { connectEvents } = await import('./index');
    connectEvents(store, host);
    await store.getState().openSlotModel('a', model.path, 'model v1');
    const adding = store.getState().addImages([new File(['x'], 'a.png'), new File(['y'], 'b.png')]);
    while (!calls.some(([c]) => c === 'preview:batch')) await new Promise((r) => setTimeout(r, 5));
    // The core is faster than the answer: both images and the end of the run arrive first.
    for (const [index, name] of ['a.png', 'b.png'].entries()) {
      emit('preview:item', {
        runId: 'r9',
        index,
        path: `/uploads/${name}`,
        name,
        summary: { count: index + 1, top: [], totalMs: 3, reused: false },
        error: null,
      });
    }
    emit('preview:finished', {
      runId: 'r9',
      done: 2,
      failed: 0,
      total: 2,
      status: 'completed',
      elapsedMs: 9,
      error: null,
    });
    answerBatch({ runId: 'r9', total: 2, skipped: 0 });
    await adding;
    await new Promise((r) => setTimeout(r, 200));
    const slot = store.getState().slots.a;
    expect(slot.run).toMatchObject({ status: 'completed', done: 2, total: 2 });
    expect(Object.values(slot.summaries).map((s) => s.count)).toEqual([1, 2]);
  });
});
