/**
 * Removing a model or deleting an export never leaves an endpoint answering that the app no longer shows: the real
 * core, the real platform service on loopback (embedded onnxruntime backend), a real ONNX model with Ultralytics'
 * metadata (kept as it is as export v1 when added, so it deploys without the Python toolchain).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../platform/test-support/harness';
import { tinyDetector } from '../../../platform/test-support/tiny-models';
import { useTempCore } from '../test-support/temp-core';

let platform: TestPlatform;
const t = useTempCore('edgepack-removal-');

beforeAll(async () => {
  platform = await startTestPlatform({}, 'pro');
});
afterAll(async () => platform?.close());

/** Adds the tiny detector under `name` and deploys its export v1; the model, export and endpoint with its key. */
async function deployedModel(name: string) {
  const file = path.join(t.home, `${name}.onnx`);
  fs.writeFileSync(file, tinyDetector());
  const model = await t.core.handle('models:add', { path: file });
  const [job] = await t.core.handle('exports:list', { modelId: model.id });
  const keyed = await t.core.handle('deploy:create', {
    exportId: job!.id,
    endpoint: platform.url,
    token: platform.token,
  });
  return { model, job: job!, deployment: keyed.deployment, apiKey: keyed.apiKey };
}

/** The HTTP status the endpoint answers a photo with. */
async function answer(endpointUrl: string | null, key: string): Promise<number> {
  const photo = fs.readFileSync(
    path.join(import.meta.dirname, '../../../native-runtimes/typescript/test-images/bus.jpg'),
  );
  const response = await fetch(endpointUrl!, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'image/jpeg' },
    body: photo,
  });
  await response.arrayBuffer();
  return response.status;
}

describe('removal', () => {
  it('says what removing a model takes: its exports, their files, the endpoints on the platform', async () => {
    const { model, deployment } = await deployedModel('pets');
    const plan = await t.core.handle('models:removal', { id: model.id });
    expect(plan).toMatchObject({
      subject: 'model pets',
      exports: [{ version: 1 }],
      files: 2, // the stored copy and the export's model.onnx
      endpoints: [{ id: deployment.id, status: 'active', exportVersion: 1 }],
      running: null,
    });
    expect(plan.bytes).toBe(2 * fs.statSync(model.storedPath).size);
    expect(plan.summary).toMatch(/^1 export and 2 files \([\d.]+ [kKM]?i?B\)$/);
  });

  it('refuses to remove a model or delete an export while an endpoint made from it exists, naming it', async () => {
    const { model, job, deployment, apiKey } = await deployedModel('pets');
    for (const [channel, id] of [
      ['models:remove', model.id],
      ['exports:delete', job.id],
    ] as const) {
      await expect(t.core.handle(channel, { id })).rejects.toMatchObject({
        code: 'ENDPOINTS_ON_PLATFORM',
        message: expect.stringContaining(`${deployment.name} (active, from v1)`),
        hint: expect.stringContaining('--endpoints delete'),
      });
    }
    expect((await t.core.handle('models:list', {})).map((m) => m.id)).toEqual([model.id]);
    expect(fs.existsSync(job.outputDir!)).toBe(true);
    expect(await answer(deployment.endpointUrl, apiKey)).toBe(200);
  });

  it('deletes the endpoints on the platform first when asked, then removes the model and its files', async () => {
    const { model, deployment, apiKey } = await deployedModel('pets');
    const outcome = await t.core.handle('models:remove', { id: model.id, endpoints: 'delete' });
    expect(outcome).toEqual({
      removed: true,
      endpoints: [{ id: deployment.id, name: deployment.name, status: 'deleted' }],
    });
    expect(await t.core.handle('models:list', {})).toEqual([]);
    expect(fs.existsSync(path.join(t.home, 'exports', model.id))).toBe(false);
    expect(await answer(deployment.endpointUrl, apiKey)).not.toBe(200);
    const onPlatform = await platform.request('GET', `/api/v1/deployments/${deployment.id}`);
    expect(onPlatform.status).toBe(404);
  });

  it('deactivates them first when asked, and keeps their record (they can still be managed)', async () => {
    const { job, deployment, apiKey } = await deployedModel('pets');
    const outcome = await t.core.handle('exports:delete', { id: job.id, endpoints: 'deactivate' });
    expect(outcome.endpoints).toEqual([{ id: deployment.id, name: deployment.name, status: 'inactive' }]);
    expect(await answer(deployment.endpointUrl, apiKey)).toBe(403);
    const kept = await t.core.handle('deploy:get', { id: deployment.id });
    expect(kept.status).toBe('inactive');
    expect((await t.core.handle('deploy:delete', { id: deployment.id })).status).toBe('deleted');
  });

  it('removes a model without endpoints at once, and says so for one never deployed', async () => {
    const file = path.join(t.home, 'plain.onnx');
    fs.writeFileSync(file, tinyDetector());
    const model = await t.core.handle('models:add', { path: file });
    expect((await t.core.handle('models:removal', { id: model.id })).endpoints).toEqual([]);
    expect(await t.core.handle('models:remove', { id: model.id })).toEqual({ removed: true, endpoints: [] });
  });
});
