import { describe, expect, it } from 'vitest';
import { warningsInLog } from './format';

describe('export log warnings', () => {
  it('keeps each trainer warning once, in order, without the level or colour codes', () => {
    const sample = "INT8: no calibration folder given, so calibrated on Ultralytics' 2 sample photos";
    const log = [
      'Export v1 of onnx, openvino started (trainer pid 42).',
      `WARNING: ${sample}`,
      'INT8: calibrating on 2 images from /py/ultralytics/assets',
      'WARNING: \u001b[33mimgsz 150 is not a multiple of the model stride 32; using 160\u001b[0m',
      `WARNING: ${sample}`,
      'ERROR: not a warning',
    ];
    expect(warningsInLog(log)).toEqual([
      sample,
      'imgsz 150 is not a multiple of the model stride 32; using 160',
    ]);
  });
});
