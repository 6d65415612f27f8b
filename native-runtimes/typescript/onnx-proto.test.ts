import { describe, expect, it } from 'vitest';
import { readOnnxSummary } from './onnx-proto';
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
});
