import { describe, expect, it } from 'vitest';
import type { ClassPrediction, Detection, PreviewResult } from '../../../electron/contract';
import { compareResults } from './preview-diff';

function result(predictions: Partial<Detection>[], top: ClassPrediction[] = []): PreviewResult {
  return {
    model: 'm.onnx',
    image: { path: '/i.png', name: 'i.png', width: 100, height: 100, format: 'png' },
    task: top.length ? 'classify' : 'detect',
    predictions: top.length
      ? top
      : predictions.map((p) => ({
          class: 'cat',
          class_id: 0,
          confidence: 0.9,
          bbox: [0, 0, 10, 10],
          ...p,
        })),
    mapping: null,
    timings: { open: 0, load: 0, decode: 1, preprocess: 1, inference: 1, postprocess: 1, other: 0, total: 4 },
    reused: false,
    firstRun: null,
    options: { conf: 0.25, iou: 0.7, maxDet: 300, agnostic: false },
    notices: [],
  };
}

describe('compareResults', () => {
  it('pairs boxes of the same class that overlap, and lists what only one model found', () => {
    const a = result([
      { bbox: [0, 0, 10, 10], confidence: 0.9 },
      { bbox: [50, 50, 60, 60], confidence: 0.6 },
      { bbox: [80, 80, 90, 90], class_id: 1, class: 'dog', confidence: 0.5 },
    ]);
    const b = result([
      { bbox: [1, 0, 11, 10], confidence: 0.85 },
      { bbox: [80, 80, 90, 90], class_id: 0, confidence: 0.4 },
    ]);
    const diff = compareResults(a, b);
    expect(diff.matched).toBe(1);
    expect(diff.onlyA).toEqual([1, 2]);
    expect(diff.onlyB).toEqual([1]);
    expect(diff.maxConfidenceDelta).toBeCloseTo(0.05, 6);
    expect(diff.meanIou).toBeCloseTo(90 / 110, 6);
  });

  it('compares classifiers by their top classes', () => {
    const a = result(
      [],
      [
        { class: 'dog', class_id: 1, confidence: 0.7 },
        { class: 'cat', class_id: 0, confidence: 0.2 },
      ],
    );
    const b = result(
      [],
      [
        { class: 'cat', class_id: 0, confidence: 0.55 },
        { class: 'dog', class_id: 1, confidence: 0.4 },
      ],
    );
    const diff = compareResults(a, b);
    expect(diff.sameTop).toBe(false);
    expect(diff.maxConfidenceDelta).toBeCloseTo(0.35, 6);
  });
});
