import { describe, expect, it } from 'vitest';
import { camelCaseKeys, fromInspectResult } from './inspected';

describe("the trainer's model card", () => {
  it('gets camelCase fact names, as the rest of the contract; values are kept as they are', () => {
    const model = fromInspectResult({
      model: {
        task: 'pose',
        names: { 0: 'person' },
        imgsz: 640,
        details: {
          ultralytics_version: '8.4.190',
          train_data: 'coco8-pose.yaml',
          kpt_shape: [17, 3],
          stride: 32,
          scan: { globals: 29, unsafe: ['a_b.c'], loader: 'restricted' },
        },
      },
    });
    expect(model?.details).toEqual({
      ultralyticsVersion: '8.4.190',
      trainData: 'coco8-pose.yaml',
      kptShape: [17, 3],
      stride: 32,
      scan: { globals: 29, unsafe: ['a_b.c'], loader: 'restricted' },
    });
  });

  it('renames cards stored before (idempotent on camelCase names)', () => {
    expect(camelCaseKeys({ trained_epochs: 3, irVersion: 9, metadata: { some_key: 'v' } })).toEqual({
      trainedEpochs: 3,
      irVersion: 9,
      metadata: { some_key: 'v' },
    });
  });
});
