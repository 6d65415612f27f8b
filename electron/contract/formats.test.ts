import { describe, expect, it } from 'vitest';
import {
  exportFormatSchema,
  FORMAT_IDS,
  FORMATS,
  firstUseEnvironments,
  imgszProblem,
  imgszRounding,
  isServableTask,
  modelStride,
  optionProblem,
  parseRequest,
  SERVABLE_TASKS,
  TASKS,
  taskSchema,
} from '.';

const create = (formats: string[], exportConfig: Record<string, unknown>) =>
  parseRequest('exports:create', { modelId: 'm1', formats, exportConfig });

describe('the export options, from the trainers’ registry', () => {
  it('the format ids are the registry’s, in its listing order', () => {
    expect(exportFormatSchema.options).toEqual([...FORMAT_IDS]);
    expect(FORMAT_IDS).toEqual(['onnx', 'torchscript', 'openvino', 'coreml', 'tflite', 'tensorrt']);
  });

  it('accepts TensorRT’s workspace, within its limits', () => {
    expect(create(['tensorrt'], { workspace: 8 }).exportConfig).toEqual({ workspace: 8 });
    expect(FORMATS.tensorrt.exportOptions.workspace).toMatchObject({ default: 4, minimum: 1, maximum: 64 });
    expect(() => create(['tensorrt'], { workspace: 0 })).toThrow(
      'exportConfig.workspace: workspace must be a whole number from 1 to 64',
    );
  });

  it('names the valid range of an option out of it, and refuses an option no format takes', () => {
    expect(() => create(['onnx'], { imgsz: 16 })).toThrow(
      'exportConfig.imgsz: imgsz must be a whole number from 32 to 4096',
    );
    expect(() => create(['onnx'], { imgsz: 640.5 })).toThrow('imgsz must be a whole number from 32 to 4096');
    expect(() => create(['onnx'], { opset: 30 })).toThrow(
      'exportConfig.opset: opset must be a whole number from 11 to 23',
    );
    expect(() => create(['onnx'], { batch: 65 })).toThrow('batch must be a whole number from 1 to 64');
    expect(() => create(['onnx'], { worksapce: 4 })).toThrow('Unrecognized key');
  });

  it('one format’s own limits for an option several formats share', () => {
    const narrow = { type: 'integer', minimum: 1, maximum: 8 } as const;
    expect(optionProblem('batch', narrow, 4)).toBeNull();
    expect(optionProblem('batch', narrow, 16)).toBe('batch must be a whole number from 1 to 8');
    expect(optionProblem('batch', { type: 'integer', minimum: 1 }, 0)).toBe(
      'batch must be a whole number of at least 1',
    );
    expect(optionProblem('mode', { type: 'string', choices: ['a', 'b'] }, 'c')).toBe(
      'mode must be one of a, b',
    );
  });

  it('a first-use environment comes from the format’s spec, with the variable that passes its interpreter', () => {
    expect(firstUseEnvironments(['onnx', 'openvino'])).toEqual([]);
    expect(firstUseEnvironments(['onnx', 'tflite', 'tflite'])).toEqual([
      { name: 'tflite', pythonVariable: 'EDGEPACK_TFLITE_PYTHON' },
    ]);
    expect(FORMAT_IDS.filter((id) => FORMATS[id].environment !== 'ultralytics')).toEqual(['tflite']);
  });
});

describe('image size: one policy', () => {
  it('any whole number in range; out of range names the range', () => {
    expect(imgszProblem(100)).toBeNull();
    expect(imgszProblem(4096)).toBeNull();
    expect(imgszProblem(16)).toBe('imgsz must be a whole number from 32 to 4096');
    expect(imgszProblem(4097)).toBe('imgsz must be a whole number from 32 to 4096');
    expect(create(['onnx'], { imgsz: 100 }).exportConfig).toEqual({ imgsz: 100 });
  });

  it('not a multiple of the stride: rounded up, in the trainer’s words', () => {
    expect(imgszRounding(640)).toEqual({ size: 640, warning: null });
    // trainers/tests/test_registry.py holds the trainer to these very sentences
    expect(imgszRounding(100)).toEqual({
      size: 128,
      warning: 'imgsz 100 is not a multiple of the model stride 32; using 128',
    });
    expect(imgszRounding(700, 64)).toEqual({
      size: 704,
      warning: 'imgsz 700 is not a multiple of the model stride 64; using 704',
    });
  });

  it('the stride is the model card’s, else the trainers’ default', () => {
    expect(modelStride({ stride: 64 })).toBe(64);
    expect(modelStride({})).toBe(32);
    expect(modelStride(null)).toBe(32);
    expect(modelStride({ stride: 'x' })).toBe(32);
  });
});

describe('tasks', () => {
  it('one list, the registry’s; the servable ones are the decoders’', () => {
    expect(taskSchema.options).toEqual([...TASKS]);
    expect(TASKS).toEqual(['detect', 'segment', 'classify', 'pose', 'obb']);
    expect(SERVABLE_TASKS.every((t) => TASKS.includes(t))).toBe(true);
    expect(isServableTask('obb')).toBe(false);
    expect(isServableTask('pose')).toBe(true);
    expect(() => parseRequest('preview:describe', { path: 'm.onnx', task: 'obb' })).toThrow('task');
  });
});
