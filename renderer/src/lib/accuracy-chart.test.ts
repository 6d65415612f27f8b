import { describe, expect, it } from 'vitest';
import type { ComparisonRow } from './accuracy';
import { chartGeometry, niceStep } from './accuracy-chart';

const row = (
  format: string,
  precision: string,
  accuracy: number | null,
  latencyMs: number | null,
): ComparisonRow => ({
  format,
  precision,
  bytes: null,
  latencyMs,
  speedup: null,
  accuracy,
  dropPoints: null,
  partial: false,
  error: null,
});

const rows = [
  row('pytorch', 'fp32', 0.8, null),
  row('onnx', 'fp32', 0.795, 4.2),
  row('openvino', 'fp32', 0.795, 3.9),
  row('tflite', 'int8', 0.74, 2.1),
];

describe('the accuracy–latency chart', () => {
  it('rounds its steps to 1, 2 or 5 × 10^k', () => {
    expect(niceStep(4.2, 4)).toBe(2);
    expect(niceStep(0.06, 4)).toBe(0.02);
    expect(niceStep(170, 4)).toBe(50);
  });

  it('puts one point per measured format in the plot: faster left, more accurate up', () => {
    const g = chartGeometry(rows, []);
    expect(g.points.map((p) => p.format)).toEqual(['onnx', 'openvino', 'tflite']);
    for (const p of g.points) {
      expect(p.x).toBeGreaterThanOrEqual(g.plot.left);
      expect(p.x).toBeLessThanOrEqual(g.plot.right);
      expect(p.y).toBeGreaterThanOrEqual(g.plot.top);
      expect(p.y).toBeLessThanOrEqual(g.plot.bottom);
    }
    const [onnx, openvino, tflite] = g.points;
    expect(tflite!.x).toBeLessThan(openvino!.x);
    expect(openvino!.x).toBeLessThan(onnx!.x);
    expect(tflite!.y).toBeGreaterThan(onnx!.y);
    expect(onnx!.y).toBe(openvino!.y);
  });

  it('scales latency from 0 ms and accuracy over a round range holding every point and the original', () => {
    const g = chartGeometry(rows, []);
    expect(g.xTicks.map((t) => t.label)).toEqual(['0 ms', '2 ms', '4 ms', '6 ms']);
    expect(g.xTicks[0]!.at).toBe(g.plot.left);
    expect(g.xTicks.at(-1)!.at).toBeCloseTo(g.plot.right);
    expect(g.yTicks.map((t) => t.label)).toEqual(['72%', '74%', '76%', '78%', '80%', '82%']);
    expect(g.yTicks[0]!.at).toBeCloseTo(g.plot.bottom);
    // 0.80 sits on the 80% tick
    expect(g.referenceY).toBeCloseTo(g.yTicks[4]!.at);
  });

  it('keeps labels of points at the same height apart, and reads them leftwards near the right edge', () => {
    const g = chartGeometry(rows, []);
    const [onnx, openvino] = g.points;
    expect(onnx!.anchor).toBe('end');
    expect(onnx!.labelX).toBeLessThan(onnx!.x);
    expect(Math.abs(onnx!.labelY - openvino!.labelY)).toBeGreaterThanOrEqual(12);
    expect(g.points[2]!.anchor).toBe('start');
  });

  it('marks the formats failed on accuracy, and leaves out rows without a latency or a figure', () => {
    const g = chartGeometry(
      [...rows, row('coreml', 'fp16', null, 3), row('torchscript', 'fp32', 0.8, null)],
      ['tflite'],
    );
    expect(g.points.map((p) => [p.format, p.failed])).toEqual([
      ['onnx', false],
      ['openvino', false],
      ['tflite', true],
    ]);
  });

  it('has nothing to draw without a measured format, and no reference line without the original', () => {
    expect(chartGeometry([row('pytorch', 'fp32', 0.8, null)], []).points).toEqual([]);
    expect(chartGeometry([row('onnx', 'fp32', 0.8, 3)], []).referenceY).toBeNull();
  });
});
