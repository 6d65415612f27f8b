import { PutObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infer, startTestPlatform, type TestPlatform } from '../test-support/harness';
import { startMotoBucket, type MotoBucket } from '../test-support/moto-bucket';
import { tinyDetector } from '../test-support/tiny-models';
import { S3ObjectStore } from './s3';
import { ObjectNotFoundError } from './types';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let s3: MotoBucket;
let t: TestPlatform;
const bucket = 'edgepack-models';

beforeAll(async () => {
  s3 = await startMotoBucket(bucket);
  t = await startTestPlatform({ storage: { kind: 's3', bucket, prefix: 'platform/', endpoint: s3.url } });
}, 120_000);

afterAll(async () => {
  await t?.close();
  await s3?.stop();
});

const keys = (prefix: string) => s3.keys(prefix);

describe('S3 object store (moto on loopback)', () => {
  it('puts, gets, checks, presigns and deletes by prefix', async () => {
    const store = new S3ObjectStore({ bucket, prefix: 'direct/', endpoint: s3.url });
    const bytes = Buffer.from('model bytes \u0000\u0001');
    await store.put('a/b/model.onnx', bytes);
    await store.put('a/b/metadata.json', Buffer.from('{}'));
    expect(await store.get('a/b/model.onnx')).toEqual(bytes);
    expect(await store.exists('a/b/model.onnx')).toBe(true);
    expect(await store.exists('a/b/nothing')).toBe(false);
    await expect(store.get('a/b/nothing')).rejects.toBeInstanceOf(ObjectNotFoundError);

    const url = await store.presignGet('a/b/model.onnx', 60);
    expect(url).toContain('X-Amz-Signature=');
    expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(bytes);
    // (moto does not verify signatures, so refusals of forged or expired URLs are S3's own business, not tested here.)
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60');

    await store.deletePrefix('a');
    expect(await keys('direct/')).toEqual([]);
    store.close();
  });
});

describe('the service with S3 storage', () => {
  it('deploys an export package named by its S3 key, serves it, hands out S3 presigned downloads, and cleans up on delete', async () => {
    const model = tinyDetector();
    const metadata = { task: 'detect', names: ['cat', 'dog'], imgsz: [64, 64] };
    await s3.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'platform/exports/job-42/model.onnx', Body: model }),
    );
    await s3.client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'platform/exports/job-42/metadata.json',
        Body: JSON.stringify(metadata),
      }),
    );

    const created = await t.request('POST', '/api/v1/deployments', {
      json: { package_key: 'exports/job-42', name: 'from s3' },
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as Json;
    const id = body.deployment.id as string;
    expect(await keys(`platform/deployments/${id}/`)).toEqual([
      `platform/deployments/${id}/v1/metadata.json`,
      `platform/deployments/${id}/v1/model.onnx`,
    ]);

    const photo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#444' } })
      .png()
      .toBuffer();
    const response = await infer(t, { id, apiKey: body.api_key, endpointUrl: body.endpoint_url }, photo);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).predictions.map((p: Json) => p.class)).toEqual(['cat', 'dog']);

    const links = (await (await t.request('GET', `/api/v1/deployments/${id}/download`)).json()) as Json;
    expect(
      links.files[0].url.startsWith(`${s3.url}/${bucket}/platform/deployments/${id}/v1/model.onnx?`),
    ).toBe(true);
    expect(Buffer.from(await (await fetch(links.files[0].url)).arrayBuffer())).toEqual(Buffer.from(model));
    expect(await (await fetch(links.files[1].url)).json()).toEqual(metadata);

    await t.request('DELETE', `/api/v1/deployments/${id}`);
    expect(await keys(`platform/deployments/${id}/`)).toEqual([]);
    expect(await keys('platform/exports/job-42/')).toHaveLength(2);
  });

  it('says which key is missing when the package is not in the bucket', async () => {
    const response = await t.request('POST', '/api/v1/deployments', {
      json: { package_key: 'exports/missing' },
    });
    expect(response.status).toBe(404);
    const { error } = (await response.json()) as Json;
    expect(error.code).toBe('PACKAGE_NOT_FOUND');
    expect(error.message).toContain('exports/missing/model.onnx');
    expect(error.message).toContain(`S3 bucket ${bucket}`);
  });
});
