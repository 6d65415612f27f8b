import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../platform/test-support/harness';
import { platformPython, startMoto, type ChildService } from '../../platform/test-support/services';
import { JobObjects } from '../../electron/core/remote/object-store';

// The object store against moto's S3 server (real HTTP, SigV4, presigned URLs); AWS itself is not reached here.
let moto: ChildService;
let dir: string;
const bucket = 'edgepack-remote-test';
const jobId = '0b7f5a8e-3c51-4f6a-9d2e-6a1c2b3d4e5f';

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  });
  moto = await startMoto(platformPython());
  const s3 = new S3Client({ endpoint: moto.url, forcePathStyle: true, region: 'us-east-1' });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remote-objects-'));
});
afterAll(async () => {
  await moto?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const target = () => ({ name: 'lab', bucket, s3Endpoint: moto.url, s3Region: 'us-east-1' });

describe('remote export objects against moto S3', () => {
  it('a missing bucket is BUCKET_UNREACHABLE, naming it and the target', async () => {
    const objects = new JobObjects({ ...target(), bucket: 'no-such-bucket' });
    await expect(objects.checkReachable()).rejects.toMatchObject({
      code: 'BUCKET_UNREACHABLE',
      message: expect.stringMatching(/no-such-bucket.*lab.*does not exist/),
    });
  });

  it('an endpoint nobody answers on is BUCKET_UNREACHABLE', async () => {
    const objects = new JobObjects({ ...target(), s3Endpoint: `http://127.0.0.1:${await freePort()}` });
    await expect(objects.checkReachable()).rejects.toMatchObject({ code: 'BUCKET_UNREACHABLE' });
  });

  it('uploads the checkpoint, presigns GET and PUT, verifies the archive that comes back, removes the prefix', async () => {
    const objects = new JobObjects(target());
    await objects.checkReachable();
    const checkpoint = path.join(dir, 'model.pt');
    fs.writeFileSync(checkpoint, Buffer.alloc(100_000, 7));
    expect(await objects.uploadCheckpoint(jobId, checkpoint)).toEqual({
      key: `edgepack/exports/${jobId}/checkpoint.pt`,
      bytes: 100_000,
    });
    const urls = await objects.presign(jobId, 3600);
    // What the pod does with the URLs alone (no credentials): GET the checkpoint, PUT the archive.
    const got = Buffer.from(await (await fetch(urls.checkpointUrl)).arrayBuffer());
    expect(got.equals(fs.readFileSync(checkpoint))).toBe(true);
    const archive = Buffer.from('pretend tar.gz bytes');
    expect((await fetch(urls.artifactsUrl, { method: 'PUT', body: archive })).status).toBe(200);

    const sha256 = createHash('sha256').update(archive).digest('hex');
    const local = path.join(dir, 'artifacts.tar.gz');
    expect(await objects.download(jobId, { bytes: archive.length, sha256 }, local)).toEqual({
      bytes: archive.length,
    });
    expect(fs.readFileSync(local).equals(archive)).toBe(true);
    await expect(
      objects.download(jobId, { bytes: archive.length, sha256: '0'.repeat(64) }, local),
    ).rejects.toMatchObject({ code: 'REMOTE_ARTIFACTS_CORRUPT' });

    await objects.removeJob(jobId);
    expect((await fetch(urls.checkpointUrl)).status).toBe(404);
    await expect(objects.download(jobId, { bytes: 1, sha256 }, local)).rejects.toMatchObject({
      code: 'REMOTE_ARTIFACTS_MISSING',
    });
    objects.destroy();
  });
});
