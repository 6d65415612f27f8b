import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { camelName, fromPython, snakeName, toPython } from './names';

describe('names across Python and TypeScript', () => {
  it('renames snake_case ⇄ camelCase, both ways', () => {
    expect(['latency_ms', 'sample_photos', 'calib_dir', 'imgsz', 'top1_agreement'].map(camelName)).toEqual([
      'latencyMs',
      'samplePhotos',
      'calibDir',
      'imgsz',
      'top1Agreement',
    ]);
    expect(['calibDir', 'int8', 'imgsz'].map(snakeName)).toEqual(['calib_dir', 'int8', 'imgsz']);
  });

  it('reads what Python wrote through one schema, keeping the parity figures and package names as they are', () => {
    const schema = fromPython(
      z.object({
        latencyMs: z.number(),
        calibration: z.object({ samplePhotos: z.boolean() }),
        parity: z.record(z.string(), z.number()),
        converter: z.object({ packages: z.record(z.string(), z.string()) }),
      }),
    );
    expect(
      schema.parse({
        latency_ms: 12.5,
        calibration: { sample_photos: true },
        parity: { max_abs: 2e-5, box_match: 1 },
        converter: { packages: { onnx_graphsurgeon: '0.5.8' } },
      }),
    ).toEqual({
      latencyMs: 12.5,
      calibration: { samplePhotos: true },
      parity: { max_abs: 2e-5, box_match: 1 },
      converter: { packages: { onnx_graphsurgeon: '0.5.8' } },
    });
  });

  it('gives the trainer its options in its own names', () => {
    expect(toPython({ int8: true, calibDir: '/photos' })).toEqual({ int8: true, calib_dir: '/photos' });
    expect(toPython({ imgsz: 640, half: false })).toEqual({ imgsz: 640, half: false });
  });
});
