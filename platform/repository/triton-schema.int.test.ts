import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnnxSummary } from '@edgepack/runtime';
import { exportedPackage, platformPython } from '../test-support/services';
import { tinyDetector } from '../test-support/tiny-models';
import { parseWithTritonSchema } from '../test-support/triton-schema';
import { renderConfigPbtxt, tritonModelConfig, type TritonModelBackend } from './config-pbtxt';

let python: string;
let dir: string;
beforeAll(() => {
  python = platformPython();
  dir = mkdtempSync(path.join(os.tmpdir(), 'pbtxt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, `${name}.pbtxt`);
  writeFileSync(file, text);
  return file;
}

describe("generated config.pbtxt against Triton's model_config_pb2", () => {
  it('every generated config parses as inference.ModelConfig with the tensors of its model', async () => {
    const exported = await exportedPackage('detect');
    const models = {
      detect: readOnnxSummary(exported.onnx),
      tinyFixed: readOnnxSummary(tinyDetector()),
      tinyDynamic: readOnnxSummary(tinyDetector({ dynamicBatch: true })),
      segment: readOnnxSummary((await exportedPackage('segment')).onnx),
      classify: readOnnxSummary((await exportedPackage('classify')).onnx),
    };
    const cases: { name: string; backend: TritonModelBackend; instances: number }[] = [];
    const files: string[] = [];
    for (const [name, summary] of Object.entries(models)) {
      for (const backend of ['onnxruntime', 'python'] as const) {
        const config = tritonModelConfig({ modelName: `deployment-${name}`, summary, backend, instances: 2 });
        files.push(write(`${name}-${backend}`, renderConfigPbtxt(config)));
        cases.push({ name, backend, instances: 2 });
      }
    }
    const parsed = parseWithTritonSchema(python, files);
    parsed.forEach((p, i) => {
      const c = cases[i]!;
      expect(p.ok, `${c.name}/${c.backend}: ${p.error}`).toBe(true);
      expect(p.name).toBe(`deployment-${c.name}`);
      expect(c.backend === 'python' ? p.backend : p.platform).toBe(
        c.backend === 'python' ? 'python' : 'onnxruntime_onnx',
      );
      expect(p.instance_groups).toEqual([[2, 'KIND_CPU']]);
    });
    const detect = parsed[0]!;
    expect(detect.max_batch_size).toBe(0);
    expect(detect.inputs).toEqual([['images', 'TYPE_FP32', [1, 3, 160, 160]]]);
    expect(detect.outputs).toEqual([['output0', 'TYPE_FP32', [1, 7, 525]]]);
    const detectPython = parsed[1]!;
    expect(detectPython).toMatchObject({ max_batch_size: 8, dynamic_batching: true });
    expect(detectPython.inputs).toEqual([['images', 'TYPE_FP32', [3, 160, 160]]]);
    const dynamic = parsed[4]!;
    expect(dynamic).toMatchObject({ max_batch_size: 8, dynamic_batching: true });
    // Segmentation models have two outputs: the boxes with mask coefficients, and the mask prototypes.
    expect(parsed[6]!.outputs).toEqual([
      ['output0', 'TYPE_FP32', [1, 39, 525]],
      ['output1', 'TYPE_FP32', [1, 32, 40, 40]],
    ]);
    expect(parsed[9]!.outputs).toEqual([['output0', 'TYPE_FP32', [3]]]);
  });

  it('the check itself rejects what Triton would reject (so a pass means something)', () => {
    const [badEnum, unknownField] = parseWithTritonSchema(python, [
      write(
        'bad-enum',
        'name: "m"\nplatform: "onnxruntime_onnx"\ninput [ { name: "x" data_type: TYPE_FLOAT32 dims: [ 3 ] } ]\n',
      ),
      write('unknown-field', 'name: "m"\nmax_batch: 8\n'),
    ]);
    expect(badEnum!.ok).toBe(false);
    expect(badEnum!.error).toContain('TYPE_FLOAT32');
    expect(unknownField!.ok).toBe(false);
    expect(unknownField!.error).toContain('max_batch');
  });
});
