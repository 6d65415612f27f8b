import { describe, expect, it } from 'vitest';
import type { ExportJob, FormatResult } from '../../../electron/contract';
import { barFractions, formatSpeedup, summaryRows } from './export-summary';

const result = (r: Partial<FormatResult>): FormatResult => ({
  format: 'onnx',
  status: 'passed',
  path: '/exports/m/v1/model.onnx',
  bytes: 3_345_503,
  parity: null,
  latencyMs: null,
  durationMs: 1000,
  error: null,
  note: null,
  ...r,
});
const job = (results: FormatResult[]) => ({ results }) as unknown as ExportJob;

describe('the summary of a finished export', () => {
  it('gives each format its size, latency, speed-up against PyTorch and a parity verdict in boxes', () => {
    const parity = { passed: true, max_abs: 1.2e-4, boxes_reference: 11, boxes_matched: 11 };
    const rows = summaryRows(
      job([
        result({ latencyMs: 10, parity: { ...parity, reference_latency_ms: 25 } }),
        result({ format: 'openvino', latencyMs: 50, parity: { ...parity, passed: false, boxes_matched: 9 } }),
      ]),
    );
    expect(rows[0]).toMatchObject({
      format: 'onnx',
      speedup: 2.5,
      parity: 'matches: 11 of 11 boxes',
      hasFile: true,
    });
    expect(rows[1]).toMatchObject({ format: 'openvino', speedup: 0.5, parity: 'differs: 9 of 11 boxes' });
    expect(rows.map((r) => formatSpeedup(r.speedup))).toEqual(['2.5× faster', '2.0× slower']);
  });

  it('speaks of top-1 for a classifier and of a failed format as not checked, with nothing to show', () => {
    const rows = summaryRows(
      job([
        result({ parity: { passed: true, top1_agreement: 1, max_abs: 0.01 }, latencyMs: 1 }),
        result({ format: 'tflite', status: 'failed', path: null, bytes: null }),
      ]),
    );
    expect(rows[0]).toMatchObject({ parity: 'matches: top-1 100.0 %', speedup: null });
    expect(rows[1]).toMatchObject({ parity: 'not checked (failed)', hasFile: false });
    expect(formatSpeedup(rows[0]!.speedup)).toBe('—');
  });

  it('scales bars to the largest value and leaves unknown values without one', () => {
    expect(barFractions([2, 4, null])).toEqual([0.5, 1, null]);
    expect(barFractions([null])).toEqual([null]);
  });
});
