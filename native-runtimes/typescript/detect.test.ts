import { describe, expect, it } from 'vitest';
import { scaleBoxToSource } from './boxes';
import { decodeDetections } from './detect';
import { VisionError } from './errors';
import { letterboxTransform } from './letterbox';
import { nonMaxSuppression } from './nms';

/** Builds an Ultralytics [1, 4 + nc, N] output from per-anchor rows (cx, cy, w, h, score per class). */
function anchorOutput(rows: number[][]): { data: Float32Array; dims: number[] } {
  const channels = rows[0]!.length;
  const data = new Float32Array(channels * rows.length);
  rows.forEach((row, a) => row.forEach((v, c) => (data[c * rows.length + a] = v)));
  return { data, dims: [1, channels, rows.length] };
}

const defaults = { confThreshold: 0.25, iouThreshold: 0.7, maxDetections: 300, agnostic: false };

describe('decodeDetections', () => {
  it('turns centre boxes into corners and keeps the best class per anchor', () => {
    const { data, dims } = anchorOutput([[50, 40, 20, 10, 0.1, 0.9]]);
    const [d] = decodeDetections(data, dims, defaults);
    expect(d!.box).toEqual([40, 35, 60, 45]);
    expect(d!.classId).toBe(1);
    expect(d!.score).toBeCloseTo(0.9);
  });

  it('drops boxes at or under the confidence threshold (strictly greater is kept)', () => {
    const { data, dims } = anchorOutput([
      [10, 10, 4, 4, 0.25, 0],
      [50, 50, 4, 4, 0.26, 0],
    ]);
    const kept = decodeDetections(data, dims, defaults);
    expect(kept.map((d) => d.box[0])).toEqual([48]);
  });

  it('suppresses an overlapping box of the same class but not of another class', () => {
    const rows = [
      [50, 50, 40, 40, 0.9, 0],
      [52, 50, 40, 40, 0.8, 0],
      [51, 50, 40, 40, 0, 0.7],
    ];
    const { data, dims } = anchorOutput(rows);
    const classAware = decodeDetections(data, dims, defaults);
    expect(classAware.map((d) => [d.classId, Number(d.score.toFixed(2))])).toEqual([
      [0, 0.9],
      [1, 0.7],
    ]);
    const agnostic = decodeDetections(data, dims, { ...defaults, agnostic: true });
    expect(agnostic.map((d) => d.classId)).toEqual([0]);
  });

  it('keeps overlapping boxes whose IoU is under the threshold', () => {
    const { data, dims } = anchorOutput([
      [50, 50, 40, 40, 0.9],
      [70, 50, 40, 40, 0.8],
    ]);
    expect(decodeDetections(data, dims, { ...defaults, iouThreshold: 0.7 })).toHaveLength(2);
    expect(decodeDetections(data, dims, { ...defaults, iouThreshold: 0.3 })).toHaveLength(1);
  });

  it('caps the number of detections and filters by class', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [
      i * 100 + 20,
      20,
      10,
      10,
      0.5 + i / 100,
      0.4 - i / 100,
    ]);
    const { data, dims } = anchorOutput(rows);
    const top3 = decodeDetections(data, dims, { ...defaults, maxDetections: 3 });
    expect(top3.map((d) => d.box[0])).toEqual([915, 815, 715]);
    const onlyClass1 = decodeDetections(data, dims, { ...defaults, classes: [1] });
    expect(onlyClass1).toHaveLength(0);
  });

  it('hands the channels after the classes back as extras (keypoints, mask coefficients)', () => {
    const { data, dims } = anchorOutput([[50, 50, 10, 10, 0.9, 0.1, 7, 8, 9]]);
    const [d] = decodeDetections(data, dims, { ...defaults, numClasses: 2 });
    expect(Array.from(d!.extra)).toEqual([7, 8, 9]);
  });

  it('reads end-to-end [1, N, 6] outputs without running NMS again', () => {
    const data = Float32Array.from([10, 10, 30, 30, 0.9, 2, 12, 12, 32, 32, 0.8, 2, 0, 0, 0, 0, 0.1, 0]);
    const kept = decodeDetections(data, [1, 3, 6], defaults);
    expect(kept.map((d) => [d.box, d.classId])).toEqual([
      [[10, 10, 30, 30], 2],
      [[12, 12, 32, 32], 2],
    ]);
  });

  it('refuses outputs that are not a detection head, saying what shape it got', () => {
    expect(() => decodeDetections(new Float32Array(10), [1, 10], defaults)).toThrow(VisionError);
    expect(() => decodeDetections(new Float32Array(12), [1, 3, 4], defaults)).toThrow(/3 channels/);
  });
});

describe('nonMaxSuppression', () => {
  it('returns kept boxes highest score first', () => {
    const kept = nonMaxSuppression(
      [
        { box: [0, 0, 10, 10], score: 0.3, classId: 0 },
        { box: [100, 0, 110, 10], score: 0.9, classId: 0 },
      ],
      { iouThreshold: 0.5, agnostic: false, maxDetections: 10 },
    );
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.3]);
  });
});

describe('scaleBoxToSource', () => {
  it('maps a box in the letterboxed input back onto the original photo', () => {
    const t = letterboxTransform(810, 1080, [640, 640]);
    // Original box (81, 108)-(405, 540) → ×0.5926 and +80 px on x in the input.
    const inInput: [number, number, number, number] = [
      81 * (480 / 810) + 80,
      108 * (640 / 1080),
      405 * (480 / 810) + 80,
      540 * (640 / 1080),
    ];
    const back = scaleBoxToSource(inInput, t);
    [81, 108, 405, 540].forEach((v, i) => expect(back[i]).toBeCloseTo(v, 6));
  });

  it('clips boxes that reach into the padding to the image', () => {
    const t = letterboxTransform(810, 1080, [640, 640]);
    expect(scaleBoxToSource([0, -5, 700, 650], t)).toEqual([0, 0, 810, 1080]);
  });
});
