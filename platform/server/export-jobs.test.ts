import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../test-support/harness';
import { EVENT_RING_SIZE } from './export-jobs';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const json = async (response: Response): Promise<Json> => (await response.json()) as Json;

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => t?.close());

interface Registered {
  id: string;
  callbackToken: string;
  progressUrl: string;
  completionUrl: string;
}

async function register(platform = t, token?: string): Promise<Registered> {
  const response = await platform.request('POST', '/api/v1/export', { token, json: { jobId: randomUUID() } });
  expect(response.status).toBe(201);
  return (await response.json()) as Registered;
}

/** What the trainer in the pod does: POST JSON with its callback token. */
function callback(url: string, token: string | null, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return fetch(url, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const progress = (stage: string, fraction: number) => ({ event: 'progress', stage, fraction });
const log = (message: string) => ({ event: 'log', level: 'info', source: 'edgepack', message });
const result = {
  event: 'result',
  formats: { onnx: { status: 'passed', parity: { max_abs: 2.1e-5, box_match: 1 } } },
  output_dir: '/work/output',
  artifacts: { bytes: 1234, sha256: 'a'.repeat(64) },
};

describe('registering an export job', () => {
  it('returns an id, a callback token shown once and the callback URLs under the public base URL', async () => {
    const r = await register();
    expect(r.callbackToken).toMatch(/^epk_cb_[0-9A-Za-z]{32}$/);
    expect(r.progressUrl).toBe(`${t.url}/api/v1/export/${r.id}/callback/progress`);
    expect(r.completionUrl).toBe(`${t.url}/api/v1/export/${r.id}/callback/completion`);
    const status = await json(await t.request('GET', `/api/v1/export/${r.id}`));
    expect(status).toMatchObject({
      id: r.id,
      status: 'registered',
      progress: null,
      events: [],
      completion: null,
    });
    expect(JSON.stringify(status)).not.toContain(r.callbackToken);
    const row = await t.platform.store.db.get<{ callback_token_hash: string }>(
      'SELECT callback_token_hash FROM export_jobs WHERE id = ?',
      [r.id],
    );
    expect(row!.callback_token_hash).toBe(t.platform.keys.hash(r.callbackToken));
  });

  it('needs an account token and a UUID jobId, once per account', async () => {
    const noToken = await t.request('POST', '/api/v1/export', { token: null, json: { jobId: randomUUID() } });
    expect((await json(noToken)).error.code).toBe('ACCOUNT_TOKEN_MISSING');
    for (const jobId of [undefined, 42, 'not-a-uuid', "1' OR '1'='1"]) {
      const bad = await t.request('POST', '/api/v1/export', { json: { jobId } });
      expect(bad.status).toBe(400);
      expect((await json(bad)).error).toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringContaining('jobId'),
      });
    }
    const garbled = await t.request('POST', '/api/v1/export', {
      body: '{"jobId": ',
      headers: { 'content-type': 'application/json' },
    });
    expect((await json(garbled)).error).toMatchObject({
      code: 'INVALID_JSON',
      hint: expect.stringContaining('jobId'),
    });
    const jobId = randomUUID();
    expect((await t.request('POST', '/api/v1/export', { json: { jobId } })).status).toBe(201);
    const again = await t.request('POST', '/api/v1/export', { json: { jobId } });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('EXPORT_JOB_EXISTS');
  });
});

describe('progress callbacks', () => {
  it('keep the last progress and the events in order with increasing seq; the app reads what is new with ?after', async () => {
    const r = await register();
    const first = await callback(r.progressUrl, r.callbackToken, {
      events: [progress('load', 0.05), log('loading the checkpoint')],
    });
    expect(first.status).toBe(200);
    expect(await json(first)).toEqual({ accepted: 2, lastSeq: 2 });
    await callback(r.progressUrl, r.callbackToken, {
      events: [
        progress('onnx', 0.4),
        { event: 'artifact', format: 'onnx', path: '/work/output/model.onnx', bytes: 10 },
      ],
    });
    const status = await json(await t.request('GET', `/api/v1/export/${r.id}`));
    expect(status.status).toBe('running');
    expect(status.progress).toEqual({ stage: 'onnx', fraction: 0.4 });
    expect(status.events.map((e: Json) => [e.seq, e.event])).toEqual([
      [1, 'progress'],
      [2, 'log'],
      [3, 'progress'],
      [4, 'artifact'],
    ]);
    expect(status.events[1]).toEqual({ ...log('loading the checkpoint'), seq: 2 });
    const newer = await json(await t.request('GET', `/api/v1/export/${r.id}?after=3`));
    expect(newer.events.map((e: Json) => e.seq)).toEqual([4]);
    expect(newer.lastSeq).toBe(4);
  });

  it(`keep only the newest ${EVENT_RING_SIZE} events, numbered on`, async () => {
    const r = await register();
    for (let batch = 0; batch < 3; batch++) {
      const events = Array.from({ length: 200 }, (_, i) => log(`line ${batch * 200 + i + 1}`));
      expect((await callback(r.progressUrl, r.callbackToken, { events })).status).toBe(200);
    }
    const status = await json(await t.request('GET', `/api/v1/export/${r.id}`));
    expect(status.events).toHaveLength(EVENT_RING_SIZE);
    expect(status.events[0]).toMatchObject({ seq: 101, message: 'line 101' });
    expect(status.events.at(-1)).toMatchObject({ seq: 600, message: 'line 600' });
  });

  it('a field named seq in a posted event does not replace the platform’s number', async () => {
    const r = await register();
    await callback(r.progressUrl, r.callbackToken, { events: [{ ...log('x'), seq: 99 }] });
    const status = await json(await t.request('GET', `/api/v1/export/${r.id}`));
    expect(status.events[0].seq).toBe(1);
  });

  it('refuse malformed events with 400 INVALID_EVENT naming the bad one, storing nothing', async () => {
    const r = await register();
    const cases: [unknown, string][] = [
      [{ events: [progress('load', 0.1), progress('onnx', 1.5)] }, 'events[1].fraction'],
      [{ events: [{ event: 'progress', stage: 'load' }] }, 'events[0].fraction'],
      [{ events: [{ event: 'shell', command: 'rm -rf /' }] }, 'events[0].event'],
      [{ events: [log('ok'), 'just a string'] }, 'events[1]'],
      [{ events: 'not a list' }, 'events'],
      [{ events: [], extra: 1 }, 'extra'],
      [[progress('load', 0.1)], ''],
    ];
    for (const [body, where] of cases) {
      const response = await callback(r.progressUrl, r.callbackToken, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const { error } = await json(response);
      expect(error.code).toBe('INVALID_EVENT');
      expect(error.message).toContain(where);
      expect(error.hint).toContain('"events"');
    }
    const notJson = await callback(r.progressUrl, r.callbackToken, '{"events": [');
    expect((await json(notJson)).error).toMatchObject({
      code: 'INVALID_JSON',
      hint: expect.stringContaining('"events"'),
    });
    const status = await json(await t.request('GET', `/api/v1/export/${r.id}`));
    expect(status).toMatchObject({ status: 'registered', events: [], lastSeq: 0 });
  });

  it('refuse a body over 64 KiB with 413 BODY_TOO_LARGE naming the limit', async () => {
    const r = await register();
    const events = [
      log('x'.repeat(15_000)),
      log('x'.repeat(15_000)),
      log('x'.repeat(15_000)),
      log('x'.repeat(15_000)),
      log('x'.repeat(10_000)),
    ];
    const response = await callback(r.progressUrl, r.callbackToken, { events });
    expect(response.status).toBe(413);
    expect((await json(response)).error).toMatchObject({
      code: 'BODY_TOO_LARGE',
      message: expect.stringContaining('64 KiB'),
    });
  });
});

describe('callback tokens', () => {
  it('a wrong token, no token, another job’s token and an unknown job all get the same 401', async () => {
    const a = await register();
    const b = await register();
    const unknown = `${t.url}/api/v1/export/${randomUUID()}/callback/progress`;
    const attempts: [string, string | null][] = [
      [a.progressUrl, b.callbackToken],
      [a.progressUrl, 'epk_cb_wrongwrongwrongwrongwrongwrong'],
      [a.progressUrl, null],
      [a.progressUrl, t.token],
      [unknown, a.callbackToken],
      [`${t.url}/api/v1/export/'%3B%20DROP%20TABLE%20export_jobs%3B--/callback/progress`, a.callbackToken],
    ];
    const answers = new Set<string>();
    for (const [url, token] of attempts) {
      const response = await callback(url, token, { events: [log('hostile')] });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      answers.add(await response.text());
    }
    expect(answers.size).toBe(1);
    expect(JSON.parse([...answers][0]!).error.code).toBe('CALLBACK_TOKEN_INVALID');
    const completion = await callback(a.completionUrl, b.callbackToken, result);
    expect(completion.status).toBe(401);
    const status = await json(await t.request('GET', `/api/v1/export/${a.id}`));
    expect(status).toMatchObject({ status: 'registered', events: [], completion: null });
  });

  it('are checked before the body is read: an oversized body with a wrong token is a 401, not a 413', async () => {
    const a = await register();
    const response = await callback(a.progressUrl, 'epk_cb_nope', { events: [log('x'.repeat(200_000))] });
    expect(response.status).toBe(401);
  });
});

describe('completion', () => {
  it('sets succeeded with the result, once; a second completion is 409 CALLBACK_ALREADY_COMPLETED', async () => {
    const r = await register();
    await callback(r.progressUrl, r.callbackToken, { events: [progress('onnx', 0.9)] });
    const done = await callback(r.completionUrl, r.callbackToken, result);
    expect(done.status).toBe(200);
    expect(await json(done)).toEqual({ id: r.id, status: 'succeeded' });
    const again = await callback(r.completionUrl, r.callbackToken, {
      event: 'error',
      code: 'X',
      message: 'late',
    });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('CALLBACK_ALREADY_COMPLETED');
    const late = await callback(r.progressUrl, r.callbackToken, { events: [log('after the end')] });
    expect((await json(late)).error.code).toBe('CALLBACK_ALREADY_COMPLETED');
    const status = await json(await t.request('GET', `/api/v1/export/${r.id}`));
    expect(status.status).toBe('succeeded');
    expect(status.completion).toEqual(result);
    expect(status.events).toHaveLength(1);
  });

  it('an error event sets failed', async () => {
    const r = await register();
    const error = {
      event: 'error',
      code: 'CHECKPOINT_TRUNCATED',
      message: 'cut short',
      hint: 'upload again',
      output_dir: '/work/output',
    };
    expect((await callback(r.completionUrl, r.callbackToken, error)).status).toBe(200);
    const status = await json(await t.request('GET', `/api/v1/export/${r.id}`));
    expect(status).toMatchObject({ status: 'failed', completion: error });
  });

  it('refuses a malformed completion with 400 INVALID_COMPLETION and a body over 1 MiB with 413', async () => {
    const r = await register();
    const cases: [unknown, string][] = [
      [{ event: 'progress', stage: 'x', fraction: 1 }, 'event'],
      [{ event: 'error', message: 'no code' }, 'code'],
      [{ ...result, artifacts: { bytes: 5, sha256: 'nothex' } }, 'artifacts.sha256'],
      [{ ...result, artifacts: { bytes: -1, sha256: 'a'.repeat(64) } }, 'artifacts.bytes'],
      [null, ''],
    ];
    for (const [body, where] of cases) {
      const response = await callback(r.completionUrl, r.callbackToken, JSON.stringify(body));
      expect(response.status, JSON.stringify(body)).toBe(400);
      const { error } = await json(response);
      expect(error.code).toBe('INVALID_COMPLETION');
      expect(error.message).toContain(where);
    }
    const huge = await callback(r.completionUrl, r.callbackToken, {
      ...result,
      padding: 'x'.repeat(1024 * 1024),
    });
    expect(huge.status).toBe(413);
    expect((await json(huge)).error.message).toContain('1 MiB');
    expect((await json(await t.request('GET', `/api/v1/export/${r.id}`))).status).toBe('registered');
  });
});

describe('reading and forgetting', () => {
  it('only the owner sees a job; others, unknown and SQL-ish ids get 404 EXPORT_JOB_NOT_FOUND', async () => {
    const r = await register();
    const { token: other } = await t.platform.createAccount('other', 'pro');
    for (const [id, token] of [
      [r.id, other],
      [randomUUID(), undefined],
      ["1' OR '1'='1", undefined],
      ['%27%3B%20DROP%20TABLE%20export_jobs%3B--', undefined],
    ] as [string, string | undefined][]) {
      const response = await t.request('GET', `/api/v1/export/${id}`, { token });
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe('EXPORT_JOB_NOT_FOUND');
      expect((await t.request('DELETE', `/api/v1/export/${id}`, { token })).status).toBe(404);
    }
    expect((await t.request('GET', `/api/v1/export/${r.id}`)).status).toBe(200);
  });

  it('refuses an after that is not a whole number', async () => {
    const r = await register();
    for (const after of ['-1', 'abc', '1.5', '1e3']) {
      const response = await t.request('GET', `/api/v1/export/${r.id}?after=${after}`);
      expect(response.status).toBe(400);
      expect((await json(response)).error.message).toContain('after');
    }
  });

  it('DELETE forgets the job and its events; its token then gets the same 401 as any other', async () => {
    const r = await register();
    await callback(r.progressUrl, r.callbackToken, { events: [log('one')] });
    const deleted = await t.request('DELETE', `/api/v1/export/${r.id}`);
    expect(await json(deleted)).toEqual({ deleted: true, id: r.id });
    expect((await t.request('GET', `/api/v1/export/${r.id}`)).status).toBe(404);
    const events = await t.platform.store.db.all('SELECT * FROM export_job_events WHERE export_id = ?', [
      r.id,
    ]);
    expect(events).toEqual([]);
    const late = await callback(r.progressUrl, r.callbackToken, { events: [log('two')] });
    expect((await json(late)).error.code).toBe('CALLBACK_TOKEN_INVALID');
  });
});
