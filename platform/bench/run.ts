/**
 * `npm run bench:platform` — the issue's Load section, loopback only, bounded in count and time:
 *   1. throughput and latency through the service vs the same pipeline called directly (in the service process, on
 *      the same loaded model: see service-child.ts), at concurrency 1, 8, 32
 *      (targets: ≥ 0.95× throughput, ≤ 1 ms added p50), and the time a 401 takes for missing/wrong/revoked keys;
 *   2. each tier driven at 1.5× its limit for two minutes admits exactly its limit per minute;
 *   3. three replicas sharing PostgreSQL and Redis admit exactly one limit between them.
 * Flags: --model DIR (model.onnx + metadata.json; default: both an untrained full-size YOLO11n at 640 px and the tiny
 *        detect fixture at 160 px, each exported by `edgepack export`), --seconds N per throughput point (default 24
 *        for YOLO11n, 8 for the fixture),
 *        --limit-seconds N (default 120), --skip-limits, --skip-embedded, --skip-triton (point 1 against a real
 *        tritonserver on cores of its own, first model only).
 * The load generator (this process) runs on the same machine as the service; its CPU time is measured and printed
 * beside the service's and the direct runner's, per request.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchCheckpoint, toolchainEnvPath } from '../../tests/support/toolchain';
import { freePort, packageForm } from '../test-support/harness';
import {
  createPgSchema,
  createRedisPrefix,
  exportCheckpoint,
  exportedPackage,
  platformPython,
  REDIS_URL,
  repo,
  startTriton,
} from '../test-support/services';
import { TIER_LIMITS, type Tier } from '../limits/tiers';
import { ownCpuMs, processCpuMs } from './cpu';
import type { DirectRun } from './direct-loop';
import { closedLoop, openLoop, post, type Outcome, type Target } from './http-load';
import { p50DifferenceInterval, summarize } from './stats';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const secondsFlag = args.includes('--seconds') ? Number(flag('seconds', '8')) : null;
const limitSeconds = Number(flag('limit-seconds', '120'));
const image = path.join(repo, 'native-runtimes', 'typescript', 'test-images', 'bus.jpg');
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

interface Service {
  url: string;
  tokens: Record<string, string>;
  pid: number;
  child: ChildProcess;
}

/** `command args`, pinned to `cpus` with taskset when given. */
function pinned(cpus: string | undefined, command: string, args: string[]): [string, string[]] {
  return cpus ? ['taskset', ['-c', cpus, command, ...args]] : [command, args];
}

async function startService(env: Record<string, string>, cpus?: string): Promise<Service> {
  const port = await freePort();
  const child = spawn(
    ...pinned(cpus, process.execPath, [
      path.join(repo, 'bin', 'run-ts.mjs'),
      'platform/bench/service-child.ts',
    ]),
    {
      cwd: repo,
      env: {
        ...process.env,
        PLATFORM_PORT: String(port),
        PLATFORM_LOG_LEVEL: 'silent',
        PLATFORM_SECRET: 'bench-secret-0123456789abcdef',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ ...(JSON.parse(line) as Omit<Service, 'pid' | 'child'>), pid: child.pid!, child });
    });
    child.once('exit', (code) => reject(new Error(`service exited with ${code}`)));
  });
}

async function deploy(
  service: Service,
  tier: string,
  modelDir: string,
): Promise<{ id: string; key: string; url: string }> {
  const model = await fs.readFile(path.join(modelDir, 'model.onnx'));
  const metadata = await fs.readFile(path.join(modelDir, 'metadata.json'), 'utf8').catch(() => undefined);
  const response = await fetch(`${service.url}/api/v1/deployments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${service.tokens[tier]}` },
    body: packageForm(model, metadata, { name: `bench-${tier}` }),
  });
  const body = (await response.json()) as {
    deployment: { id: string };
    api_key: string;
    endpoint_url: string;
  };
  if (response.status !== 201) throw new Error(`deploy failed: ${JSON.stringify(body)}`);
  return { id: body.deployment.id, key: body.api_key, url: body.endpoint_url };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(8);
const SLICES = 8;

/** The direct side, run by the service process itself (service-child.ts) one slice at a time. */
class DirectRunner {
  private buffer = '';
  private waiting: ((line: string) => void) | null = null;

  constructor(
    private readonly service: Service,
    private readonly deploymentId: string,
  ) {
    service.child.stdout!.on('data', (d: Buffer) => {
      this.buffer += d.toString();
      const newline = this.buffer.indexOf('\n');
      if (newline >= 0 && this.waiting) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        const resolve = this.waiting;
        this.waiting = null;
        resolve(line);
      }
    });
  }

  run(concurrency: number, seconds: number): Promise<DirectRun> {
    return new Promise((resolve) => {
      this.waiting = (line) => resolve(JSON.parse(line));
      this.service.child.stdin!.write(`${this.deploymentId} ${concurrency} ${seconds}\n`);
    });
  }
}

/** Where the service and the direct runner run: their backend settings and, optionally, the cores they are pinned to. */
interface Placement {
  env: Record<string, string>;
  cpus?: string;
  /** How the backend is placed, printed with the table, and how to read the figures then. */
  note: string;
  reading: string[];
  /** Also measure the HTTP floor (once is enough: it does not depend on the backend). */
  floor?: boolean;
}

const SHARED_CORES: Placement = {
  env: {},
  note: 'the embedded backend (ONNX Runtime in the service process), everything on the same cores',
  floor: true,
  reading: [
    "the service's HTTP work shares the cores with inference and with the load generator, which direct slices lack.",
    'Once the cores are saturated (concurrency 8, 32) the ratio is about direct CPU/req ÷ (service + load generator',
    'CPU/req), and in a closed loop p50 ≈ concurrency ÷ throughput, so every 1 % of throughput adds 1 % of p50; the',
    'service-only overhead per request is service CPU/req − direct CPU/req.',
  ],
};

async function throughput(
  label: string,
  modelDir: string,
  photo: Buffer,
  pointSeconds: number,
  placement: Placement = SHARED_CORES,
): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-platform-'));
  cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
  const service = await startService(
    {
      ...placement.env,
      PLATFORM_DATA_DIR: dataDir,
      BENCH_UNLIMITED: '1',
      BENCH_ACCOUNTS: 'enterprise',
      BENCH_DIRECT_IMAGE: image,
    },
    placement.cpus,
  );
  const deployed = await deploy(service, 'enterprise', modelDir);
  // The request the issue's API documents: JSON with the photo base64-encoded.
  const target: Target = {
    url: deployed.url,
    headers: { authorization: `Bearer ${deployed.key}`, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ image: photo.toString('base64') })),
  };

  const direct = new DirectRunner(service, deployed.id);
  console.log(
    `\n1. ${label}: through the service (HTTP, key check, limiter, usage) vs the same pipeline called by the service`,
  );
  console.log(
    `   process itself on the same loaded model (no HTTP); image ${path.basename(image)} ${photo.length} B, sent as {"image": "<base64>"}.`,
  );
  console.log(`   backend: ${placement.note}`);
  console.log(
    `   Per point ${SLICES} alternating slices of ${pointSeconds / SLICES} s direct / ${pointSeconds / SLICES} s service after a warm-up (at least 5 p50 latencies each: fewer, longer`,
  );
  console.log('   slices at high concurrency), so background load falls on both alike.');
  console.log(
    '   added p50: service p50 − direct p50, with its 95 % bootstrap interval; in a closed loop p50 ≈ concurrency ÷',
  );
  console.log(
    '   throughput, so at 8 and 32 it carries the seconds of queueing and their run-to-run spread.',
  );
  console.log(
    '   own p50: per request, the latency the client saw minus the pipeline time the answer reports (timing.total_ms):',
  );
  console.log("   the service's own share (HTTP, body, key, limiter, answer, waiting outside the pipeline).");
  console.log(
    '   CPU ms per request, all threads: service process in direct slices | service process + load generator (this process).',
  );
  console.log(
    '   conc | direct req/s   p50 ms   p99 ms | service req/s   p50 ms   p99 ms | ratio  added p50  (95 % interval)  own p50 ms | CPU/req direct  service  loadgen  loadgen share',
  );
  for (const concurrency of [1, 8, 32]) {
    await direct.run(concurrency, 1);
    const warm = await closedLoop(target, concurrency, 1);
    // A slice starts with every client sending at once and ends waiting for the last answers: at high concurrency,
    // where one answer takes seconds, short slices would measure mostly that ramp and drain. Slices last at least
    // five typical latencies (fewer of them, then).
    const latency = summarize(
      warm.outcomes.map((o) => o.latencyMs),
      1,
    ).p50;
    const sliceSeconds = Math.max(pointSeconds / SLICES, Math.ceil((5 * latency) / 1000));
    const slices = sliceSeconds > pointSeconds / SLICES ? SLICES / 2 : SLICES;
    const directRuns: DirectRun[] = [];
    const serviceRuns: {
      outcomes: Outcome[];
      durationMs: number;
      serviceCpuMs: number;
      clientCpuMs: number;
    }[] = [];
    for (let slice = 0; slice < slices; slice++) {
      directRuns.push(await direct.run(concurrency, sliceSeconds));
      const serviceCpu = processCpuMs(service.pid);
      const clientCpu = ownCpuMs();
      const run = await closedLoop(target, concurrency, sliceSeconds);
      serviceRuns.push({
        ...run,
        serviceCpuMs: processCpuMs(service.pid) - serviceCpu,
        clientCpuMs: ownCpuMs() - clientCpu,
      });
    }
    const outcomes = serviceRuns.flatMap((r) => r.outcomes);
    const bad = outcomes.filter((o) => o.status !== 200).length;
    if (bad) throw new Error(`${bad} requests failed during the throughput run`);
    const d = summarize(
      directRuns.flatMap((r) => r.latencies),
      directRuns.reduce((n, r) => n + r.durationMs, 0),
    );
    const via = summarize(
      outcomes.map((o) => o.latencyMs),
      serviceRuns.reduce((n, r) => n + r.durationMs, 0),
    );
    const ratio = via.rps / d.rps;
    const added = via.p50 - d.p50;
    const [addedLow, addedHigh] = p50DifferenceInterval(
      directRuns.flatMap((r) => r.latencies),
      outcomes.map((o) => o.latencyMs),
    );
    const addedVerdict =
      added <= 1 ? '' : addedLow <= 1 ? ' added p50 ≤ 1 ms NOT RESOLVED by this run' : ' ADDED p50 > 1 ms';
    const own = summarize(
      outcomes.filter((o) => o.pipelineMs !== undefined).map((o) => o.latencyMs - o.pipelineMs!),
      1,
    ).p50;
    const perRequest = (cpu: number, count: number) => cpu / count;
    const directCpu = perRequest(
      directRuns.reduce((n, r) => n + r.cpuMs, 0),
      d.count,
    );
    const serviceCpu = perRequest(
      serviceRuns.reduce((n, r) => n + r.serviceCpuMs, 0),
      via.count,
    );
    const clientCpu = perRequest(
      serviceRuns.reduce((n, r) => n + r.clientCpuMs, 0),
      via.count,
    );
    console.log(
      `   ${String(concurrency).padStart(4)} | ${fmt(d.rps)}    ${fmt(d.p50, 2)} ${fmt(d.p99, 2)} | ${fmt(via.rps)}     ${fmt(via.p50, 2)} ${fmt(via.p99, 2)} | ${ratio.toFixed(3)} ${fmt(added, 2)} ${`[${addedLow.toFixed(1)}, ${addedHigh.toFixed(1)}]`.padStart(16)} ${fmt(own, 2)}   | ${fmt(directCpu, 2)}  ${fmt(serviceCpu, 2)} ${fmt(clientCpu, 2)}   ${((100 * clientCpu) / (serviceCpu + clientCpu)).toFixed(1).padStart(5)} %   ${ratio >= 0.95 ? 'ok' : 'BELOW 0.95×'}${addedVerdict}`,
    );
  }
  console.log(`   How to read it: ${placement.reading.join('\n   ')}`);
  if (placement.floor) await httpFloor(target.body);

  // A revoked key: regenerate, keep the old one.
  const regenerated = await fetch(`${service.url}/api/v1/deployments/${deployed.id}/regenerate-key`, {
    method: 'POST',
    headers: { authorization: `Bearer ${service.tokens.enterprise}` },
  });
  if (!regenerated.ok) throw new Error('regenerate-key failed');
  const cases: [string, Record<string, string>][] = [
    ['missing', {}],
    ['wrong', { authorization: `Bearer epk_live_${'Q'.repeat(32)}` }],
    ['revoked', { authorization: `Bearer ${deployed.key}` }],
  ];
  const times: Record<string, number[]> = { missing: [], wrong: [], revoked: [] };
  for (let i = 0; i < 400; i++) {
    for (const [name, headers] of cases) {
      const t = performance.now();
      const { status } = await post({
        url: deployed.url,
        headers: { ...headers, 'content-type': 'image/jpeg' },
        body: Buffer.alloc(0),
      });
      if (status !== 401) throw new Error(`${name} key answered ${status}`);
      if (i >= 50) times[name]!.push(performance.now() - t);
    }
  }
  const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, summarize(v, 1).p50]));
  const spread = Math.max(...Object.values(medians)) - Math.min(...Object.values(medians));
  console.log(
    `   401 timing (350 each, interleaved): median missing ${medians.missing!.toFixed(3)} ms, wrong ${medians.wrong!.toFixed(3)} ms, revoked ${medians.revoked!.toFixed(3)} ms; spread ${(spread * 1000).toFixed(0)} µs`,
  );
}

function minuteReport(
  outcomes: Outcome[],
  seconds: number,
): { admitted: number; perMinute: number[]; maxWindow: number; refused: number; other: number } {
  const admitted = outcomes
    .filter((o) => o.status === 200)
    .map((o) => o.sentAt)
    .sort((a, b) => a - b);
  const perMinute = Array.from(
    { length: Math.ceil(seconds / 60) },
    (_, m) => admitted.filter((t) => t >= m * 60_000 && t < (m + 1) * 60_000).length,
  );
  let maxWindow = 0;
  for (let i = 0, j = 0; i < admitted.length; i++) {
    while (admitted[i]! - admitted[j]! >= 60_000) j++;
    maxWindow = Math.max(maxWindow, i - j + 1);
  }
  return {
    admitted: admitted.length,
    perMinute,
    maxWindow,
    refused: outcomes.filter((o) => o.status === 429).length,
    other: outcomes.filter((o) => o.status !== 200 && o.status !== 429).length,
  };
}

async function limits(modelDir: string, photo: Buffer): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-platform-'));
  const replicaDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-replicas-'));
  cleanups.push(
    () => fs.rm(dataDir, { recursive: true, force: true }),
    () => fs.rm(replicaDir, { recursive: true, force: true }),
  );
  const schema = await createPgSchema();
  const redis = createRedisPrefix();
  cleanups.push(
    () => schema.drop(),
    () => redis.drop(),
  );

  const tiers: Tier[] = ['free', 'pro', 'enterprise'];
  const single = await startService({ PLATFORM_DATA_DIR: dataDir, BENCH_ACCOUNTS: tiers.join(',') });
  const shared = {
    PLATFORM_DATA_DIR: replicaDir,
    DATABASE_URL: schema.url,
    PLATFORM_DB_SCHEMA: schema.schema,
    REDIS_URL,
    PLATFORM_REDIS_PREFIX: redis.prefix,
  };
  const first = await startService({ ...shared, BENCH_ACCOUNTS: 'pro' });
  const replicas = [first, await startService(shared), await startService(shared)];

  const byTier = await Promise.all(
    tiers.map(async (tier) => ({ tier, deployed: await deploy(single, tier, modelDir) })),
  );
  const replicated = await deploy(first, 'pro', modelDir);
  const targetFor = (url: string, key: string): Target => ({
    url,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'image/jpeg' },
    body: photo,
  });

  console.log(`\n2. Tiers at 1.5× their limit for ${limitSeconds} s (one replica, in-process limits), and`);
  console.log(
    `3. three replicas sharing PostgreSQL and Redis, pro tier at 1.5× spread round-robin over them (sliding 60 s window)`,
  );
  const runs = [
    ...byTier.map(({ tier, deployed }) => ({
      label: `${tier.padEnd(10)} (${TIER_LIMITS[tier]}/min)`,
      limit: TIER_LIMITS[tier],
      outcomes: openLoop(
        [targetFor(deployed.url, deployed.key)],
        60_000 / (TIER_LIMITS[tier] * 1.5),
        limitSeconds,
      ),
    })),
    {
      label: `3 replicas pro (100/min)`,
      limit: TIER_LIMITS.pro,
      outcomes: openLoop(
        replicas.map((r) => targetFor(`${r.url}/v1/infer/${replicated.id}`, replicated.key)),
        60_000 / (TIER_LIMITS.pro * 1.5),
        limitSeconds,
      ),
    },
  ];
  for (const run of runs) {
    const report = minuteReport(await run.outcomes, limitSeconds);
    const exact =
      report.perMinute.every((n) => n === run.limit) && report.maxWindow === run.limit && report.other === 0;
    console.log(
      `   ${run.label.padEnd(26)} sent ${report.admitted + report.refused + report.other}, admitted ${report.admitted} (per minute: ${report.perMinute.join(', ')}; most in any 60 s: ${report.maxWindow}), 429: ${report.refused}, other: ${report.other} → ${exact ? 'exactly the limit' : 'NOT exactly the limit'}`,
    );
  }
}

/** What one HTTP round trip of the same JSON body costs here, with nothing of the service in it (floor-child.ts). */
async function httpFloor(body: Buffer): Promise<void> {
  const child = spawn(
    process.execPath,
    [path.join(repo, 'bin', 'run-ts.mjs'), 'platform/bench/floor-child.ts'],
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
  });
  const target: Target = { url, headers: { 'content-type': 'application/json' }, body };
  await closedLoop(target, 1, 1);
  const { outcomes, durationMs } = await closedLoop(target, 1, 5);
  const floor = summarize(
    outcomes.map((o) => o.latencyMs),
    durationMs,
  );
  child.kill('SIGTERM');
  console.log(
    `   HTTP floor: a bare Fastify route in its own process that parses the same JSON body and decodes its base64 ` +
      `(no key, limiter, model): p50 ${floor.p50.toFixed(2)} ms, p99 ${floor.p99.toFixed(2)} ms per round trip at concurrency 1.`,
  );
}

/**
 * Triton on cores of its own, as in the Kubernetes manifests (Triton's pods apart from the service's): tritonserver
 * and its model processes pinned to every core but the first, the service (and so its direct runner) to the first.
 * The load generator stands for clients elsewhere: on one core with the service, every request and answer would wait
 * for a switch between the two processes; on Triton's, it is idle while a request is in flight at concurrency 1 and
 * takes under 1 % of that core at 8 and 32 (its CPU per request is printed).
 */
async function tritonPlacement(): Promise<Placement> {
  const cores = os.cpus().length;
  if (cores < 2)
    throw new Error('the Triton placement needs two cores (one for Triton, one for the service)');
  const backendCores = cores === 2 ? '1' : `1-${cores - 1}`;
  const repository = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-triton-models-'));
  const triton = await startTriton(platformPython(), repository, { cpus: backendCores });
  cleanups.push(
    () => triton.stop(),
    () => fs.rm(repository, { recursive: true, force: true }),
  );
  pinSelf(backendCores);
  return {
    env: { TRITON_URL: triton.url, TRITON_MODEL_REPOSITORY: repository, TRITON_MODEL_BACKEND: 'python' },
    cpus: '0',
    note: `a real tritonserver (Python-backend model running ONNX Runtime) and the load generator pinned to core(s) ${backendCores}; the service (and its direct runner) to core 0`,
    reading: [
      "as deployed (Triton in its own pods), the service's work does not take CPU from inference: both sides are",
      'bound by the same Triton, so the ratio and the added p50 show what the service itself costs a request.',
    ],
  };
}

/** Pins every thread of this process (the load generator) to `cpus`. */
function pinSelf(cpus: string): void {
  const r = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset failed: ${r.stderr}`);
}

/** The models to measure: --model DIR, else a realistic full-size YOLO11n at 640 px and the tiny fixture at 160 px. */
async function models(): Promise<{ label: string; dir: string; seconds: number }[]> {
  if (args.includes('--model')) {
    const dir = path.resolve(flag('model', ''));
    return [{ label: path.relative(repo, dir) || dir, dir, seconds: secondsFlag ?? 8 }];
  }
  const yolo = benchCheckpoint(toolchainEnvPath());
  return [
    {
      label: 'YOLO11n (untrained, Ultralytics yaml) at 640 px',
      dir: (await exportCheckpoint(yolo, 'yolo11n-640', ['--imgsz', '640'])).dir,
      // ~5 requests/s here: longer points, so each slice still holds a dozen requests.
      seconds: secondsFlag ?? 24,
    },
    {
      label: 'tiny detect fixture at 160 px',
      dir: (await exportedPackage('detect')).dir,
      seconds: secondsFlag ?? 8,
    },
  ];
}

async function main(): Promise<void> {
  const photo = await fs.readFile(image);
  const measured = await models();
  console.log(
    `bench:platform — ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, Node ${process.version}, models: ${measured.map((m) => m.label).join('; ')}`,
  );
  if (!args.includes('--skip-embedded')) {
    for (const model of measured) await throughput(model.label, model.dir, photo, model.seconds);
  }
  if (!args.includes('--skip-triton')) {
    const [model] = measured;
    await throughput(
      `${model!.label}, Triton backend`,
      model!.dir,
      photo,
      model!.seconds,
      await tritonPlacement(),
    );
    pinSelf(`0-${os.cpus().length - 1}`);
  }
  if (!args.includes('--skip-limits')) await limits(measured[measured.length - 1]!.dir, photo);
}

try {
  await main();
} finally {
  for (const child of children) child.kill('SIGTERM');
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
}
