import { buildTinyOnnx, ultralyticsMetadata } from '@edgepack/runtime/test-support/tiny-onnx';

export const TINY_NAMES = ['cat', 'dog'];
export const TINY_IMGSZ: [number, number] = [64, 64];

/**
 * A 64×64 "detector" whose output is fixed: anchor 0 is a cat at (8,16)-(40,48) with 0.9, anchor 1 a dog at
 * (32,8)-(56,24) with 0.6, anchor 2 a weak cat (0.1). Real ONNX, run by the real onnxruntime, no Python needed.
 */
export function tinyDetector(
  options: { opType?: string; dynamicBatch?: boolean; task?: string } = {},
): Uint8Array {
  const rows = [
    [24, 32, 32, 32, 0.9, 0.05],
    [44, 16, 24, 16, 0.1, 0.6],
    [10, 10, 4, 4, 0.1, 0.02],
  ];
  const anchors = rows.length;
  const data = new Float32Array(6 * anchors);
  rows.forEach((row, a) => row.forEach((v, c) => (data[c * anchors + a] = v)));
  return buildTinyOnnx({
    inputShape: [options.dynamicBatch ? 'batch' : 1, 3, ...TINY_IMGSZ],
    output: { dims: [1, 6, anchors], data },
    outputShape: [options.dynamicBatch ? 'batch' : 1, 6, anchors],
    metadata: ultralyticsMetadata(TINY_NAMES, TINY_IMGSZ, options.task),
    opType: options.opType,
  });
}

/** Same shape, but no metadata at all: a deploy must then come with metadata.json. */
export function tinyDetectorWithoutMetadata(): Uint8Array {
  return buildTinyOnnx({
    inputShape: [1, 3, ...TINY_IMGSZ],
    output: { dims: [1, 6, 1], data: new Float32Array(6) },
  });
}

export function tinyClassifier(): Uint8Array {
  return buildTinyOnnx({
    inputShape: [1, 3, 32, 32],
    output: { dims: [1, 2], data: Float32Array.from([0.3, 0.7]) },
    metadata: ultralyticsMetadata(TINY_NAMES, [32, 32], 'classify'),
  });
}
