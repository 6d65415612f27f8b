/**
 * Replays a recorded Kubernetes API-server exchange (tests/fixtures/k8s-exchange/*.json) on a loopback HTTP server,
 * and writes a kubeconfig pointing at it. Requests must arrive in the recorded order, with the recorded method, path,
 * query and body shape (every key of the recorded `bodyShape` present with that value; extra keys are fine); anything
 * else is answered 500 and recorded in `unexpected`, which the tests require to be empty.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXCHANGE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../tests/fixtures/k8s-exchange',
);

export interface RecordedRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  contentType?: string;
  bodyShape?: unknown;
}

export interface RecordedResponse {
  status: number;
  contentType?: string;
  body: unknown;
}

export interface Exchange {
  about: string;
  steps: { request: RecordedRequest; response: RecordedResponse }[];
}

export function loadExchange(name: string): Exchange {
  return JSON.parse(fs.readFileSync(path.join(EXCHANGE_DIR, `${name}.json`), 'utf8')) as Exchange;
}

/** Whether `actual` has every key of `shape` with the same value (arrays: same length, item by item). */
export function matchesShape(actual: unknown, shape: unknown): boolean {
  if (Array.isArray(shape))
    return (
      Array.isArray(actual) &&
      actual.length === shape.length &&
      shape.every((item, i) => matchesShape(actual[i], item))
    );
  if (shape && typeof shape === 'object')
    return (
      !!actual &&
      typeof actual === 'object' &&
      Object.entries(shape).every(([key, value]) =>
        matchesShape((actual as Record<string, unknown>)[key], value),
      )
    );
  return actual === shape;
}

export interface Replay {
  kubeconfig: string;
  server: string;
  /** What arrived that the recording did not have (or in another order). */
  unexpected: string[];
  /** Recorded steps not (yet) asked for. */
  remaining(): number;
  close(): Promise<void>;
}

export async function replayExchange(exchange: Exchange, context = 'recorded'): Promise<Replay> {
  const steps = [...exchange.steps];
  const unexpected: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://replay');
      const text = Buffer.concat(chunks).toString('utf8');
      const said = `${req.method} ${url.pathname}${url.search}`;
      const step = steps[0];
      const problem = step ? mismatch(step.request, req, url, text) : 'nothing more was recorded';
      if (!step || problem) {
        unexpected.push(`${said}: ${problem}`);
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`unexpected request ${said}: ${problem}`);
        return;
      }
      steps.shift();
      const { status, body, contentType } = step.response;
      const type = contentType ?? (typeof body === 'string' ? 'text/plain' : 'application/json');
      res
        .writeHead(status, { 'content-type': type })
        .end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-kube-'));
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(kubeconfig, kubeconfigYaml(url, context));
  return {
    kubeconfig,
    server: url,
    unexpected,
    remaining: () => steps.length,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function mismatch(
  recorded: RecordedRequest,
  req: http.IncomingMessage,
  url: URL,
  text: string,
): string | null {
  if (req.headers.authorization !== 'Bearer recorded-token')
    return "expected the kubeconfig user's bearer token in Authorization";
  if (req.method !== recorded.method || url.pathname !== recorded.path)
    return `expected ${recorded.method} ${recorded.path}`;
  const query = Object.fromEntries(url.searchParams);
  if (JSON.stringify(query) !== JSON.stringify(recorded.query ?? {}))
    return `expected the query ${JSON.stringify(recorded.query ?? {})}, got ${JSON.stringify(query)}`;
  if (recorded.contentType && !(req.headers['content-type'] ?? '').startsWith(recorded.contentType))
    return `expected content-type ${recorded.contentType}, got ${req.headers['content-type'] ?? 'none'}`;
  if (recorded.bodyShape !== undefined) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return 'expected a JSON body';
    }
    if (!matchesShape(body, recorded.bodyShape)) return `the body does not have the recorded shape: ${text}`;
  }
  return null;
}

/** A kubeconfig with one context (`context`) whose cluster is the replay server, with a bearer token user. */
export function kubeconfigYaml(server: string, context = 'recorded', namespace = 'edgepack'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${context}-cluster`,
    '  cluster:',
    `    server: ${server}`,
    // client-node refuses a plain-http server unless TLS checks are explicitly off (the replay server is loopback http).
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${context}-user`,
    '  user:',
    '    token: recorded-token',
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${context}-cluster`,
    `    user: ${context}-user`,
    `    namespace: ${namespace}`,
    `current-context: ${context}`,
    '',
  ].join('\n');
}
