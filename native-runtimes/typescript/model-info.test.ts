import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { VisionError } from './errors';
import { resolveModelInfo } from './model-info';
import { readOnnxSummary } from './onnx-proto';
import { parsePythonLiteral } from './python-literal';
import { buildTinyOnnx, ultralyticsMetadata } from './test-support/tiny-onnx';

const detections = { dims: [1, 6, 2], data: new Float32Array(12) };

describe('parsePythonLiteral', () => {
  it("reads Ultralytics' str() of names, imgsz and args", () => {
    const names = parsePythonLiteral(`{0: 'person', 1: "it's", 2: 'caf\\xe9'}`) as Map<number, string>;
    expect([...names.entries()]).toEqual([
      [0, 'person'],
      [1, "it's"],
      [2, 'café'],
    ]);
    expect(parsePythonLiteral('[640, 480]')).toEqual([640, 480]);
    expect(parsePythonLiteral('(17, 3)')).toEqual([17, 3]);
    const args = parsePythonLiteral("{'batch': 1, 'half': False, 'data': None, 'conf': 0.25}") as Map<
      string,
      unknown
    >;
    expect(Object.fromEntries(args)).toEqual({ batch: 1, half: false, data: null, conf: 0.25 });
  });

  it('rejects text that is not a literal', () => {
    expect(() => parsePythonLiteral("{0: 'a'")).toThrow(/Not a Python literal/);
    expect(() => parsePythonLiteral('os.system("x")')).toThrow(/Not a Python literal/);
  });
});

describe('readOnnxSummary', () => {
  it('reads metadata_props and graph inputs/outputs of a model onnxruntime also loads', async () => {
    const bytes = buildTinyOnnx({
      inputShape: ['batch', 3, 96, 128],
      output: detections,
      metadata: ultralyticsMetadata(['cat', 'dog'], [96, 128]),
    });
    const summary = readOnnxSummary(bytes);
    expect(summary.inputs).toEqual([{ name: 'images', elemType: 'FLOAT', shape: ['batch', 3, 96, 128] }]);
    expect(summary.outputs).toEqual([{ name: 'output0', elemType: 'FLOAT', shape: [1, 6, 2] }]);
    expect(summary.metadata.names).toBe("{0: 'cat', 1: 'dog'}");
    expect(summary.opset).toBe(17);
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['images']);
    expect(session.outputNames).toEqual(['output0']);
    await session.release();
  });

  it('refuses a file that is not ONNX with a clear error', () => {
    const pickle = Uint8Array.from([0x80, 0x02, 0x63, 0x74, 0x6f, 0x72, 0x63, 0x68]);
    expect(() => readOnnxSummary(pickle)).toThrow(VisionError);
    expect(() => readOnnxSummary(new TextEncoder().encode('PK\u0003\u0004 a zip'))).toThrow(
      /not a valid ONNX model/,
    );
  });
});

describe('resolveModelInfo', () => {
  it("takes names, input size, stride and task from the ONNX file's metadata", () => {
    const onnx = readOnnxSummary(
      buildTinyOnnx({
        inputShape: [1, 3, 96, 128],
        output: detections,
        metadata: ultralyticsMetadata(['a', 'b'], [96, 128]),
      }),
    );
    const info = resolveModelInfo({ onnx });
    expect(info).toMatchObject({
      task: 'detect',
      names: ['a', 'b'],
      imgsz: [96, 128],
      stride: 32,
      endToEnd: false,
    });
    expect(info.source).toBe('onnx-metadata');
  });

  it("prefers the export's metadata.json, including its NMS defaults", () => {
    const onnx = readOnnxSummary(
      buildTinyOnnx({
        inputShape: [1, 3, 64, 64],
        output: detections,
        metadata: ultralyticsMetadata(['x', 'y'], [64, 64]),
      }),
    );
    const metadataJson = {
      task: 'detect',
      names: ['person', 'bus'],
      input: { name: 'images', shape: [1, 3, 64, 64] },
      preprocessing: { resize: { mode: 'letterbox', pad_value: 114, stride: 32 } },
      postprocessing: {
        decoder: { type: 'detect', nms_applied: false },
        nms: { conf: 0.4, iou: 0.5, max_det: 50 },
      },
    };
    const info = resolveModelInfo({ metadataJson, onnx });
    expect(info.names).toEqual(['person', 'bus']);
    expect(info.nms).toEqual({ conf: 0.4, iou: 0.5, maxDet: 50, agnostic: false });
    expect(info.source).toBe('metadata.json');
  });

  it('falls back to the input shape for the size, and names what is missing', () => {
    const bare = readOnnxSummary(buildTinyOnnx({ inputShape: [1, 3, 64, 64], output: detections }));
    expect(() => resolveModelInfo({ onnx: bare })).toThrow(/task, class names/);
    const error = (() => {
      try {
        resolveModelInfo({ onnx: bare });
      } catch (e) {
        return e as VisionError;
      }
    })();
    expect(error?.code).toBe('INVALID_MODEL_METADATA');
    expect(error?.hint).toMatch(/metadata\.json/);
  });

  it('rejects an unknown task in metadata.json', () => {
    expect(() => resolveModelInfo({ metadataJson: { task: 'paint', names: ['a'], imgsz: 64 } })).toThrow(
      /unknown task "paint"/,
    );
  });
});
