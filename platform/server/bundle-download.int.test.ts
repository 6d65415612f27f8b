/**
 * The bundle zip on the production storage pair: PostgreSQL for the version row (migration 3's bundle columns) and S3
 * (moto on loopback) for the bytes, handed out as an S3 presigned GET.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleZip } from '../test-support/bundle-zip';
import { packageForm, startTestPlatform, type TestPlatform } from '../test-support/harness';
import { startMotoBucket, type MotoBucket } from '../test-support/moto-bucket';
import { createPgSchema, type PgSchema } from '../test-support/services';
import { tinyDetector } from '../test-support/tiny-models';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const bucket = 'edgepack-bundles';
let s3: MotoBucket;
let schema: PgSchema;
let t: TestPlatform;

beforeAll(async () => {
  s3 = await startMotoBucket(bucket);
  schema = await createPgSchema();
  t = await startTestPlatform({
    storage: { kind: 's3', bucket, prefix: 'platform/', endpoint: s3.url },
    databaseUrl: schema.url,
    databaseSchema: schema.schema,
  });
}, 120_000);

afterAll(async () => {
  await t?.close();
  await schema?.drop();
  await s3?.stop();
});

const keys = (prefix: string) => s3.keys(prefix);

describe('bundle.zip on PostgreSQL + S3', () => {
  it('stores the bundle beside the model in the bucket and offers it as a presigned S3 download', async () => {
    const model = tinyDetector();
    const bundle = bundleZip(model);
    const created = await t.request('POST', '/api/v1/deployments', {
      body: packageForm(model, undefined, { name: 'bundle on s3' }, bundle),
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as Json).deployment.id as string;
    expect(await keys(`platform/deployments/${id}/`)).toEqual([
      `platform/deployments/${id}/v1/bundle.zip`,
      `platform/deployments/${id}/v1/model.onnx`,
    ]);

    const links = (await (
      await t.request('GET', `/api/v1/deployments/${id}/download?expires_in=600`)
    ).json()) as Json;
    const offered = links.files.find((f: Json) => f.name === 'bundle.zip');
    expect(offered).toMatchObject({
      size_bytes: bundle.length,
      sha256: createHash('sha256').update(bundle).digest('hex'),
    });
    const url = new URL(offered.url);
    expect(url.origin).toBe(s3.url);
    expect(url.pathname).toBe(`/${bucket}/platform/deployments/${id}/v1/bundle.zip`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(bundle);

    const row = await t.platform.store.db.get<{ bundle_bytes: string | number; bundle_key: string }>(
      'SELECT bundle_key, bundle_bytes FROM deployment_versions WHERE deployment_id = ?',
      [id],
    );
    expect(row).toEqual({
      bundle_key: `deployments/${id}/v1/bundle.zip`,
      bundle_bytes: String(bundle.length),
    });
  });

  it('puts nothing in the bucket for a refused bundle', async () => {
    const before = await keys('platform/deployments/');
    const refused = await t.request('POST', '/api/v1/deployments', {
      body: packageForm(tinyDetector(), undefined, {}, bundleZip(tinyDetector({ dynamicBatch: true }))),
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as Json).error.code).toBe('BUNDLE_MODEL_MISMATCH');
    expect(await keys('platform/deployments/')).toEqual(before);
  });
});
