import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOnnxSummary } from '@edgepack/runtime';
import { tinyDetector } from '../test-support/tiny-models';
import { renderConfigPbtxt, tritonModelConfig } from './config-pbtxt';
import { removeTritonVersion, tritonVersions, writeTritonModel } from './layout';

const fixed = readOnnxSummary(tinyDetector());
const dynamic = readOnnxSummary(tinyDetector({ dynamicBatch: true }));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('tritonModelConfig', () => {
  it('reads inputs and outputs from the model; a fixed batch of 1 means max_batch_size 0 and full dims', () => {
    const config = tritonModelConfig({
      modelName: 'deployment-x',
      summary: fixed,
      backend: 'onnxruntime',
      instances: 2,
    });
    expect(config.maxBatchSize).toBe(0);
    expect(config.dynamicBatching).toBeNull();
    expect(config.inputs).toEqual([{ name: 'images', dataType: 'TYPE_FP32', dims: [1, 3, 64, 64] }]);
    expect(config.outputs).toEqual([{ name: 'output0', dataType: 'TYPE_FP32', dims: [1, 6, 3] }]);
    expect(config.instances).toBe(2);
  });

  it('lets Triton batch (dynamic batching, dims without the batch) when the batch dimension is free', () => {
    const config = tritonModelConfig({
      modelName: 'd',
      summary: dynamic,
      backend: 'onnxruntime',
      instances: 1,
      maxBatchSize: 16,
    });
    expect(config.maxBatchSize).toBe(16);
    expect(config.dynamicBatching).toEqual({ maxQueueDelayMicroseconds: 500 });
    expect(config.inputs[0]!.dims).toEqual([3, 64, 64]);
  });

  it('always batches for the Python-backend model, which splits batches itself', () => {
    const config = tritonModelConfig({ modelName: 'd', summary: fixed, backend: 'python', instances: 1 });
    expect(config.maxBatchSize).toBe(8);
    expect(config.inputs[0]!.dims).toEqual([3, 64, 64]);
  });
});

describe('renderConfigPbtxt', () => {
  it('writes platform, batching, tensors and the instance group in protobuf text format', () => {
    const text = renderConfigPbtxt(
      tritonModelConfig({
        modelName: 'deployment-abc',
        summary: dynamic,
        backend: 'onnxruntime',
        instances: 3,
      }),
    );
    expect(text).toContain('name: "deployment-abc"');
    expect(text).toContain('platform: "onnxruntime_onnx"');
    expect(text).toContain('max_batch_size: 8');
    expect(text).toContain(
      'input [\n  {\n    name: "images"\n    data_type: TYPE_FP32\n    dims: [ 3, 64, 64 ]',
    );
    expect(text).toContain('instance_group [\n  {\n    count: 3\n    kind: KIND_CPU');
    expect(text).toContain('max_queue_delay_microseconds: 500');
    const python = renderConfigPbtxt(
      tritonModelConfig({ modelName: 'p', summary: fixed, backend: 'python', instances: 1 }),
    );
    expect(python).toContain('backend: "python"');
    expect(python).not.toContain('platform:');
  });
});

describe('writeTritonModel', () => {
  it('lays out deployment-{id}/config.pbtxt and deployment-{id}/{version}/model.onnx (and model.py for Python)', async () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'triton-repo-'));
    dirs.push(repo);
    const onnx = tinyDetector();
    const config = tritonModelConfig({
      modelName: 'deployment-1',
      summary: fixed,
      backend: 'python',
      instances: 1,
    });
    await writeTritonModel(repo, config, 1, onnx);
    await writeTritonModel(repo, config, 2, onnx);
    expect(readFileSync(path.join(repo, 'deployment-1', '1', 'model.onnx'))).toEqual(Buffer.from(onnx));
    expect(readFileSync(path.join(repo, 'deployment-1', '2', 'model.py'), 'utf8')).toContain(
      'class TritonPythonModel',
    );
    expect(readFileSync(path.join(repo, 'deployment-1', 'config.pbtxt'), 'utf8')).toBe(
      renderConfigPbtxt(config),
    );
    expect(await tritonVersions(repo, 'deployment-1')).toEqual([1, 2]);
    await removeTritonVersion(repo, 'deployment-1', 2);
    expect(await tritonVersions(repo, 'deployment-1')).toEqual([1]);
  });
});
