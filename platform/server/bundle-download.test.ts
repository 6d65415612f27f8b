import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleZip, zipOf } from '../test-support/bundle-zip';
import { deploy, packageForm, startTestPlatform, type TestPlatform } from '../test-support/harness';
import { tinyDetector } from '../test-support/tiny-models';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const json = async (response: Response): Promise<Json> => (await response.json()) as Json;
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

let t: TestPlatform;
let small: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
  small = await startTestPlatform({ bundleLimitBytes: 4096 });
});
afterAll(async () => {
  await t?.close();
  await small?.close();
});

const create = (p: TestPlatform, form: FormData) => p.request('POST', '/api/v1/deployments', { body: form });
const downloads = async (p: TestPlatform, id: string) =>
  json(await p.request('GET', `/api/v1/deployments/${id}/download?expires_in=300`));

/** Every object the local store holds (deployments/<id>/v<N>/…), to show a refusal stored nothing. */
async function storedFiles(p: TestPlatform): Promise<string[]> {
  const root = path.join(p.dataDir, 'packages');
  const entries = await fs.readdir(root, { recursive: true }).catch(() => [] as string[]);
  return entries.map(String).sort();
}

describe('a deployment with its bundle zip (SQLite, local storage)', () => {
  it('keeps the bundle beside the model and offers bundle.zip among the downloads, with its size and sha256', async () => {
    const model = tinyDetector();
    const bundle = bundleZip(model);
    const created = await create(t, packageForm(model, undefined, { name: 'with bundle' }, bundle));
    expect(created.status).toBe(201);
    const id = (await json(created)).deployment.id as string;

    const detail = await json(await t.request('GET', `/api/v1/deployments/${id}`));
    expect(detail.versions[0].bundle).toEqual({ size_bytes: bundle.length, sha256: sha256(bundle) });
    const links = await downloads(t, id);
    expect(links.files.map((f: Json) => f.name)).toEqual(['model.onnx', 'bundle.zip']);
    expect(links.files[0]).toMatchObject({ size_bytes: model.byteLength, sha256: sha256(model) });
    const offered = links.files[1];
    expect(offered).toMatchObject({ size_bytes: bundle.length, sha256: sha256(bundle) });
    expect(offered.url).toContain(`/downloads/deployments/${id}/v1/bundle.zip?`);
    const fetched = await fetch(offered.url);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('application/zip');
    expect(fetched.headers.get('content-disposition')).toBe('attachment; filename="bundle.zip"');
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(bundle);
  });

  it('a new version carries its own bundle; one pushed without the part (an older app) lists none', async () => {
    const { id } = await deploy(t, tinyDetector(), undefined, {});
    expect((await downloads(t, id)).files.map((f: Json) => f.name)).toEqual(['model.onnx']);

    const v2 = tinyDetector({ dynamicBatch: true });
    const withBundle = await t.request('POST', `/api/v1/deployments/${id}/versions`, {
      body: packageForm(v2, undefined, {}, bundleZip(v2)),
    });
    expect(withBundle.status).toBe(200);
    const links = await downloads(t, id);
    expect(links.version).toBe(2);
    const bundle = links.files.find((f: Json) => f.name === 'bundle.zip');
    expect(bundle.sha256).toBe(sha256(bundleZip(v2)));
    expect(Buffer.from(await (await fetch(bundle.url)).arrayBuffer())).toEqual(bundleZip(v2));

    const without = await t.request('POST', `/api/v1/deployments/${id}/versions`, {
      body: packageForm(tinyDetector()),
    });
    expect(without.status).toBe(200);
    const latest = await downloads(t, id);
    expect(latest.version).toBe(3);
    expect(latest.files.map((f: Json) => f.name)).toEqual(['model.onnx']);
  });
});

describe('a package named by its storage key', () => {
  it('brings <key>/bundle.zip when there is one, checked like an uploaded one', async () => {
    const model = tinyDetector();
    await t.platform.objects.put('exports/with-bundle/model.onnx', model);
    await t.platform.objects.put('exports/with-bundle/bundle.zip', bundleZip(model));
    const created = await t.request('POST', '/api/v1/deployments', {
      json: { package_key: 'exports/with-bundle' },
    });
    expect(created.status).toBe(201);
    const links = await downloads(t, (await json(created)).deployment.id);
    expect(links.files.find((f: Json) => f.name === 'bundle.zip').sha256).toBe(sha256(bundleZip(model)));

    await t.platform.objects.put('exports/wrong-bundle/model.onnx', model);
    await t.platform.objects.put(
      'exports/wrong-bundle/bundle.zip',
      bundleZip(tinyDetector({ dynamicBatch: true })),
    );
    const refused = await t.request('POST', '/api/v1/deployments', {
      json: { package_key: 'exports/wrong-bundle' },
    });
    expect(refused.status).toBe(422);
    expect((await json(refused)).error.code).toBe('BUNDLE_MODEL_MISMATCH');
  });
});

describe('a bundle part that does not belong is refused, nothing stored', () => {
  const refusals: [string, () => Buffer, number, string, RegExp][] = [
    ['not a zip', () => Buffer.from('just some text, not a zip'), 400, 'BUNDLE_NOT_A_ZIP', /not a zip file/],
    [
      'a zip without manifest.json',
      () => zipOf({ 'model.onnx': tinyDetector() }),
      400,
      'BUNDLE_INVALID',
      /no manifest\.json/,
    ],
    [
      'a zip with two entries of one name (which one a reader takes differs between tools)',
      () => {
        const zip = zipOf({ 'manifest.json': Buffer.from('{}'), 'manifest.jsoo': Buffer.from('{}') });
        for (let at = zip.indexOf('manifest.jsoo'); at >= 0; at = zip.indexOf('manifest.jsoo', at))
          zip.write('manifest.json', at);
        return zip;
      },
      400,
      'BUNDLE_NOT_A_ZIP',
      /two entries named manifest\.json/,
    ],
    [
      'the bundle of another model',
      () => bundleZip(tinyDetector({ dynamicBatch: true })),
      422,
      'BUNDLE_MODEL_MISMATCH',
      /not of the uploaded model: model\.onnx has SHA-256 [0-9a-f]{12}…, the bundle's manifest lists model\.onnx [0-9a-f]{12}…/,
    ],
    [
      'a manifest that names the model while the zip holds other bytes',
      () => bundleZip(tinyDetector({ dynamicBatch: true }), { manifestModel: tinyDetector() }),
      422,
      'BUNDLE_MODEL_MISMATCH',
      /its file in the zip differs from the manifest/,
    ],
  ];

  for (const [what, bundle, status, code, message] of refusals) {
    it(`refuses ${what} (${status} ${code}) on create and on a new version`, async () => {
      const before = await storedFiles(t);
      const count = (await json(await t.request('GET', '/api/v1/deployments'))).deployments.length;
      const refused = await create(t, packageForm(tinyDetector(), undefined, {}, bundle()));
      expect(refused.status).toBe(status);
      const error = (await json(refused)).error;
      expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
      expect(error.hint).toContain('--target bundle');
      expect((await json(await t.request('GET', '/api/v1/deployments'))).deployments).toHaveLength(count);
      expect(await storedFiles(t)).toEqual(before);

      const { id } = await deploy(t, tinyDetector());
      const stored = await storedFiles(t);
      const update = await t.request('POST', `/api/v1/deployments/${id}/versions`, {
        body: packageForm(tinyDetector(), undefined, {}, bundle()),
      });
      expect((await json(update)).error.code).toBe(code);
      const detail = await json(await t.request('GET', `/api/v1/deployments/${id}`));
      expect(detail.versions).toHaveLength(1);
      expect(await storedFiles(t)).toEqual(stored);
    });
  }

  it('refuses a bundle over the size cap with 413 BUNDLE_TOO_LARGE naming the setting', async () => {
    const model = tinyDetector();
    const big = zipOf({ 'model.onnx': model, 'padding.bin': randomBytes(8192) });
    expect(big.length).toBeGreaterThan(4096);
    const refused = await create(small, packageForm(model, undefined, {}, big));
    expect(refused.status).toBe(413);
    const error = (await json(refused)).error;
    expect(error.code).toBe('BUNDLE_TOO_LARGE');
    expect(error.hint).toContain('PLATFORM_BUNDLE_LIMIT_BYTES');
    expect((await json(await small.request('GET', '/api/v1/deployments'))).deployments).toEqual([]);
    expect(await storedFiles(small)).toEqual([]);
  });
});
