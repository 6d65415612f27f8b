/**
 * `npm run bench:remote [-- --runs N --checkpoint FILE --imgsz N]`
 *
 * The same ONNX export run Tier-1 (the trainer as a local subprocess) and through the Tier-2 path run on this machine
 * (register with the platform service on PostgreSQL, upload to moto S3, render + create the Job against the
 * recorded-exchange replay server, the Job's container as a local process, callbacks, download, extract), alternating,
 * N runs each. Prints the median end-to-end ratio (target ≤ 1.2×) and where the remote run's extra time goes. No
 * cluster, image pull or pod scheduling is in these figures (tests/support/remote-harness.ts).
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ExportJob } from '../../electron/contract';
import { DEFAULT_PLATFORM_POLL_MS } from '../../electron/core/remote/remote-trainer';
import { startRemoteHarness } from '../../tests/support/remote-harness';
import { benchCheckpoint, toolchainEnvPath } from '../../tests/support/toolchain';
import { median } from './measure';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    checkpoint: { type: 'string' },
    imgsz: { type: 'string', default: '640' },
  },
});
const runs = Number(values.runs);
const imgsz = Number(values.imgsz);
const venv = toolchainEnvPath();
const python = path.join(venv, 'bin', 'python');
const checkpoint = values.checkpoint ?? benchCheckpoint(venv);
const repo = process.cwd();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-bench-remote-'));
process.env['EDGEPACK_TOOLCHAINS'] = path.dirname(venv);

const harness = await startRemoteHarness(python, repo);
// The app's own platform polling; the API server is not polled during a run here (the replay is in order).
const core = await harness.core(home, { platformMs: DEFAULT_PLATFORM_POLL_MS, kubeMs: 3_600_000 });
const modelId = (await core.handle('models:add', { path: checkpoint })).id;
const request = { modelId, formats: ['onnx' as const], exportConfig: { imgsz }, optimizationConfig: {} };

async function exportOnce(on?: string): Promise<{ seconds: number; job: ExportJob }> {
  const started = performance.now();
  const created = await core.handle('exports:create', { ...request, ...(on ? { on } : {}) });
  const job = await core.handle('exports:wait', { id: created.id });
  const seconds = (performance.now() - started) / 1000;
  if (job.status !== 'completed')
    throw new Error(`${on ?? 'Tier-1'} export ended ${job.status}: ${JSON.stringify(job.error)}`);
  return { seconds, job };
}

const STEPS = ['register', 'upload', 'create', 'trainer', 'download', 'extract'] as const;
type Breakdown = Record<(typeof STEPS)[number] | 'callback' | 'other', number>;

/** The remote run's steps from its log ("Remote step upload took 41 ms."), the pod's own time from the kubelet. */
async function breakdown(job: ExportJob, seconds: number): Promise<Breakdown> {
  const log = (await core.handle('exports:log', { id: job.id })).join('\n');
  const ms = (step: string) => Number(new RegExp(`Remote step ${step} took (\\d+) ms`).exec(log)?.[1] ?? NaN);
  const out = Object.fromEntries(STEPS.map((s) => [s, ms(s)])) as Breakdown;
  const pod = harness.kubelet.pods.get(job.id)!;
  // From the pod's exit to the app noticing its completion (negative: noticed before the process had exited).
  const podSeconds = (pod.exitedAt! - startedAt.get(job.id)!) / 1000;
  out.callback = (out.trainer / 1000 - podSeconds) * 1000;
  out.trainer -= out.callback;
  out.other = seconds * 1000 - STEPS.reduce((sum, s) => sum + out[s], 0) - out.callback;
  return out;
}

// When each pod started, to split "trainer" into the pod's own run and the callback's latency.
const startedAt = new Map<string, number>();
const run = harness.kubelet.run.bind(harness.kubelet);
harness.kubelet.run = (rendered) => {
  const pod = run(rendered);
  startedAt.set(pod.jobId, performance.now());
  return pod;
};

console.log(
  `checkpoint ${checkpoint} (${(fs.statSync(checkpoint).size / 1e6).toFixed(1)} MB), ONNX at imgsz ${imgsz}, ${runs} runs each, alternating`,
);
const tier1: number[] = [];
const tier2: number[] = [];
const parts: Breakdown[] = [];
for (let i = 0; i < runs; i++) {
  for (const which of i % 2 === 0 ? ['tier1', 'tier2'] : ['tier2', 'tier1']) {
    if (which === 'tier1') tier1.push((await exportOnce()).seconds);
    else {
      const { seconds, job } = await exportOnce('lab');
      tier2.push(seconds);
      parts.push(await breakdown(job, seconds));
    }
  }
  console.log(
    `run ${i + 1}: Tier-1 ${tier1.at(-1)!.toFixed(2)} s  Tier-2 (local) ${tier2.at(-1)!.toFixed(2)} s`,
  );
}

const ratio = median(tier2) / median(tier1);
console.log(
  `\nmedian: Tier-1 ${median(tier1).toFixed(2)} s, Tier-2 run locally ${median(tier2).toFixed(2)} s → ${ratio.toFixed(2)}× (target ≤ 1.20×) ${ratio <= 1.2 ? 'OK' : 'OVER'}`,
);
console.log('where the Tier-2 time goes (median ms):');
const labels: Record<keyof Breakdown, string> = {
  register: 'register with the platform',
  upload: 'checkpoint upload + presign',
  create: 'render + create Secret/Job',
  trainer: 'the pod: download, export, tar, PUT, completion',
  callback: 'callback latency (pod exit → noticed)',
  download: 'artifacts download + sha256',
  extract: 'safe extract into staging',
  other: 'the rest (checks, database, finalize)',
};
for (const [key, label] of Object.entries(labels)) {
  const values = parts.map((p) => p[key as keyof Breakdown]);
  console.log(`  ${label.padEnd(52)} ${median(values).toFixed(0).padStart(7)}`);
}
console.log(
  `  ${'Tier-1 export, for comparison'.padEnd(52)} ${(median(tier1) * 1000).toFixed(0).padStart(7)}`,
);

await core.close();
await harness.close();
fs.rmSync(home, { recursive: true, force: true });
process.exit(ratio <= 1.2 ? 0 : 1);
