import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deploy,
  infer,
  packageForm,
  startTestPlatform,
  type Deployed,
  type TestPlatform,
} from '../test-support/harness';
import {
  exportedPackage,
  platformPython,
  repo,
  startTriton,
  toolchainPython,
  type ChildService,
  type ExportedPackage,
} from '../test-support/services';
import { tinyDetector } from '../test-support/tiny-models';
import { readWithUltralytics } from '../test-support/triton-schema';
// @ts-expect-error -- plain ESM helper without types
import { onnxRuntimeTelemetryTraces, runWithFreshHome } from '../../tests/support/onnxruntime-telemetry.mjs';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let python: string;
let repository: string;
let triton: ChildService & { home: string };
let viaTriton: TestPlatform;
let embedded: TestPlatform;
let pkg: ExportedPackage;
let photo: Buffer;
let triangles: Buffer;

beforeAll(async () => {
  python = platformPython();
  pkg = await exportedPackage('detect');
  photo = await fs.readFile(path.join(repo, 'tests', 'fixtures', 'images', 'shapes-1.png'));
  triangles = await fs.readFile(path.join(repo, 'tests', 'fixtures', 'images', 'triangles-2.png'));
  repository = await fs.mkdtemp(path.join(os.tmpdir(), 'triton-models-'));
  triton = await startTriton(python, repository);
  viaTriton = await startTestPlatform({
    backend: {
      kind: 'triton',
      urls: [triton.url],
      repositoryDir: repository,
      modelBackend: 'python',
      tensorEncoding: 'binary',
    },
  });
  embedded = await startTestPlatform();
}, 300_000);

afterAll(async () => {
  await viaTriton?.close();
  await embedded?.close();
  await triton?.stop();
  await fs.rm(repository, { recursive: true, force: true });
});

const predictions = async (r: Response) => {
  expect(r.status).toBe(200);
  return ((await r.json()) as Json).predictions as { class: string; confidence: number; bbox: number[] }[];
};

function expectSamePredictions(a: Json[], b: Json[]): void {
  expect(a.length).toBeGreaterThan(0);
  expect(a.map((p) => p.class)).toEqual(b.map((p) => p.class));
  a.forEach((p, i) => {
    expect(p.confidence).toBeCloseTo(b[i]!.confidence, 3);
    p.bbox.forEach((v: number, j: number) => expect(v).toBeCloseTo(b[i]!.bbox[j], 1));
  });
}

describe('the Triton path, end to end against a real tritonserver', () => {
  let deployed: Deployed;

  it('deploys: writes deployment-{id}/1/model.onnx and config.pbtxt, loads it through the repository API', async () => {
    deployed = await deploy(viaTriton, pkg.onnx, pkg.metadata);
    const modelDir = path.join(repository, `deployment-${deployed.id}`);
    expect((await fs.stat(path.join(modelDir, '1', 'model.onnx'))).size).toBe(pkg.onnx.byteLength);
    expect(await fs.readFile(path.join(modelDir, 'config.pbtxt'), 'utf8')).toContain(
      `name: "deployment-${deployed.id}"`,
    );
    const ready = await fetch(`${triton.url}/v2/models/deployment-${deployed.id}/versions/1/ready`);
    expect(ready.status).toBe(200);
  });

  it('loads the config with its metadata parameter; from the live config Ultralytics reads back hostile names, imgsz and task', async () => {
    const names = ['say "cheese"', "back\\slash\nnew line } {'task': 'x'}", '猫 🐈 café'];
    const hostile = await deploy(viaTriton, pkg.onnx, withNames(pkg.metadata as Json, names), {
      name: 'hostile',
    });
    const served = await fetch(`${triton.url}/v2/models/deployment-${hostile.id}/config`);
    expect(served.status).toBe(200);
    const config = (await served.json()) as Json;
    expect(typeof config.parameters.metadata.string_value).toBe('string');
    const [read] = readWithUltralytics(toolchainPython(), [config]);
    expect(read!.names).toEqual(names.map((n, i) => [i, n]));
    expect([read!.imgsz, read!.task, read!.format]).toEqual([[160, 160], 'detect', 'triton']);
    expect((await fetch(`${triton.url}/v2/models/deployment-${hostile.id}/versions/1/ready`)).status).toBe(
      200,
    );
  });

  it('onnxruntime_onnx and tensorrt_plan configs are only parsed (repository/triton-metadata.int.test.ts), not loaded: the bundled tritonserver has the Python backend only', async () => {
    const venv = path.dirname(path.dirname(python));
    const site = (await fs.readdir(path.join(venv, 'lib')))[0]!;
    const bundled = path.join(venv, 'lib', site, 'site-packages', 'pytriton', 'tritonserver', 'backends');
    // When a bundle brings onnxruntime (or tensorrt), load the platform's onnxruntime config here as well.
    expect(await fs.readdir(bundled)).toEqual(['python']);
  });

  it('answers with the same predictions as the embedded ONNX Runtime backend (binary and JSON tensors)', async () => {
    const local = await deploy(embedded, pkg.onnx, pkg.metadata);
    const expected = await predictions(await infer(embedded, local, photo));
    expectSamePredictions(await predictions(await infer(viaTriton, deployed, photo)), expected);

    const jsonTensors = await startTestPlatform({
      dataDir: viaTriton.dataDir,
      backend: {
        kind: 'triton',
        urls: [triton.url],
        repositoryDir: repository,
        modelBackend: 'python',
        tensorEncoding: 'json',
      },
    });
    try {
      const sameDeployment = { ...deployed };
      expectSamePredictions(await predictions(await infer(jsonTensors, sameDeployment, photo)), expected);
    } finally {
      await jsonTensors.close();
    }
  });

  it("serves with ONNX Runtime's telemetry off: no device id in the server's HOME, where the same ONNX Runtime leaves one", async () => {
    expect(onnxRuntimeTelemetryTraces(triton.home, triton.child.pid)).toEqual([]);
    // This ONNX Runtime (the platform's pin) does write its device id when nothing turns telemetry off.
    const control = runWithFreshHome(
      python,
      [
        '-c',
        'import sys, onnxruntime as o; o.InferenceSession(sys.argv[1])',
        path.join(pkg.dir, 'model.onnx'),
      ],
      { ORT_DISABLE_TELEMETRY: undefined },
    );
    expect(control.r.status, control.r.stderr).toBe(0);
    expect(control.traces).toContain('$HOME/.cache/Microsoft/DeveloperTools/.onnxruntime/deviceid');
  });

  it("a model Triton refuses: the update is marked failed with Triton's message, the previous version keeps serving", async () => {
    const response = await viaTriton.request('POST', `/api/v1/deployments/${deployed.id}/versions`, {
      body: packageForm(tinyDetector({ opType: 'NoSuchOperator' })),
    });
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as Json;
    expect(error.code).toBe('MODEL_LOAD_FAILED');
    expect(error.message).toMatch(/^Triton refused the model: load failed for model 'deployment-/);
    expect(error.message).toContain('version 2');
    expect(error.message).toContain('NoSuchOperator');
    expect(error.message).toContain('Version 1 is still serving');

    const served = await infer(viaTriton, deployed, photo);
    expect(((await served.clone().json()) as Json).model_version).toBe(1);
    expect((await predictions(served)).length).toBeGreaterThan(0);
    const detail = (await (
      await viaTriton.request('GET', `/api/v1/deployments/${deployed.id}`)
    ).json()) as Json;
    expect(detail.versions.map((v: Json) => [v.version, v.status])).toEqual([
      [1, 'serving'],
      [2, 'failed'],
    ]);
    expect(detail.versions[1].error).toContain('NoSuchOperator');
    await expect(fs.stat(path.join(repository, `deployment-${deployed.id}`, '2'))).rejects.toThrow();
  });

  it('deactivate unloads the model from Triton and removes it from the repository; reactivate loads it again', async () => {
    await viaTriton.request('POST', `/api/v1/deployments/${deployed.id}/deactivate`);
    expect((await fetch(`${triton.url}/v2/models/deployment-${deployed.id}/ready`)).status).not.toBe(200);
    await expect(fs.stat(path.join(repository, `deployment-${deployed.id}`))).rejects.toThrow();
    const reactivated = await viaTriton.request('POST', `/api/v1/deployments/${deployed.id}/reactivate`);
    expect(((await reactivated.json()) as Json).deployment.status).toBe('active');
    expect((await fetch(`${triton.url}/v2/models/deployment-${deployed.id}/ready`)).status).toBe(200);
    expect((await infer(viaTriton, deployed, photo)).status).toBe(200);
  });

  it('scaling rewrites the instance group and reloads', async () => {
    const response = await viaTriton.request('PATCH', `/api/v1/deployments/${deployed.id}`, {
      json: { replicas: 2 },
    });
    expect(response.status).toBe(200);
    const config = (await (
      await fetch(`${triton.url}/v2/models/deployment-${deployed.id}/config`)
    ).json()) as Json;
    expect(config.instance_group[0]).toMatchObject({ count: 2, kind: 'KIND_CPU' });
  });

  it('serves segment (two outputs: boxes and mask prototypes), classify and pose as the embedded backend does', async () => {
    for (const task of ['segment', 'classify', 'pose'] as const) {
      const exported = await exportedPackage(task);
      const [viaT, local] = await Promise.all([
        deploy(viaTriton, exported.onnx, exported.metadata, { name: task }),
        deploy(embedded, exported.onnx, exported.metadata, { name: task }),
      ]);
      const config = await fs.readFile(
        path.join(repository, `deployment-${viaT.id}`, 'config.pbtxt'),
        'utf8',
      );
      expect(config.match(/name: "output\d"/g)).toHaveLength(task === 'segment' ? 2 : 1);
      for (const image of [photo, triangles]) {
        const fromTriton = (await (await infer(viaTriton, viaT, image)).json()) as Json;
        const fromEmbedded = (await (await infer(embedded, local, image)).json()) as Json;
        expect(fromTriton.task).toBe(task);
        expect(fromTriton.predictions.length).toBe(fromEmbedded.predictions.length);
        fromTriton.predictions.forEach((p: Json, i: number) => {
          const e = fromEmbedded.predictions[i];
          expect(p.class).toBe(e.class);
          expect(p.confidence).toBeCloseTo(e.confidence, 3);
          p.bbox?.forEach((v: number, j: number) => expect(v).toBeCloseTo(e.bbox[j], 1));
          if (task === 'segment') {
            // Masks are thresholded at 0: float noise between runtimes may flip a pixel on the edge, not more.
            const area = (m: Json | null) =>
              (m?.runs ?? []).reduce((n: number, r: number, k: number) => n + (k % 2 ? r : 0), 0);
            expect(Math.abs(area(p.mask) - area(e.mask))).toBeLessThanOrEqual(
              Math.max(2, area(e.mask) * 0.01),
            );
          }
          if (task === 'pose') expect(p.keypoints).toHaveLength(e.keypoints.length);
        });
      }
      expect(
        (await Promise.all([photo, triangles].map(async (i) => (await infer(embedded, local, i)).json())))
          .map((a) => (a as Json).predictions.length)
          .reduce((n, c) => n + c, 0),
      ).toBeGreaterThan(0);
    }
  });

  it('Triton down: inference answers 503 naming the cause, readiness says so, deploys fail cleanly', async () => {
    await triton.stop();
    const response = await infer(viaTriton, deployed, photo);
    expect(response.status).toBe(503);
    const { error } = (await response.json()) as Json;
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain(`Triton at ${triton.url} is not reachable (ECONNREFUSED)`);

    const health = await viaTriton.request('GET', '/health/ready', { token: null });
    expect(health.status).toBe(503);
    expect(((await health.json()) as Json).backend.detail).toContain('ECONNREFUSED');

    const created = await viaTriton.request('POST', '/api/v1/deployments', {
      body: packageForm(pkg.onnx, pkg.metadata),
    });
    expect(created.status).toBe(503);
    const failed = ((await created.json()) as Json).error;
    expect(failed.code).toBe('BACKEND_UNAVAILABLE');
    const detail = (await (
      await viaTriton.request('GET', `/api/v1/deployments/${failed.deployment_id}`)
    ).json()) as Json;
    expect(detail.deployment.status).toBe('failed');
    expect(detail.deployment.last_error).toContain('ECONNREFUSED');
  });
});

/** The package's metadata.json with other class names, in its top level and in every format's document. */
function withNames(metadata: Json, names: string[]): Json {
  const formats = metadata.formats as Record<string, Json> | undefined;
  return {
    ...metadata,
    names,
    ...(formats
      ? { formats: Object.fromEntries(Object.entries(formats).map(([id, doc]) => [id, { ...doc, names }])) }
      : {}),
  };
}
