/**
 * Remote export jobs on PostgreSQL with two replicas sharing it: a trainer's callbacks may land on any replica and the
 * app may poll any other, so everything (tokens, sequence numbers, the one completion) lives in the database.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../test-support/harness';
import { createPgSchema, type PgSchema } from '../test-support/services';
import { EVENT_RING_SIZE } from './export-jobs';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const json = async (response: Response): Promise<Json> => (await response.json()) as Json;

let schema: PgSchema;
let a: TestPlatform;
let b: TestPlatform;
const dirs: string[] = [];

async function replica(): Promise<TestPlatform> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'platform-exports-'));
  dirs.push(dataDir);
  return startTestPlatform({ dataDir, databaseUrl: schema.url, databaseSchema: schema.schema });
}

beforeAll(async () => {
  schema = await createPgSchema();
  a = await replica();
  b = await replica();
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await schema?.drop();
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

interface Registered {
  id: string;
  callbackToken: string;
  progressUrl: string;
  completionUrl: string;
}

async function register(on: TestPlatform): Promise<Registered> {
  const response = await on.request('POST', '/api/v1/export', { json: { jobId: randomUUID() } });
  expect(response.status).toBe(201);
  return (await response.json()) as Registered;
}

/** The callback URL as registered, sent to another replica (as a load balancer would). */
function on(replica: TestPlatform, url: string): string {
  return `${replica.url}${new URL(url).pathname}`;
}

function post(url: string, token: string | null, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

const log = (message: string) => ({ event: 'log', level: 'info', source: 'edgepack', message });
const result = { event: 'result', formats: { onnx: { status: 'passed' } }, output_dir: '/work/output' };

describe('export jobs across two replicas on PostgreSQL', () => {
  it('registered on one replica, fed and polled through the other', async () => {
    const r = await register(a);
    const fed = await post(on(b, r.progressUrl), r.callbackToken, {
      events: [{ event: 'progress', stage: 'load', fraction: 0.1 }, log('loaded')],
    });
    expect(await json(fed)).toEqual({ accepted: 2, lastSeq: 2 });
    const status = await json(await b.request('GET', `/api/v1/export/${r.id}`, { token: a.token }));
    expect(status).toMatchObject({
      status: 'running',
      progress: { stage: 'load', fraction: 0.1 },
      events: [expect.objectContaining({ seq: 1 }), expect.objectContaining({ seq: 2, message: 'loaded' })],
    });
  });

  it('concurrent batches on both replicas get disjoint, gap-free sequence numbers', async () => {
    const r = await register(a);
    const batches = Array.from({ length: 20 }, (_, i) =>
      post(on(i % 2 ? a : b, r.progressUrl), r.callbackToken, {
        events: Array.from({ length: 5 }, (_, k) => log(`batch ${i} line ${k}`)),
      }),
    );
    const answers = await Promise.all(batches.map(async (p) => json(await p)));
    expect(answers.map((x) => x.lastSeq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => (i + 1) * 5),
    );
    const status = await json(await a.request('GET', `/api/v1/export/${r.id}`));
    expect(status.events.map((e: Json) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Each batch's lines stay together and in order.
    for (let s = 0; s < 100; s += 5) {
      const batch = /^batch (\d+) line 0$/.exec(status.events[s].message)![1];
      expect(status.events.slice(s, s + 5).map((e: Json) => e.message)).toEqual(
        Array.from({ length: 5 }, (_, k) => `batch ${batch} line ${k}`),
      );
    }
  });

  it(`keeps the newest ${EVENT_RING_SIZE} events`, async () => {
    const r = await register(a);
    for (let i = 0; i < 3; i++) {
      const events = Array.from({ length: 250 }, (_, k) => log(`line ${i * 250 + k + 1}`));
      expect((await post(on(i % 2 ? a : b, r.progressUrl), r.callbackToken, { events })).status).toBe(200);
    }
    const status = await json(await b.request('GET', `/api/v1/export/${r.id}?after=700`, { token: a.token }));
    expect(status.events.map((e: Json) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 701 + i));
    const rows = await a.platform.store.db.get<{ n: string }>(
      'SELECT COUNT(*) AS n FROM export_job_events WHERE export_id = ?',
      [r.id],
    );
    expect(Number(rows!.n)).toBe(EVENT_RING_SIZE);
  });

  it('two completions at once on different replicas: exactly one is taken, the other is 409', async () => {
    const r = await register(a);
    const failed = { event: 'error', code: 'EXPORT_FAILED', message: 'boom', hint: '' };
    const answers = await Promise.all([
      post(on(a, r.completionUrl), r.callbackToken, result),
      post(on(b, r.completionUrl), r.callbackToken, failed),
    ]);
    expect(answers.map((x) => x.status).sort()).toEqual([200, 409]);
    const loser = answers.find((x) => x.status === 409)!;
    expect((await json(loser)).error.code).toBe('CALLBACK_ALREADY_COMPLETED');
    const winner = await json(answers.find((x) => x.status === 200)!);
    const status = await json(await b.request('GET', `/api/v1/export/${r.id}`, { token: a.token }));
    expect(status.status).toBe(winner.status);
    expect(status.completion.event).toBe(winner.status === 'succeeded' ? 'result' : 'error');
  });

  it('hostile callbacks get one 401 whatever the replica: another job’s token, a wrong one, SQL in the id', async () => {
    const first = await register(a);
    const second = await register(b);
    const bodies = new Set<string>();
    for (const [url, token] of [
      [on(b, first.progressUrl), second.callbackToken],
      [on(a, second.completionUrl), first.callbackToken],
      [on(a, first.progressUrl), 'epk_cb_0000000000000000000000000000000'],
      [`${b.url}/api/v1/export/x'%20OR%20'1'%3D'1/callback/progress`, first.callbackToken],
      [`${a.url}/api/v1/export/${randomUUID()}/callback/completion`, first.callbackToken],
    ] as [string, string][]) {
      const response = await post(url, token, url.endsWith('completion') ? result : { events: [log('x')] });
      expect(response.status).toBe(401);
      bodies.add(await response.text());
    }
    expect([...bodies].map((text) => JSON.parse(text).error.code)).toEqual(['CALLBACK_TOKEN_INVALID']);
    for (const [owner, r] of [
      [a, first],
      [b, second],
    ] as const) {
      expect(await json(await owner.request('GET', `/api/v1/export/${r.id}`))).toMatchObject({
        status: 'registered',
        lastSeq: 0,
        completion: null,
      });
    }
  });

  it('oversized and malformed bodies are refused and change nothing', async () => {
    const r = await register(a);
    const big = await post(on(b, r.progressUrl), r.callbackToken, { events: [log('x'.repeat(70_000))] });
    expect(big.status).toBe(413);
    const bad = await post(on(b, r.progressUrl), r.callbackToken, {
      events: [log('fine'), { event: 'progress', stage: 'onnx', fraction: 'half' }],
    });
    expect((await json(bad)).error).toMatchObject({
      code: 'INVALID_EVENT',
      message: expect.stringContaining('events[1].fraction'),
    });
    expect(await json(await a.request('GET', `/api/v1/export/${r.id}`))).toMatchObject({
      status: 'registered',
      events: [],
    });
  });

  it('a job forgotten on one replica is gone on the other, for the app and for the trainer', async () => {
    const r = await register(a);
    expect((await b.request('DELETE', `/api/v1/export/${r.id}`, { token: a.token })).status).toBe(200);
    expect((await a.request('GET', `/api/v1/export/${r.id}`)).status).toBe(404);
    expect((await post(on(a, r.completionUrl), r.callbackToken, result)).status).toBe(401);
  });
});
