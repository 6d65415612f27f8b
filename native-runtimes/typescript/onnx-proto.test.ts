import { describe, expect, it } from 'vitest';
import { onnxGraphBytes, readOnnxSummary } from './onnx-proto';
import { buildTinyOnnx } from './test-support/tiny-onnx';

describe('the ONNX reader', () => {
  it('reads metadata_props, producer and opsets from the model file', () => {
    const props = readOnnxSummary(
      buildTinyOnnx({
        inputShape: [1, 3, 32, 32],
        output: { dims: [1, 1], data: new Float32Array(1) },
        metadata: { task: 'detect', names: "{0: 'cat'}" },
        opset: 13,
      }),
    );
    expect(props.metadata).toEqual({ task: 'detect', names: "{0: 'cat'}" });
    expect(props.producer).toBe('edgepack-tests');
    expect(props.opsets).toEqual({ 'ai.onnx': 13 });
    expect(props.irVersion).toBe(8);
  });

  it('gives the graph without metadata_props: equal for two exports that differ in their date only', () => {
    const model = (date: string, value = 0) =>
      buildTinyOnnx({
        inputShape: [1, 3, 32, 32],
        output: { dims: [1, 1], data: Float32Array.of(value) },
        metadata: { date },
      });
    const first = model('2026-12-05T18:29:59');
    const second = model('2026-12-05T18:30:15');
    expect(first).not.toEqual(second);
    expect(onnxGraphBytes(first)).toEqual(onnxGraphBytes(second));
    expect(onnxGraphBytes(model('2026-12-05T18:29:59', 1))).not.toEqual(onnxGraphBytes(first));
    expect(() => onnxGraphBytes(Uint8Array.of(0x08, 0x08))).toThrow('The ONNX file holds no graph.');
  });
});
