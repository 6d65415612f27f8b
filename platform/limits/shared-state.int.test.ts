import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDb } from '../store/postgres';
import { PlatformStore } from '../store/platform-store';
import { deploy, infer, startTestPlatform, type TestPlatform } from '../test-support/harness';
import {
  createPgSchema,
  createRedisPrefix,
  REDIS_URL,
  TcpProxy,
  type PgSchema,
  type RedisNamespace,
} from '../test-support/services';
import { tinyDetector } from '../test-support/tiny-models';
import { RedisRateLimiter } from './redis';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let schema: PgSchema;
let redis: RedisNamespace;
let shared: string;
let photo: Buffer;
const platforms: TestPlatform[] = [];
const replicaDirs: string[] = [];
const limiters: RedisRateLimiter[] = [];

beforeAll(async () => {
  schema = await createPgSchema();
  redis = createRedisPrefix();
  shared = await fs.mkdtemp(path.join(os.tmpdir(), 'platform-shared-'));
  photo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#777' } })
    .png()
    .toBuffer();
});

afterAll(async () => {
  for (const p of platforms) await p.close();
  for (const l of limiters) await l.close();
  await schema?.drop();
  await redis?.drop();
  await fs.rm(shared, { recursive: true, force: true });
  for (const dir of replicaDirs) await fs.rm(dir, { recursive: true, force: true });
});

/** A replica: its own process state, sharing PostgreSQL, Redis and the package storage with the others. */
async function replica(redisUrl = REDIS_URL): Promise<TestPlatform> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'platform-replica-'));
  replicaDirs.push(dataDir);
  const p = await startTestPlatform(
    {
      dataDir,
      databaseUrl: schema.url,
      databaseSchema: schema.schema,
      redisUrl,
      redisPrefix: redis.prefix,
      storage: { kind: 'local', dir: path.join(shared, 'packages') },
    },
    'free',
  );
  platforms.push(p);
  return p;
}

describe('state in PostgreSQL', () => {
  it('migrations run once per schema, also when replicas start together', async () => {
    const stores = [0, 1, 2].map(() => new PlatformStore(new PostgresDb(schema.url, schema.schema)));
    const applied = await Promise.all(stores.map((s) => s.migrate()));
    expect(applied.flat()).toEqual([1, 2, 3]);
    const tables = await stores[0]!.db.all<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name',
      [schema.schema],
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'accounts',
      'api_keys',
      'deployment_history',
      'deployment_versions',
      'deployments',
      'export_job_events',
      'export_jobs',
      'schema_migrations',
    ]);
    await Promise.all(stores.map((s) => s.close()));
  });
});

describe('three replicas sharing PostgreSQL and Redis', () => {
  it('enforce one limit between them: 15 requests spread over three replicas, exactly 10 admitted (free tier)', async () => {
    const [a, b, c] = [await replica(), await replica(), await replica()];
    const deployed = await deploy(a, tinyDetector());
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const response = await infer([a, b, c][i % 3]!, deployed, photo);
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);

    await Promise.all([a, b, c].map((p) => p.platform.usage.flush()));
    const detail = (await (await a.request('GET', `/api/v1/deployments/${deployed.id}`)).json()) as Json;
    expect(detail.deployment.usage.request_count).toBe(10);
    expect(detail.history.map((h: Json) => h.event)).toEqual(['deployed']);
  });

  it('see each other’s changes: a deployment deactivated through one replica stops serving on the others', async () => {
    const [a, b] = [platforms[0]!, platforms[1]!];
    const deployed = await deploy(a, tinyDetector());
    expect((await infer(b, deployed, photo)).status).toBe(200);
    await a.request('POST', `/api/v1/deployments/${deployed.id}/deactivate`);
    await new Promise((r) => setTimeout(r, 1100)); // replicas trust their cached status for at most 1 s
    expect((await infer(b, deployed, photo)).status).toBe(403);
  });
});

describe('the Redis limiter', () => {
  it('is atomic under concurrency: 60 simultaneous hits from three limiters, limit 25, exactly 25 admitted', async () => {
    const three = [0, 1, 2].map(() => new RedisRateLimiter({ url: REDIS_URL, prefix: redis.prefix }));
    limiters.push(...three);
    await new Promise((r) => setTimeout(r, 200));
    const decisions = await Promise.all(
      Array.from({ length: 60 }, (_, i) => three[i % 3]!.hit('atomic', 25, 60_000)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(25);
    expect(three.map((l) => l.status().mode)).toEqual(['redis', 'redis', 'redis']);
  });

  it('slides: a window later there is room again', async () => {
    const limiter = new RedisRateLimiter({ url: REDIS_URL, prefix: redis.prefix });
    limiters.push(limiter);
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 3; i++) expect((await limiter.hit('slide', 3, 500)).allowed).toBe(true);
    const refused = await limiter.hit('slide', 3, 500);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(500);
    await new Promise((r) => setTimeout(r, refused.retryAfterMs + 20));
    expect((await limiter.hit('slide', 3, 500)).allowed).toBe(true);
  });
});

describe('when Redis is down', () => {
  it('keeps serving, enforces the limit per replica, reports "degraded", and shares limits again once Redis is back', async () => {
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(REDIS_URL).port || 6379));
    await proxy.open();
    const p = await replica(`redis://127.0.0.1:${proxy.port}`);
    const deployed = await deploy(p, tinyDetector());
    await new Promise((r) => setTimeout(r, 200));
    expect((await infer(p, deployed, photo)).status).toBe(200);

    await proxy.close();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await infer(p, deployed, photo)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses[10]).toBe(429);
    const degraded = (await (await p.request('GET', '/health/ready', { token: null })).json()) as Json;
    expect(degraded.status).toBe('degraded');
    expect(degraded.rate_limits.mode).toBe('redis-unreachable');
    expect(degraded.rate_limits.detail).toMatch(/limits enforced per replica/);

    await proxy.open();
    const deadline = Date.now() + 10_000;
    let mode = '';
    while (Date.now() < deadline) {
      await infer(p, deployed, photo);
      mode = ((await (await p.request('GET', '/health/ready', { token: null })).json()) as Json).rate_limits
        .mode;
      if (mode === 'redis') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(mode).toBe('redis');
    await proxy.close();
  });
});
