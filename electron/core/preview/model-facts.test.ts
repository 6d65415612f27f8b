import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previewService, scratch, tinyDetector } from './test-support';

let work: ReturnType<typeof scratch>;
let preview: ReturnType<typeof previewService>;

beforeEach(() => {
  work = scratch();
  preview = previewService(work.dir);
});

afterEach(async () => {
  await preview.close();
  work.cleanup();
});

const document = (format: string, modelFile: string, names: string[]) => ({
  format,
  model_file: modelFile,
  task: 'detect',
  names,
  input: { name: 'images', shape: [1, 3, 64, 64], dtype: 'float32', layout: 'NCHW' },
});

describe('the preview reads the metadata.json of a multi-format export', () => {
  it('takes the ONNX model’s document, though another format is at the top of the file', async () => {
    const model = work.write('model.onnx', tinyDetector());
    const openvino = document('openvino', 'model_openvino_model', ['wrong', 'names']);
    const onnx = document('onnx', 'model.onnx', ['kitten', 'puppy']);
    fs.writeFileSync(
      path.join(work.dir, 'metadata.json'),
      JSON.stringify({ ...openvino, formats: { openvino, onnx } }),
    );
    const info = await preview.service.open(model);
    expect(info).toMatchObject({ source: 'metadata.json', names: ['kitten', 'puppy'], needs: [] });
  });

  it('ignores a metadata.json that describes only other files of the folder', async () => {
    const model = work.write('model.onnx', tinyDetector());
    const openvino = document('openvino', 'model_openvino_model', ['wrong', 'names']);
    fs.writeFileSync(
      path.join(work.dir, 'metadata.json'),
      JSON.stringify({ ...openvino, formats: { openvino } }),
    );
    const info = await preview.service.open(model);
    expect(info).toMatchObject({ source: 'ultralytics-metadata', names: ['cat', 'dog'] });
  });
});
