import { describe, expect, it } from 'vitest';
import { exportFormatSchema } from '../../contract';
import { toFormatCapability, unprobedMatrix, withEnvironment } from './matrix';

const raw = {
  id: 'tflite',
  label: 'TFLite',
  runtime: 'LiteRT interpreter',
  environment: 'tflite',
  converter: { installed: false, packages: { 'litert-torch': null } },
  buildable_here: false,
  deferred: false,
  runnable_here: true,
  reason: null,
  precisions: ['fp32', 'int8'],
  note: 'own environment',
  tasks: { detect: { supported: true, quality: 'good' }, obb: { supported: false, quality: null } },
  export_options: { imgsz: { type: 'integer' } },
  optimization_options: { int8: { type: 'boolean' } },
};

describe('capability matrix', () => {
  it("reads the trainer's snake_case answer into the contract's shape", () => {
    const f = toFormatCapability(raw);
    expect(f).toMatchObject({
      id: 'tflite',
      environment: 'tflite',
      buildableHere: false,
      runnableHere: true,
      precisions: ['fp32', 'int8'],
      tasks: { detect: { supported: true, quality: 'good' }, obb: { supported: false } },
      exportOptions: { imgsz: { type: 'integer' } },
    });
  });

  it('a first-use environment that is not made yet is buildable, and says it installs on first use', () => {
    const f = withEnvironment(toFormatCapability(raw), false, '/usr/bin/python3');
    expect(f.converter.installed).toBe(false);
    expect(f.buildableHere).toBe(true);
    expect(f.reason).toContain('installs on first use');
    expect(f.reason).toContain('requirements/tflite.txt');
  });

  it('a ready first-use environment is installed with no reason given', () => {
    const f = withEnvironment(toFormatCapability(raw), true, '/usr/bin/python3');
    expect(f.converter.installed).toBe(true);
    expect(f.reason).toBeNull();
  });

  it('without a toolchain every contract format is listed, nothing installed, and the fix named', () => {
    const m = unprobedMatrix('ultralytics', 'The ultralytics toolchain environment is not installed.');
    expect(m.toolchainReady).toBe(false);
    expect(m.formats.map((f) => f.id)).toEqual(exportFormatSchema.options);
    // The environment and label come from the formats' specs (the generated table), not from the id.
    expect(m.formats.find((f) => f.id === 'tflite')).toMatchObject({
      environment: 'tflite',
      label: 'TFLite',
    });
    expect(m.formats.find((f) => f.id === 'onnx')).toMatchObject({
      environment: 'ultralytics',
      label: 'ONNX',
    });
    expect(Object.keys(m.formats[0]!.tasks)).toEqual(['detect', 'segment', 'classify', 'pose', 'obb']);
    for (const f of m.formats) {
      expect(f.converter.installed).toBe(false);
      expect(f.reason).toContain('edgepack doctor --fix');
    }
  });
});
