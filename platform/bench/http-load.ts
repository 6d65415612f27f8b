import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { closedLoopOf } from './closed-loop';

export interface Target {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Outcome {
  status: number;
  latencyMs: number;
  /** When the request was sent, ms since the run started. */
  sentAt: number;
  /** An inference answer's own timing.total_ms: the pipeline's time inside the service (closed loop only). */
  pipelineMs?: number;
}

function pipelineMs(status: number, body: Buffer): number | undefined {
  if (status !== 200) return undefined;
  const total = (JSON.parse(body.toString()) as { timing?: { total_ms?: number } }).timing?.total_ms;
  return typeof total === 'number' ? total : undefined;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** One POST over a kept-alive loopback connection; resolves with the status once the body has been read. */
export function post(target: Target): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      target.url,
      { method: 'POST', agent, headers: { ...target.headers, 'content-length': String(target.body.length) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(target.body);
  });
}

/** Closed loop: `concurrency` clients, each sending its next request when the previous one answered. */
export async function closedLoop(
  target: Target,
  concurrency: number,
  seconds: number,
): Promise<{ outcomes: Outcome[]; durationMs: number }> {
  const { calls, durationMs } = await closedLoopOf(() => post(target), concurrency, seconds);
  const outcomes = calls.map(({ value: { status, body }, latencyMs, sentAt }) => ({
    status,
    latencyMs,
    sentAt,
    pipelineMs: pipelineMs(status, body),
  }));
  return { outcomes, durationMs };
}

/** Open loop: request i is sent at `i × intervalMs` whatever the answers, for `seconds`; targets taken in turn. */
export async function openLoop(targets: Target[], intervalMs: number, seconds: number): Promise<Outcome[]> {
  const start = performance.now();
  const count = Math.floor((seconds * 1000) / intervalMs);
  const pending: Promise<Outcome>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sentAt = performance.now() - start;
    pending.push(
      post(targets[i % targets.length]!).then(({ status }) => ({
        status,
        latencyMs: performance.now() - start - sentAt,
        sentAt,
      })),
    );
  }
  return Promise.all(pending);
}
