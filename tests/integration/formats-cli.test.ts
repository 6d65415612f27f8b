/**
 * The "done when": `edgepack export <checkpoint> --format onnx,torchscript,openvino,coreml,tflite,tensorrt`
 * finishes with every format passing parity or carrying its honest status (CoreML not runnable here, TensorRT a
 * deferred build without a GPU), through the real CLI; and `edgepack capabilities` answers from the same table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fixture, freshHome, removeHomes } from './helpers';

afterAll(removeHomes);

const ALL = ['onnx', 'torchscript', 'openvino', 'coreml', 'tflite', 'tensorrt'];
const EXPECTED: Record<string, string> = {
  onnx: 'passed',
  torchscript: 'passed',
  openvino: 'passed',
  coreml: 'not_runnable',
  tflite: 'passed',
  tensorrt: 'deferred',
};

describe('capabilities', () => {
  const home = freshHome();

  it('lists every format × task with quality, converter, and why a format cannot be built or run here', () => {
    const run = cli(home, ['capabilities', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const matrix = run.json;
    expect(matrix.toolchainReady).toBe(true);
    expect(matrix.formats.map((f: { id: string }) => f.id).sort()).toEqual([...ALL].sort());
    const by = Object.fromEntries(matrix.formats.map((f: { id: string }) => [f.id, f]));
    for (const id of ['onnx', 'torchscript', 'openvino', 'coreml']) {
      expect(by[id].converter.installed, id).toBe(true);
      expect(by[id].buildableHere, id).toBe(true);
      for (const task of ['detect', 'segment', 'classify', 'pose']) {
        expect(by[id].tasks[task].supported).toBe(true);
        expect(['excellent', 'good', 'fair']).toContain(by[id].tasks[task].quality);
      }
    }
    expect(by.coreml.runnableHere).toBe(false);
    expect(by.tensorrt).toMatchObject({ buildableHere: false, deferred: true });
    expect(by.tensorrt.reason).toContain('NVIDIA GPU');
    expect(by.torchscript.precisions).toEqual(['fp32']);
    expect(by.onnx.precisions).toEqual(['fp32', 'fp16', 'int8']);
  });

  it('prints a readable table without --json', () => {
    const run = cli(home, ['capabilities']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/tensorrt .*deferred build \(engine built on the target device\)/);
    expect(run.stdout).toMatch(/coreml .*cannot run on this OS/);
  });
});

describe('exporting the detect test checkpoint to all six formats in one job', () => {
  const home = freshHome();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let job: any;

  beforeAll(() => {
    const run = cli(home, ['export', fixture('models/detect.pt'), '--format', ALL.join(','), '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    job = run.json;
  });

  it('completes, each format with its honest status', () => {
    expect(job.status).toBe('completed');
    expect(job.results.map((r: { format: string; status: string }) => [r.format, r.status])).toEqual(
      ALL.map((f) => [f, EXPECTED[f]]),
    );
  });

  it('passes parity for every format that runs here, with size and CPU latency', () => {
    for (const r of job.results.filter((x: { status: string }) => x.status === 'passed')) {
      expect(r.parity.passed, r.format).toBe(true);
      expect(r.parity.box_match, r.format).toBeGreaterThanOrEqual(0.95);
      expect(r.latencyMs, r.format).toBeGreaterThan(0);
      expect(r.bytes, r.format).toBeGreaterThan(0);
      expect(fs.existsSync(r.path), r.format).toBe(true);
    }
  });

  it('says plainly that the TensorRT engine is built on the target device, and ships what it needs', () => {
    const trt = job.results.find((r: { format: string }) => r.format === 'tensorrt');
    expect(trt.note).toContain('built on the target device');
    for (const file of [
      'model.onnx',
      'build_engine.sh',
      'config.pbtxt',
      'ultralytics_metadata.json',
      'metadata.json',
    ]) {
      expect(fs.existsSync(path.join(trt.path, file)), file).toBe(true);
    }
    const coreml = job.results.find((r: { format: string }) => r.format === 'coreml');
    expect(coreml.note).toContain('Not runnable on this OS');
  });

  it('lists the job with every format in `edgepack exports list`', () => {
    const run = cli(home, ['exports', 'list', '--json']);
    expect(run.code).toBe(0);
    expect(run.json[0].formats).toEqual(ALL);
  });
});
