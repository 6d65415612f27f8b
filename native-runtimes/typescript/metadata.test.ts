import { describe, expect, it } from 'vitest';
import { metadataForFormat, metadataForModelFile } from './metadata';

/** An export's metadata.json as the trainer writes it: the first format at the top, every format under `formats`. */
const onnx = { format: 'onnx', model_file: 'model.onnx', names: ['cat'], input: { name: 'images' } };
const openvino = {
  format: 'openvino',
  model_file: 'model_openvino_model',
  names: ['cat'],
  input: { name: 'x' },
};
const file = { ...openvino, formats: { openvino, onnx } };

describe('metadata.json: the document of one model', () => {
  it('takes a format’s document from `formats`, whichever format is at the top', () => {
    expect(metadataForFormat(file, 'onnx')).toEqual(onnx);
    expect(metadataForFormat(file, 'openvino')).toEqual(openvino);
    expect(metadataForFormat(file, 'tflite')).toBeNull();
  });

  it('finds the document of a model file by its name', () => {
    expect(metadataForModelFile(file, 'model.onnx')).toEqual(onnx);
    expect(metadataForModelFile(file, 'model_openvino_model')).toEqual(openvino);
    expect(metadataForModelFile(file, 'other.onnx')).toBeNull();
  });

  it('reads a one-format document (an embedded copy, an older export) as it is', () => {
    expect(metadataForFormat(onnx, 'onnx')).toEqual(onnx);
    expect(metadataForFormat(onnx, 'openvino')).toBeNull();
    expect(metadataForModelFile(onnx, 'model.onnx')).toEqual(onnx);
    expect(metadataForModelFile(onnx, 'other.onnx')).toBeNull();
    const handWritten = { task: 'detect', names: ['cat'] };
    expect(metadataForModelFile(handWritten, 'anything.onnx')).toEqual(handWritten);
    expect(metadataForFormat('not json', 'onnx')).toBeNull();
  });
});
