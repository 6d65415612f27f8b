import { describe, expect, it } from 'vitest';
import { centerCropTransform, shortestEdgeCenterCrop, toProbabilities, topK } from './classify';

describe('centerCropTransform (torchvision Resize + CenterCrop)', () => {
  it('resizes the shorter side to the target and truncates the longer, then centres the crop', () => {
    // 810 × 1080 at 64: width 64, height int(64 × 1080 / 810) = 85; crop top round(21 / 2) = 10 (half to even).
    expect(centerCropTransform(810, 1080, [64, 64])).toMatchObject({
      resizedWidth: 64,
      resizedHeight: 85,
      top: 10,
      left: 0,
    });
    expect(centerCropTransform(1280, 720, [224, 224])).toMatchObject({
      resizedWidth: 398,
      resizedHeight: 224,
      top: 0,
      left: 87,
    });
  });

  it('resizes straight to a non-square target', () => {
    expect(centerCropTransform(500, 300, [48, 64])).toMatchObject({
      resizedWidth: 64,
      resizedHeight: 48,
      top: 0,
      left: 0,
    });
  });

  it('takes the centre of the resized image', () => {
    // 4 × 2: left half black, right half white; cropping 2 × 2 from the middle keeps one of each.
    const data = new Uint8Array(4 * 2 * 3);
    for (let y = 0; y < 2; y++)
      for (let x = 2; x < 4; x++) data.fill(255, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3);
    const { image } = shortestEdgeCenterCrop({ width: 4, height: 2, data }, [2, 2]);
    expect(Array.from(image.data.subarray(0, 6))).toEqual([0, 0, 0, 255, 255, 255]);
  });
});

describe('top-k', () => {
  it('keeps probabilities that already sum to one and softmaxes logits', () => {
    const probs = Float32Array.from([0.1, 0.6, 0.3]);
    expect(toProbabilities(probs)).toBe(probs);
    const fromLogits = toProbabilities(Float32Array.from([0, Math.log(3)]));
    expect(fromLogits[0]).toBeCloseTo(0.25, 6);
    expect(fromLogits[1]).toBeCloseTo(0.75, 6);
  });

  it('orders by probability and filters by class', () => {
    const probs = Float32Array.from([0.1, 0.6, 0.3]);
    expect(topK(probs, 2).map((s) => s.classId)).toEqual([1, 2]);
    expect(topK(probs, 5, [0, 2]).map((s) => s.classId)).toEqual([2, 0]);
  });
});
