import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestPlatform, type TestPlatform } from '../../../platform/test-support/harness';
import { AppError } from '../errors';
import { PlatformExportsClient } from './platform-exports';

let platform: TestPlatform;
let client: PlatformExportsClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  client = new PlatformExportsClient(`${platform.url}/`, platform.token);
});
afterAll(async () => platform?.close());

/** What the trainer in the pod sends, with the callback token from the registration. */
async function trainerPosts(url: string, token: string, body: unknown): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('PlatformExportsClient against the real platform service', () => {
  it('registers, polls progress and events as they come, reads the completion, forgets', async () => {
    const jobId = randomUUID();
    const job = await client.register(jobId);
    expect(job.callbackToken).toMatch(/^epk_cb_/);
    expect(job.progressUrl).toBe(`${platform.url}/api/v1/export/${job.id}/callback/progress`);
    expect(await client.poll(job.id)).toMatchObject({ id: job.id, jobId, status: 'registered', events: [] });

    const load = { event: 'progress', stage: 'load', fraction: 0.05 };
    const line = { event: 'log', level: 'info', source: 'edgepack', message: 'exporting onnx' };
    expect(await trainerPosts(job.progressUrl, job.callbackToken, { events: [load, line] })).toBe(200);
    const first = await client.poll(job.id);
    expect(first.status).toBe('running');
    expect(first.progress).toEqual({ stage: 'load', fraction: 0.05 });
    expect(first.events).toEqual([
      { ...load, seq: 1 },
      { ...line, seq: 2 },
    ]);

    const artifact = {
      event: 'artifact',
      format: 'onnx',
      kind: 'model',
      path: '/work/output/model.onnx',
      bytes: 9,
    };
    await trainerPosts(job.progressUrl, job.callbackToken, { events: [artifact] });
    const second = await client.poll(job.id, first.lastSeq);
    expect(second.events).toEqual([{ ...artifact, seq: 3 }]);

    const result = {
      event: 'result',
      formats: { onnx: { status: 'passed' } },
      output_dir: '/work/output',
      artifacts: { bytes: 100, sha256: 'b'.repeat(64) },
    };
    expect(await trainerPosts(job.completionUrl, job.callbackToken, result)).toBe(200);
    const done = await client.poll(job.id, second.lastSeq);
    expect(done).toMatchObject({ status: 'succeeded', completion: result, events: [], lastSeq: 3 });

    await client.forget(job.id);
    expect((await rejection(client.poll(job.id))).code).toBe('EXPORT_JOB_NOT_FOUND');
    await client.forget(job.id); // already gone: nothing to do
  });

  it('keeps the platform’s codes: a bad jobId, a duplicate, a wrong account token', async () => {
    const bad = await rejection(client.register('not-a-uuid'));
    expect(bad.code).toBe('INVALID_REQUEST');
    expect(bad.message).toContain('jobId');
    const jobId = randomUUID();
    await client.register(jobId);
    expect((await rejection(client.register(jobId))).code).toBe('EXPORT_JOB_EXISTS');
    const stranger = new PlatformExportsClient(platform.url, 'epk_acct_wrong');
    const denied = await rejection(stranger.register(randomUUID()));
    expect(denied.code).toBe('ACCOUNT_TOKEN_INVALID');
    expect(denied.hint).toContain('account token');
  });

  it('says PLATFORM_UNREACHABLE with the URL when nothing listens there', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const error = await rejection(new PlatformExportsClient(url, platform.token).poll(randomUUID()));
    expect(error.code).toBe('PLATFORM_UNREACHABLE');
    expect(error.message).toContain(url);
  });
});
