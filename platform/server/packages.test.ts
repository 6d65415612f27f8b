import { describe, expect, it } from 'vitest';
import { tinyDetectorWithoutMetadata } from '../test-support/tiny-models';
import { validateModelPackage } from './packages';

describe('an uploaded export metadata.json', () => {
  it('is read for its ONNX model’s document, whichever format the file puts first', () => {
    const document = (format: string, modelFile: string, input: string, names: string[]) => ({
      format,
      model_file: modelFile,
      task: 'detect',
      names,
      input: { name: input, shape: [1, 3, 64, 64], dtype: 'float32', layout: 'NCHW' },
    });
    const torchscript = document('torchscript', 'model.torchscript', 'x', ['wrong', 'names']);
    const onnx = document('onnx', 'model.onnx', 'images', ['cat', 'dog']);
    const served = validateModelPackage(
      tinyDetectorWithoutMetadata(),
      JSON.stringify({ ...torchscript, formats: { torchscript, onnx } }),
    );
    expect(served.info).toMatchObject({ names: ['cat', 'dog'], inputName: 'images', imgsz: [64, 64] });
    expect(served.metadataJson).toEqual(onnx);
  });
});
