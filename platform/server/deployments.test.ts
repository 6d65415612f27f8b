import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, infer, packageForm, startTestPlatform, type TestPlatform } from '../test-support/harness';
import { tinyDetector, tinyDetectorWithoutMetadata } from '../test-support/tiny-models';

let t: TestPlatform;
let photo: Buffer;

beforeAll(async () => {
  t = await startTestPlatform();
  photo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
});
afterAll(async () => t?.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const json = async (response: Response): Promise<Json> => (await response.json()) as Json;

describe('management API', () => {
  it('needs an account token', async () => {
    const missing = await t.request('GET', '/api/v1/deployments', { token: null });
    expect(missing.status).toBe(401);
    expect((await json(missing)).error.code).toBe('ACCOUNT_TOKEN_MISSING');
    const wrong = await t.request('GET', '/api/v1/deployments', { token: 'epk_acct_nope' });
    expect((await json(wrong)).error.code).toBe('ACCOUNT_TOKEN_INVALID');
  });

  it('creates a deployment: URL, a key shown once, and a curl command; lists and shows it without the key', async () => {
    const created = await t.request('POST', '/api/v1/deployments', {
      body: packageForm(tinyDetector(), undefined, { name: 'pets' }),
    });
    expect(created.status).toBe(201);
    const body = await json(created);
    expect(body.api_key).toMatch(/^epk_live_[0-9A-Za-z]{32}$/);
    expect(body.endpoint_url).toBe(`${t.url}/v1/infer/${body.deployment.id}`);
    expect(body.curl).toContain(body.endpoint_url);
    expect(body.deployment).toMatchObject({
      name: 'pets',
      status: 'active',
      active_version: 1,
      tier: 'pro',
      rate_limit_per_minute: 100,
    });
    expect(body.deployment.key_prefix).toBe(`${body.api_key.slice(0, 13)}…`);

    const list = await json(await t.request('GET', '/api/v1/deployments'));
    const listed = list.deployments.find((d: Json) => d.id === body.deployment.id);
    expect(listed.name).toBe('pets');
    const detail = await json(await t.request('GET', `/api/v1/deployments/${body.deployment.id}`));
    expect(JSON.stringify(detail)).not.toContain(body.api_key);
    expect(detail.versions).toEqual([
      expect.objectContaining({ version: 1, status: 'serving', task: 'detect', classes: ['cat', 'dog'] }),
    ]);
  });

  it('keeps usage: request count, last request time and total inference time', async () => {
    const deployed = await deploy(t, tinyDetector());
    for (let i = 0; i < 3; i++) expect((await infer(t, deployed, photo)).status).toBe(200);
    await t.platform.usage.flush();
    const { deployment } = await json(await t.request('GET', `/api/v1/deployments/${deployed.id}`));
    expect(deployment.usage.request_count).toBe(3);
    expect(Date.parse(deployment.usage.last_request_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(deployment.usage.total_inference_time_ms).toBeGreaterThan(0);
    expect(deployment.usage.average_inference_time_ms).toBeCloseTo(
      deployment.usage.total_inference_time_ms / 3,
      2,
    );
  });

  it('records the history: deployed, scaled, deactivated, reactivated, key regenerated — with status before and after', async () => {
    const deployed = await deploy(t, tinyDetector());
    expect(
      (await t.request('PATCH', `/api/v1/deployments/${deployed.id}`, { json: { replicas: 3 } })).status,
    ).toBe(200);
    await t.request('POST', `/api/v1/deployments/${deployed.id}/deactivate`);
    await t.request('POST', `/api/v1/deployments/${deployed.id}/reactivate`);
    await t.request('POST', `/api/v1/deployments/${deployed.id}/regenerate-key`);
    const { history } = await json(await t.request('GET', `/api/v1/deployments/${deployed.id}/history`));
    expect(history.map((h: Json) => [h.event, h.status_before, h.status_after])).toEqual([
      ['deployed', 'deploying', 'active'],
      ['scaled', 'active', 'active'],
      ['deactivated', 'active', 'inactive'],
      ['reactivated', 'inactive', 'active'],
      ['key_regenerated', 'active', 'active'],
    ]);
    expect(history[1].detail).toBe('replicas 1 → 3');
    const { deployment } = await json(await t.request('GET', `/api/v1/deployments/${deployed.id}`));
    expect(deployment.replicas).toBe(3);
  });

  it('updates to a new version; a version the runtime refuses is marked failed while the previous one keeps serving', async () => {
    const deployed = await deploy(t, tinyDetector());
    const good = await t.request('POST', `/api/v1/deployments/${deployed.id}/versions`, {
      body: packageForm(tinyDetector()),
    });
    expect(good.status).toBe(200);
    expect((await json(good)).deployment.active_version).toBe(2);

    const refused = await t.request('POST', `/api/v1/deployments/${deployed.id}/versions`, {
      body: packageForm(tinyDetector({ opType: 'NoSuchOperator' })),
    });
    expect(refused.status).toBe(422);
    const error = (await json(refused)).error;
    expect(error.code).toBe('MODEL_LOAD_FAILED');
    expect(error.message).toContain('NoSuchOperator');
    expect(error.message).toContain('Version 2 is still serving');
    expect(error.serving_version).toBe(2);

    const response = await infer(t, deployed, photo);
    expect(response.status).toBe(200);
    expect((await json(response)).model_version).toBe(2);
    const detail = await json(await t.request('GET', `/api/v1/deployments/${deployed.id}`));
    expect(detail.deployment.status).toBe('active');
    expect(detail.deployment.last_error).toContain('version 3 failed to load');
    expect(detail.versions.map((v: Json) => [v.version, v.status])).toEqual([
      [1, 'retired'],
      [2, 'serving'],
      [3, 'failed'],
    ]);
    expect(detail.history.at(-1)).toMatchObject({
      event: 'update_failed',
      status_before: 'active',
      status_after: 'active',
    });
  });

  it('marks a first deployment the runtime refuses as failed, with the runtime’s message', async () => {
    const response = await t.request('POST', '/api/v1/deployments', {
      body: packageForm(tinyDetector({ opType: 'NoSuchOperator' })),
    });
    expect(response.status).toBe(422);
    const { error } = await json(response);
    const detail = await json(await t.request('GET', `/api/v1/deployments/${error.deployment_id}`));
    expect(detail.deployment.status).toBe('failed');
    expect(detail.deployment.last_error).toContain('NoSuchOperator');
    expect(detail.history).toEqual([
      expect.objectContaining({ event: 'deployed', status_before: 'deploying', status_after: 'failed' }),
    ]);
  });

  it('deletes a deployment: it disappears, its key stops working, its files are gone', async () => {
    const deployed = await deploy(t, tinyDetector());
    const removed = await t.request('DELETE', `/api/v1/deployments/${deployed.id}`);
    expect(await json(removed)).toEqual({ deleted: true, id: deployed.id });
    expect((await t.request('GET', `/api/v1/deployments/${deployed.id}`)).status).toBe(404);
    expect((await infer(t, deployed, photo)).status).toBe(404);
    expect(await t.platform.objects.exists(`deployments/${deployed.id}/v1/model.onnx`)).toBe(false);
  });

  it('hands out presigned download links that work, expire, and cannot be altered', async () => {
    const metadata = { task: 'detect', names: ['cat', 'dog'], imgsz: [64, 64] };
    const deployed = await deploy(t, tinyDetector(), metadata);
    const links = await json(
      await t.request('GET', `/api/v1/deployments/${deployed.id}/download?expires_in=120`),
    );
    expect(links.files.map((f: Json) => f.name)).toEqual(['model.onnx', 'metadata.json']);
    const model = await fetch(links.files[0].url);
    expect(model.status).toBe(200);
    expect(Buffer.from(await model.arrayBuffer())).toEqual(Buffer.from(tinyDetector()));
    expect(await (await fetch(links.files[1].url)).json()).toEqual(metadata);

    const tampered = links.files[0].url.replace('model.onnx', 'metadata.json');
    expect((await fetch(tampered)).status).toBe(403);
    const expired = new URL(links.files[0].url);
    expired.searchParams.set('expires', String(Math.floor(Date.now() / 1000) - 10));
    expect((await json(await fetch(expired))).error.code).toBe('DOWNLOAD_SIGNATURE_INVALID');
    const lapsed = await t.platform.objects.presignGet(`deployments/${deployed.id}/v1/model.onnx`, -5);
    const refused = await fetch(lapsed);
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe('DOWNLOAD_EXPIRED');
  });

  it('only shows an account its own deployments', async () => {
    const deployed = await deploy(t, tinyDetector());
    const { token } = await t.platform.createAccount('someone else', 'free');
    const response = await t.request('GET', `/api/v1/deployments/${deployed.id}`, { token });
    expect(response.status).toBe(404);
    expect((await json(await t.request('GET', '/api/v1/deployments', { token }))).deployments).toEqual([]);
  });
});

describe('bad packages', () => {
  it('refuses a file that is not ONNX', async () => {
    const response = await t.request('POST', '/api/v1/deployments', {
      body: packageForm(Buffer.from('PK\u0003\u0004 a zip file')),
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('INVALID_MODEL_FILE');
  });

  it('asks for metadata.json when the ONNX file does not carry names and task, and uses it when given', async () => {
    const bare = await t.request('POST', '/api/v1/deployments', {
      body: packageForm(tinyDetectorWithoutMetadata()),
    });
    expect(bare.status).toBe(400);
    expect((await json(bare)).error.message).toMatch(/task, class names/);
    const withMetadata = await t.request('POST', '/api/v1/deployments', {
      body: packageForm(tinyDetectorWithoutMetadata(), {
        task: 'detect',
        names: ['a', 'b'],
        input: { name: 'images', shape: [1, 3, 64, 64] },
      }),
    });
    expect(withMetadata.status).toBe(201);
  });

  it('refuses broken metadata.json and tasks endpoints do not serve', async () => {
    const broken = await t.request('POST', '/api/v1/deployments', {
      body: packageForm(tinyDetector(), '{"task": '),
    });
    expect((await json(broken)).error.code).toBe('INVALID_METADATA_JSON');
    const obb = await t.request('POST', '/api/v1/deployments', {
      body: packageForm(tinyDetector({ task: 'obb' })),
    });
    expect(obb.status).toBe(422);
    expect((await json(obb)).error).toMatchObject({
      code: 'UNSUPPORTED_TASK',
      message: expect.stringMatching(/this one is a obb model/),
    });
    const noPrototypes = await t.request('POST', '/api/v1/deployments', {
      body: packageForm(tinyDetector({ task: 'segment' })),
    });
    expect(noPrototypes.status).toBe(422);
    expect((await json(noPrototypes)).error.message).toMatch(/second output with its mask prototypes/);
  });

  it('refuses an upload without a model, or with unknown fields, or an invalid replica count', async () => {
    const form = new FormData();
    form.set('name', 'nothing');
    expect((await json(await t.request('POST', '/api/v1/deployments', { body: form }))).error.code).toBe(
      'MODEL_MISSING',
    );
    const extra = packageForm(tinyDetector(), undefined, { colour: 'blue' });
    expect(
      (await json(await t.request('POST', '/api/v1/deployments', { body: extra }))).error.message,
    ).toContain('"colour"');
    const replicas = packageForm(tinyDetector(), undefined, { replicas: '99' });
    expect((await json(await t.request('POST', '/api/v1/deployments', { body: replicas }))).error.code).toBe(
      'INVALID_REPLICAS',
    );
  });

  it('caps a deployment name at 100 characters: a 100 000-character one is a 400 naming the limit, nothing is made', async () => {
    const before = (await json(await t.request('GET', '/api/v1/deployments'))).deployments.length;
    for (const name of ['n'.repeat(100_000), 'n'.repeat(101), '   ']) {
      const refused = await t.request('POST', '/api/v1/deployments', {
        body: packageForm(tinyDetector(), undefined, { name }),
      });
      expect(refused.status).toBe(400);
      const { error } = await json(refused);
      expect(error).toMatchObject({
        code: 'INVALID_NAME',
        hint: expect.stringContaining('1 to 100 characters'),
      });
      if (name.trim()) expect(error.message).toContain(`${name.length} characters long`);
    }
    expect((await json(await t.request('GET', '/api/v1/deployments'))).deployments.length).toBe(before);

    const longest = await t.request('POST', '/api/v1/deployments', {
      body: packageForm(tinyDetector(), undefined, { name: ` ${'n'.repeat(100)} ` }),
    });
    expect(longest.status).toBe(201);
    expect((await json(longest)).deployment.name).toBe('n'.repeat(100));
  });

  it('names a package key that does not exist in storage', async () => {
    const response = await t.request('POST', '/api/v1/deployments', {
      json: { package_key: 'exports/nothing-here' },
    });
    expect(response.status).toBe(404);
    expect((await json(response)).error.code).toBe('PACKAGE_NOT_FOUND');
    const traversal = await t.request('POST', '/api/v1/deployments', { json: { package_key: '../secret' } });
    expect((await json(traversal)).error.code).toBe('INVALID_PACKAGE_KEY');
  });
});

describe('health', () => {
  it('reports the database, backend and limiter', async () => {
    const response = await t.request('GET', '/health/ready', { token: null });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      status: 'ok',
      database: { ready: true, detail: 'sqlite' },
      backend: { ready: true },
      rate_limits: { mode: 'memory' },
    });
  });
});
