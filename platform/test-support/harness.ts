import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app';
import type { PlatformConfig } from '../server/config';
import { createPlatform, type Platform } from '../server/platform';
import type { Tier } from '../limits/tiers';

type FetchBody = NonNullable<Parameters<typeof fetch>[1]>['body'];

export interface TestPlatform {
  platform: Platform;
  app: FastifyInstance;
  url: string;
  token: string;
  dataDir: string;
  /** Calls the service like a client would (real HTTP on loopback). */
  request(
    method: string,
    route: string,
    init?: { token?: string | null; json?: unknown; body?: FetchBody; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** A service on a free loopback port with its own data folder: SQLite, local storage, in-process limits unless overridden. */
export async function startTestPlatform(
  overrides: Partial<PlatformConfig> = {},
  tier: Tier = 'pro',
): Promise<TestPlatform> {
  const dataDir = overrides.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'edgepack-platform-')));
  const config: PlatformConfig = {
    host: '127.0.0.1',
    port: 0,
    publicUrl: 'http://127.0.0.1:0',
    dataDir,
    redisPrefix: 'unused:',
    storage: { kind: 'local', dir: path.join(dataDir, 'packages') },
    backend: { kind: 'embedded' },
    defaultTier: tier,
    bodyLimitBytes: 4 * 1024 * 1024,
    uploadLimitBytes: 64 * 1024 * 1024,
    maxImagePixels: 40_000_000,
    logLevel: 'silent',
    secret: 'test-secret-0123456789abcdef',
    ...overrides,
  };
  // Endpoint URLs carry the port, so pick a free one before the platform is built.
  config.port = await freePort();
  config.publicUrl = overrides.publicUrl ?? `http://127.0.0.1:${config.port}`;
  const platform = await createPlatform(config);
  const { token } = await platform.createAccount('tests', tier);
  const app = await buildApp(platform);
  await app.listen({ host: '127.0.0.1', port: config.port });
  const url = `http://127.0.0.1:${config.port}`;
  return {
    platform,
    app,
    url,
    token,
    dataDir,
    async request(method, route, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      const bearer = init.token === undefined ? token : init.token;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      let body = init.body;
      if (init.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.json);
      }
      return fetch(`${url}${route}`, { method, headers, body });
    },
    async close() {
      await app.close();
      await platform.close();
      if (!overrides.dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A multipart export-package upload: model.onnx and (optionally) metadata.json and a bundle zip. */
export function packageForm(
  model: Uint8Array,
  metadata?: unknown,
  fields: Record<string, string> = {},
  bundle?: Uint8Array,
): FormData {
  const form = new FormData();
  form.set('model', new Blob([model]), 'model.onnx');
  if (metadata !== undefined) {
    const text = typeof metadata === 'string' ? metadata : JSON.stringify(metadata);
    form.set('metadata', new Blob([text], { type: 'application/json' }), 'metadata.json');
  }
  if (bundle) form.set('bundle', new Blob([bundle], { type: 'application/zip' }), 'bundle.zip');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

export interface Deployed {
  id: string;
  apiKey: string;
  endpointUrl: string;
}

/** Deploys through the API and returns the id, key and URL the client gets once. */
export async function deploy(
  t: TestPlatform,
  model: Uint8Array,
  metadata?: unknown,
  fields?: Record<string, string>,
): Promise<Deployed> {
  const response = await t.request('POST', '/api/v1/deployments', {
    body: packageForm(model, metadata, fields),
  });
  const json = (await response.json()) as {
    deployment: { id: string };
    api_key: string;
    endpoint_url: string;
    error?: unknown;
  };
  if (response.status !== 201) throw new Error(`deploy failed: ${response.status} ${JSON.stringify(json)}`);
  return { id: json.deployment.id, apiKey: json.api_key, endpointUrl: json.endpoint_url };
}

export async function infer(
  t: TestPlatform,
  deployed: Deployed,
  image: Uint8Array,
  extra: Record<string, unknown> = {},
  key: string | null = deployed.apiKey,
): Promise<Response> {
  return t.request('POST', `/v1/infer/${deployed.id}`, {
    token: key,
    json: { image: Buffer.from(image).toString('base64'), ...extra },
  });
}
