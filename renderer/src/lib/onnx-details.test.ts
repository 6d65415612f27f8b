import { describe, expect, it } from 'vitest';
import { modelDetailRows } from './model-details';
import { onnxMetadataRows, tensorRows } from './onnx-details';

/** What the core reports for an ONNX file exported by Ultralytics (the card's `details`). */
const details = {
  producer: 'pytorch',
  producerVersion: '2.5.1',
  irVersion: 9,
  opsets: { 'ai.onnx': 17 },
  inputs: [{ name: 'images', shape: [1, 3, 640, 640], type: 'float32' }],
  outputs: [{ name: 'output0', shape: [1, 84, 'anchors'], type: 'float32' }],
  metadata: {
    description: 'Ultralytics YOLO11n model trained on coco.yaml',
    author: 'Ultralytics',
    date: '2026-11-02T10:11:12.000000',
    version: '8.3.40',
    license: 'AGPL-3.0 License (https://ultralytics.com/license)',
    stride: '32',
    task: 'detect',
    batch: '1',
    imgsz: '[640, 640]',
    names: "{0: 'person', 1: 'bicycle'}",
    kpt_shape: '[17, 3]',
    end2end: 'False',
    args: "{'batch': 1, 'half': False, 'nms': False}",
    long_note: 'x'.repeat(400),
  },
};

describe('an ONNX model card', () => {
  it('has no "[object Object]" and no raw JSON among its facts', () => {
    const rows = modelDetailRows(details);
    for (const row of rows) {
      expect(row.value).not.toContain('[object Object]');
      expect(row.value).not.toMatch(/^[{[]"/);
    }
    expect(rows).toContainEqual({ label: 'Opsets', value: 'ai.onnx 17' });
    expect(rows.map((r) => r.label)).not.toContain('Metadata');
  });

  it('lists inputs and outputs as name, type and shape', () => {
    expect(tensorRows(details.inputs)).toEqual([
      { name: 'images', type: 'float32', shape: '[1, 3, 640, 640]' },
    ]);
    expect(tensorRows(details.outputs)).toEqual([
      { name: 'output0', type: 'float32', shape: '[1, 84, anchors]' },
    ]);
    expect(tensorRows([{ name: 'out', shape: [1, 2] }])).toEqual([
      { name: 'out', type: '—', shape: '[1, 2]' },
    ]);
    expect(tensorRows(undefined)).toEqual([]);
  });

  it("reads Ultralytics' metadata as facts, leaving out what the card already says", () => {
    const rows = onnxMetadataRows(details.metadata);
    const byLabel = Object.fromEntries(rows.map((r) => [r.label, r.value]));
    expect(byLabel).toMatchObject({
      Description: 'Ultralytics YOLO11n model trained on coco.yaml',
      Ultralytics: '8.3.40',
      License: 'AGPL-3.0 License',
      Stride: '32',
      'Batch size': '1',
      Keypoints: '17 × 3',
      'NMS inside the model': 'no',
      'Export arguments': 'batch 1, half no, nms no',
    });
    expect(rows.map((r) => r.label)).not.toEqual(expect.arrayContaining(['Task']));
    expect(Object.keys(byLabel)).not.toContain('Names');
    const long = rows.find((r) => r.label === 'Long note')!;
    expect(long.value.length).toBe(160);
    expect(long.full.length).toBe(400);
  });
});
