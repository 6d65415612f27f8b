import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTinyOnnx } from '../../../native-runtimes/typescript/test-support/tiny-onnx';
import { inspectOnnx, parseImgsz, parseNames } from './onnx-metadata';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-onnx-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A real, loadable ONNX model with this metadata_props and image input. */
const tinyOnnx = (metadata: Record<string, string>, inputShape = [1, 3, 32, 32]) =>
  buildTinyOnnx({ inputShape, output: { dims: [1, 1], data: new Float32Array(1) }, metadata });

describe('ONNX metadata', () => {
  it("parses Ultralytics' names (a Python dict repr) and imgsz", () => {
    expect(parseNames(`{0: 'person', 1: "o'clock", 2: 'traffic light'}`)).toEqual([
      'person',
      "o'clock",
      'traffic light',
    ]);
    expect(parseNames(`{1: 'b', 0: 'a'}`)).toEqual(['a', 'b']);
    expect(parseNames('["x", "y"]')).toEqual(['x', 'y']);
    expect(parseNames(undefined)).toEqual([]);
    expect(parseImgsz('[480, 640]')).toEqual([480, 640]);
    expect(parseImgsz('320')).toEqual([320, 320]);
  });

  it('describes a model it opens in onnxruntime: task, classes, input size, inputs and outputs', async () => {
    const file = path.join(dir, 'yolo.onnx');
    fs.writeFileSync(
      file,
      tinyOnnx({ task: 'segment', names: "{0: 'cat', 1: 'dog'}", imgsz: '[64, 96]' }, [1, 3, 64, 96]),
    );
    const model = await inspectOnnx(file);
    expect(model).toMatchObject({
      framework: 'onnx',
      task: 'segment',
      classNames: ['cat', 'dog'],
      imgsz: [64, 96],
    });
    expect(model.details['inputs']).toEqual([{ name: 'images', shape: [1, 3, 64, 96], type: 'float32' }]);
    expect(model.details['outputs']).toEqual([{ name: 'output0', shape: [1, 1], type: 'float32' }]);
  });

  it('falls back to the input shape and a null task for a plain ONNX file', async () => {
    const file = path.join(dir, 'plain.onnx');
    fs.writeFileSync(file, tinyOnnx({}, [1, 3, 224, 224]));
    expect(await inspectOnnx(file)).toMatchObject({ task: null, classNames: [], imgsz: [224, 224] });
  });

  it('rejects a damaged ONNX file with a clear error', async () => {
    const file = path.join(dir, 'broken.onnx');
    fs.writeFileSync(file, tinyOnnx({ task: 'detect' }).subarray(0, 40));
    await expect(inspectOnnx(file)).rejects.toMatchObject({
      code: 'ONNX_INVALID',
      message: expect.stringContaining('broken.onnx is not a valid ONNX model'),
    });
  });
});
