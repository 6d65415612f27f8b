import { describe, expect, it } from 'vitest';
import type { FormatCapability } from '../../../electron/contract';
import {
  cardFacts,
  keptPrecision,
  onnxCardFacts,
  precisionChoice,
  toCreateRequest,
  type ExportDraft,
} from './export-plan';

const ALL_TASKS = { detect: { supported: true, quality: 'excellent' as const } };

function format(overrides: Partial<FormatCapability> & { id: string; label: string }): FormatCapability {
  return {
    runtime: 'onnxruntime (CPUExecutionProvider)',
    environment: 'ultralytics',
    converter: { installed: true, packages: {} },
    buildableHere: true,
    deferred: false,
    runnableHere: true,
    reason: null,
    precisions: ['fp32', 'fp16', 'int8'],
    note: '',
    tasks: ALL_TASKS,
    exportOptions: { imgsz: {}, simplify: {} },
    optimizationOptions: {},
    ...overrides,
  };
}

// Shaped like the trainer's answer on a Linux machine without an NVIDIA GPU.
const onnx = format({ id: 'onnx', label: 'ONNX' });
const torchscript = format({
  id: 'torchscript',
  label: 'TorchScript',
  precisions: ['fp32'],
  exportOptions: { imgsz: {} },
});
const coreml = format({
  id: 'coreml',
  label: 'CoreML',
  runnableHere: false,
  note: 'CoreML runs on Apple devices (macOS, iOS) only, not on this OS: checked structurally only.',
  tasks: { detect: { supported: true, quality: 'good' }, obb: { supported: false, quality: null } },
});
const tensorrt = format({
  id: 'tensorrt',
  label: 'TensorRT',
  buildableHere: false,
  deferred: true,
  runnableHere: false,
  reason: 'needs an NVIDIA GPU (CUDA) and the tensorrt package; exports a deferred build instead',
});
const tflite = format({
  id: 'tflite',
  label: 'TFLite',
  environment: 'tflite',
  converter: { installed: false, packages: {} },
  precisions: ['fp32', 'int8'],
  reason: 'its converter installs on first use, in its own environment (trainers/requirements/tflite.txt)',
});

describe('format cards', () => {
  it('a format that builds and runs here is selectable, with its quality for the task and nothing to explain', () => {
    expect(cardFacts(onnx, 'detect', true)).toEqual({
      supported: true,
      quality: 'excellent',
      converter: 'installed',
      build: 'here',
      check: 'parity',
      why: null,
      selectable: true,
      asIs: false,
    });
  });

  it('an ONNX model offers ONNX alone, kept as it is; every conversion is refused with the reason', () => {
    const model = { task: 'detect' as const, classNames: ['cat'], imgsz: [64, 64] };
    expect(onnxCardFacts(onnx, model)).toMatchObject({ selectable: true, asIs: true });
    expect(onnxCardFacts(coreml, model)).toMatchObject({
      selectable: false,
      why: expect.stringContaining('add the .pt checkpoint this ONNX file came from'),
    });
    expect(onnxCardFacts(onnx, { ...model, classNames: [] })).toMatchObject({
      selectable: false,
      why: expect.stringContaining('does not say its class names'),
    });
  });

  it('CoreML converts here but is said to be checked structurally only', () => {
    const facts = cardFacts(coreml, 'detect', true);
    expect(facts).toMatchObject({ selectable: true, check: 'structural', quality: 'good' });
    expect(facts.why).toBe(
      'Converts here; CoreML runs on Apple devices (macOS, iOS) only, not on this OS: checked structurally only.',
    );
  });

  it('TensorRT without a GPU is a deferred build, built on the target device, and says why', () => {
    const facts = cardFacts(tensorrt, 'detect', true);
    expect(facts).toMatchObject({ selectable: true, build: 'deferred' });
    expect(facts.why).toContain('ONNX + trtexec script + Triton config');
    expect(facts.why).toContain('built on the target device');
    expect(facts.why).toContain('needs an NVIDIA GPU');
  });

  it('a converter made on first use is selectable and says it installs then', () => {
    expect(cardFacts(tflite, 'detect', true)).toMatchObject({
      selectable: true,
      converter: 'first use',
      why: expect.stringContaining('installs on first use'),
    });
  });

  it('a task the format does not support disables the card, naming the task', () => {
    expect(cardFacts(coreml, 'obb', true)).toMatchObject({
      selectable: false,
      quality: null,
      why: 'CoreML does not support obb models.',
    });
  });

  it('without a toolchain nothing is selectable and the fix is named', () => {
    const missing = { ...onnx, reason: 'The toolchain is not installed. Run `npx edgepack doctor --fix`.' };
    expect(cardFacts(missing, 'detect', false)).toMatchObject({
      selectable: false,
      why: expect.stringContaining('doctor --fix'),
    });
  });
});

describe('precision of a job', () => {
  it('offers INT8 and FP16 only when every chosen format has them, naming the ones that do not', () => {
    expect(precisionChoice('int8', [onnx, tflite])).toEqual({ allowed: true, reason: null });
    expect(precisionChoice('fp16', [onnx, tflite])).toEqual({
      allowed: false,
      reason: 'TFLite does not offer FP16 — export it in a separate job.',
    });
    expect(precisionChoice('int8', [onnx, torchscript, tflite]).reason).toContain(
      'TorchScript does not offer INT8',
    );
    expect(precisionChoice('fp32', [torchscript]).allowed).toBe(true);
    expect(precisionChoice('int8', []).allowed).toBe(false);
  });

  it('falls back to FP32 when a newly chosen format cannot take the precision', () => {
    expect(keptPrecision('int8', [onnx, torchscript])).toBe('fp32');
    expect(keptPrecision('int8', [onnx, tensorrt])).toBe('int8');
  });
});

describe('the create request', () => {
  const draft: ExportDraft = {
    formats: ['onnx', 'tflite'],
    imgsz: '160',
    simplify: false,
    precision: 'int8',
    calibDir: '  /data/calib ',
    versionTag: ' rc1 ',
    validationData: '',
  };

  it('is one job for several formats, with INT8 and its calibration folder', () => {
    expect(toCreateRequest('m1', draft, [onnx, tflite])).toEqual({
      modelId: 'm1',
      formats: ['onnx', 'tflite'],
      exportConfig: { imgsz: 160, simplify: false },
      optimizationConfig: { int8: true, calibDir: '/data/calib' },
      versionTag: 'rc1',
    });
  });

  it('leaves calibDir out when none is given (the sample photos are used) and options no chosen format takes', () => {
    const request = toCreateRequest('m1', { ...draft, formats: ['torchscript'], calibDir: '' }, [
      torchscript,
    ]);
    expect(request.exportConfig).toEqual({ imgsz: 160 });
    expect(request.optimizationConfig).toEqual({ int8: true });
    expect(toCreateRequest('m1', { ...draft, precision: 'fp16' }, [onnx]).optimizationConfig).toEqual({
      half: true,
    });
  });

  it('takes no options for an ONNX model kept as it is (its size and precision are fixed in the file)', () => {
    expect(toCreateRequest('m1', { ...draft, formats: ['onnx'] }, [onnx], true)).toEqual({
      modelId: 'm1',
      formats: ['onnx'],
      versionTag: 'rc1',
    });
  });

  it('measures accuracy in the same job when labelled data is given', () => {
    const request = toCreateRequest('m1', { ...draft, validationData: ' /data/data.yaml ' }, [onnx]);
    expect(request.validationData).toBe('/data/data.yaml');
    expect(toCreateRequest('m1', draft, [onnx])).not.toHaveProperty('validationData');
  });

  it('runs on the chosen remote target, or on this computer when none is chosen', () => {
    expect(toCreateRequest('m1', { ...draft, runOn: 'lab' }, [onnx]).on).toBe('lab');
    expect(toCreateRequest('m1', { ...draft, runOn: '' }, [onnx])).not.toHaveProperty('on');
    expect(toCreateRequest('m1', draft, [onnx])).not.toHaveProperty('on');
  });
});
