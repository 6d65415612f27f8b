import { describe, expect, it } from 'vitest';
import { createRgbImage } from './image';
import { inputTransformFor, prepareInput, preprocessSpecFrom } from './preprocess';

const pixel = (r: number, g: number, b: number) => ({
  width: 1,
  height: 1,
  data: Uint8Array.from([r, g, b]),
});

describe('preprocessing from metadata.json', () => {
  it('defaults to Ultralytics: letterbox for detection, centre crop for classification, RGB ÷ 255', () => {
    expect(preprocessSpecFrom({}, 'detect')).toMatchObject({
      resize: 'letterbox',
      padValue: 114,
      colorOrder: 'RGB',
    });
    expect(preprocessSpecFrom(undefined, 'classify').resize).toBe('shortest_edge_center_crop');
    const { tensor, dims, transform } = prepareInput(pixel(255, 51, 0), {
      task: 'detect',
      imgsz: [1, 1],
      padValue: 114,
    });
    expect(dims).toEqual([1, 3, 1, 1]);
    expect(Array.from(tensor)).toEqual([1, Math.fround(51 / 255), 0]);
    expect(transform.kind).toBe('letterbox');
  });

  it('applies the colour order, scale, mean and std it gives', () => {
    const spec = preprocessSpecFrom(
      {
        preprocessing: {
          color_order: 'BGR',
          scale: 1,
          mean: [10, 20, 30],
          std: [2, 4, 5],
          resize: { mode: 'letterbox', pad_value: 0 },
        },
      },
      'detect',
    );
    const { tensor } = prepareInput(pixel(100, 60, 30), {
      task: 'detect',
      imgsz: [1, 1],
      padValue: 0,
      preprocess: spec,
    });
    // BGR: channel 0 is blue (30 - 10) / 2, then green (60 - 20) / 4, then red (100 - 30) / 5.
    expect(Array.from(tensor)).toEqual([10, 10, 14]);
  });

  it('refuses a resize mode it does not know', () => {
    expect(() => preprocessSpecFrom({ preprocessing: { resize: { mode: 'stretch' } } }, 'detect')).toThrow(
      /"stretch"/,
    );
  });

  it('places an image without its pixels exactly as prepareInput does (letterbox and centre crop)', () => {
    const image = createRgbImage(37, 90);
    for (const task of ['detect', 'classify']) {
      const model = { task, imgsz: [32, 32] as [number, number], padValue: 114 };
      expect(inputTransformFor(37, 90, model)).toEqual(prepareInput(image, model).transform);
    }
    expect(inputTransformFor(37, 90, { task: 'classify', imgsz: [32, 32], padValue: 114 }).kind).toBe(
      'center_crop',
    );
  });
});
