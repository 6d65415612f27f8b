import { describe, expect, it } from 'vitest';
import type { ExportJob, ExportValidation } from '../../../electron/contract';
import { accuracyLabel, comparisonRows } from './accuracy';

const job = {
  results: [{ format: 'onnx', bytes: 3_300_000, latencyMs: 4.2, parity: { reference_latency_ms: 6.3 } }],
} as unknown as ExportJob;

function validation(rows: Partial<ExportValidation['rows'][number]>[]): ExportValidation {
  const base = { precision: 'fp32', modelFile: 'x', images: 6, partial: false, durationMs: 1, error: null };
  return { rows: rows.map((r) => ({ ...base, format: 'onnx', figures: null, ...r })) } as ExportValidation;
}

describe('the comparison table of an export', () => {
  it('puts size and latency beside accuracy, and the drop against PyTorch in points', () => {
    const rows = comparisonRows(
      job,
      validation([
        { format: 'pytorch', figures: { box: { map50_95: 0.8715, map50: 0.995 } } },
        { format: 'onnx', figures: { box: { map50_95: 0.8466, map50: 0.995 } } },
      ]),
    );
    expect(rows[0]).toMatchObject({ format: 'pytorch', accuracy: 0.8715, dropPoints: null, bytes: null });
    expect(rows[0]).toMatchObject({ latencyMs: 6.3, speedup: 1 });
    expect(rows[1]).toMatchObject({ format: 'onnx', bytes: 3_300_000, latencyMs: 4.2, dropPoints: -2.5 });
    expect(rows[1]!.speedup).toBeCloseTo(1.5);
  });

  it('judges segment by masks, pose by keypoints, classify by top-1', () => {
    const seg = { box: { map50_95: 0.8, map50: 0.9 }, mask: { map50_95: 0.7, map50: 0.9 } };
    expect(accuracyLabel(seg)).toBe('Mask mAP50-95');
    expect(comparisonRows(job, validation([{ figures: seg }]))[0]!.accuracy).toBe(0.7);
    expect(accuracyLabel({ box: { map50_95: 1, map50: 1 }, keypoints: { map50_95: 1, map50: 1 } })).toBe(
      'Pose mAP50-95',
    );
    expect(accuracyLabel({ top1: 0.9, top5: 1 })).toBe('Top-1');
  });

  it('keeps a format that could not be validated, with its error and no drop', () => {
    const rows = comparisonRows(job, validation([{ figures: null, error: 'RuntimeError: boom', images: 0 }]));
    expect(rows[0]).toMatchObject({ accuracy: null, dropPoints: null, error: 'RuntimeError: boom' });
  });
});
