import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreWithServices } from '../../electron/core';
import type { ExportJob } from '../../electron/contract';
import { toolchainPython } from '../../platform/test-support/services';
import { comparableMetadata, startRemoteHarness, type RemoteHarness } from '../support/remote-harness';
import { cli, fixture, freshHome, removeHomes, repo } from './helpers';

// End to end through the Tier-2 path on this machine: the platform service on PostgreSQL, moto S3, the Kubernetes
// API side as the recorded-exchange replay server, and the Job's container — its exact command and env from the
// rendered Job, the Secret resolved — run as a local process (tests/support/remote-harness.ts says what is not run).
let harness: RemoteHarness;
let core: CoreWithServices;
let modelId: string;

beforeAll(async () => {
  harness = await startRemoteHarness(toolchainPython(), repo);
  core = await harness.core(freshHome(), { platformMs: 200, kubeMs: 600_000 });
  modelId = (await core.handle('models:add', { path: fixture('models/detect.pt') })).id;
});

afterAll(async () => {
  await core?.close();
  await harness?.close();
  removeHomes();
});

const onnx = { formats: ['onnx' as const], exportConfig: { imgsz: 320 }, optimizationConfig: {} };

async function exportOn(on?: string): Promise<ExportJob> {
  const created = await core.handle('exports:create', { modelId, ...onnx, ...(on ? { on } : {}) });
  return core.handle('exports:wait', { id: created.id });
}

/** A job's per-format results without what differs between any two runs (timings, where its files are). */
/** Once the trainer in the "pod" has reported progress through the platform. */
function progressOf(host: CoreWithServices, jobId: string): Promise<void> {
  return new Promise((resolve) => {
    const off = host.on('exports:progress', (p) => {
      if (p.jobId === jobId) {
        off();
        resolve();
      }
    });
  });
}

/** The platform's record of a remote job, as its owner polls it (the id is in the Job's CALLBACK_URL). */
async function platformRecord(jobId: string): Promise<number> {
  const callback = harness.kubelet.pods.get(jobId)!.container.env['CALLBACK_URL']!;
  const id = /\/api\/v1\/export\/([^/]+)\//.exec(callback)![1]!;
  return (await harness.platform.request('GET', `/api/v1/export/${id}`)).status;
}

function withoutRunFacts(job: ExportJob) {
  return job.results.map((r) => ({
    format: r.format,
    status: r.status,
    file: r.path && path.relative(job.outputDir!, r.path),
    parity: withoutTimings(r.parity),
    error: r.error,
  }));
}

/**
 * Equal, except that numbers may differ by float noise: two runs of the same export (even two local ones) measure
 * parity on multithreaded CPU kernels whose summation order varies, e.g. max_abs 0.00134 vs 0.00168.
 */
function expectSame(actual: unknown, expected: unknown, where = ''): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const slack = 2e-3 + 1e-5 * Math.abs(expected);
    if (Math.abs(actual - expected) > slack)
      expect.fail(`${where}: ${actual} is not ${expected} (±${slack})`);
    return;
  }
  if (expected && typeof expected === 'object' && actual && typeof actual === 'object') {
    expect(Object.keys(actual).sort(), where).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected))
      expectSame((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
    return;
  }
  expect(actual, where).toEqual(expected);
}

function withoutTimings(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !/latency|_ms$/.test(k))
      .map(([k, v]) => [k, withoutTimings(v)]),
  );
}

describe('remote export against the recorded-exchange replay server, moto S3 and the platform service', () => {
  it('gives the same export as Tier-1: formats, statuses, parity, files and metadata.json', async () => {
    const local = await exportOn();
    harness.nextScenario = ['create'];
    const remote = await exportOn('lab');
    expect(local.status).toBe('completed');
    expect(remote).toMatchObject({ status: 'completed', runOn: 'lab', error: null });
    expectSame(withoutRunFacts(remote), withoutRunFacts(local));
    expect(fs.readdirSync(remote.outputDir!).sort()).toEqual(fs.readdirSync(local.outputDir!).sort());
    const metadata = (job: ExportJob) => comparableMetadata(path.join(job.outputDir!, 'metadata.json'));
    expectSame(metadata(remote), metadata(local));

    // The container ran exactly what the Job says, with the Secret's variables and no cloud credentials.
    const record = harness.jobs.get(remote.id)!;
    const pod = harness.kubelet.pods.get(remote.id)!;
    expect(pod.container.args).toEqual(['trainers/ultralytics/export.py', '--log-level', 'INFO']);
    expect(pod.container.cwd).toBe(repo);
    expect(Object.keys(pod.container.env)).toEqual(
      expect.arrayContaining(['CHECKPOINT_URL', 'ARTIFACTS_URL', 'CALLBACK_TOKEN', 'CALLBACK_URL']),
    );
    expect(Object.keys(pod.container.env).filter((k) => k.startsWith('AWS_'))).toEqual([]);
    expect(record.replay.unexpected).toEqual([]);
    expect(record.replay.remaining()).toBe(0);
    // Nothing is left behind: the bucket's prefix and the platform's record go with a finished job.
    expect(await harness.objectKeys()).toEqual([]);
    expect(await platformRecord(remote.id)).toBe(404);
    const log = await core.handle('exports:log', { id: remote.id });
    expect(log.join('\n')).toContain('started on lab');
  });

  it('closing the app mid-run lets the Job run on; the next start follows it to the finished export', async () => {
    const home = freshHome();
    const first = await harness.core(home, { platformMs: 200, kubeMs: 600_000 });
    const id = (await first.handle('models:add', { path: fixture('models/detect.pt') })).id;
    harness.nextScenario = ['create'];
    const created = await first.handle('exports:create', { modelId: id, ...onnx, on: 'lab' });
    await progressOf(first, created.id);
    await first.close();
    const pod = harness.kubelet.pods.get(created.id)!;
    expect(pod.exitedAt).toBeNull(); // the "pod" runs on
    const next = await harness.core(home, { platformMs: 200, kubeMs: 600_000 });
    try {
      const job = await next.handle('exports:wait', { id: created.id });
      expect(job).toMatchObject({ status: 'completed', runOn: 'lab' });
      expect(job.results[0]).toMatchObject({ format: 'onnx', status: 'passed' });
      const log = (await next.handle('exports:log', { id: created.id })).join('\n');
      expect(log).toMatch(/runs on and is followed again[\s\S]*follows export v1 on lab again/);
      expect(await harness.objectKeys()).toEqual([]);
    } finally {
      await next.close();
    }
  });

  it('a Job deleted mid-run ends failed REMOTE_JOB_VANISHED, its pod gone and nothing left in the bucket', async () => {
    const fast = await harness.core(freshHome(), { platformMs: 200, kubeMs: 1500 });
    const id = (await fast.handle('models:add', { path: fixture('models/detect.pt') })).id;
    harness.nextScenario = ['create', 'state-vanished', 'delete'];
    // Deleted from outside (kubectl delete job …) just before the API server is next asked: its pod goes with it.
    harness.onState = (jobId) => harness.kubelet.kill(jobId);
    try {
      const created = await fast.handle('exports:create', { modelId: id, ...onnx, on: 'lab' });
      const job = await fast.handle('exports:wait', { id: created.id });
      expect(job).toMatchObject({ status: 'failed', error: { code: 'REMOTE_JOB_VANISHED' } });
      expect(harness.jobs.get(job.id)!.replay.unexpected).toEqual([]);
      expect(await harness.objectKeys()).toEqual([]);
      expect(fs.existsSync(fast.services.paths.staging(job.id))).toBe(false);
    } finally {
      harness.onState = null;
      await fast.close();
    }
  });

  it('cancel deletes the Job (its pod killed), forgets the platform job and removes the objects', async () => {
    harness.nextScenario = ['create', 'delete'];
    const created = await core.handle('exports:create', { modelId, ...onnx, on: 'lab' });
    await progressOf(core, created.id);
    const job = await core.handle('exports:cancel', { id: created.id });
    expect(job.status).toBe('cancelled');
    expect(harness.kubelet.pods.get(created.id)!.exitedAt).not.toBeNull();
    const replay = harness.jobs.get(created.id)!.replay;
    expect(replay.unexpected).toEqual([]);
    expect(replay.remaining()).toBe(0);
    expect(await harness.objectKeys()).toEqual([]);
    expect(await platformRecord(created.id)).toBe(404);
  });

  it('a namespace without the RBAC rule: KUBE_FORBIDDEN naming it, the upload removed, no pod started', async () => {
    harness.nextScenario = ['create-forbidden'];
    const created = await core.handle('exports:create', { modelId, ...onnx, on: 'lab' });
    const job = await core.handle('exports:wait', { id: created.id });
    expect(job).toMatchObject({ status: 'failed', error: { code: 'KUBE_FORBIDDEN' } });
    expect(job.error!.message).toMatch(/create.*jobs/);
    expect(harness.kubelet.pods.has(created.id)).toBe(false);
    expect(harness.jobs.get(created.id)!.replay.unexpected).toEqual([]);
    expect(await harness.objectKeys()).toEqual([]);
  });

  it('TensorRT on a target without GPUs is refused before anything is uploaded or created', async () => {
    const before = (await core.handle('exports:list', { modelId })).length;
    const jobsBefore = harness.jobs.size;
    await expect(
      core.handle('exports:create', { modelId, ...onnx, formats: ['tensorrt'], on: 'lab' }),
    ).rejects.toMatchObject({ code: 'TARGET_HAS_NO_GPU', message: expect.stringContaining('lab') });
    expect(await harness.objectKeys()).toEqual([]);
    expect(harness.jobs.size).toBe(jobsBefore);
    expect(await core.handle('exports:list', { modelId })).toHaveLength(before);
  });

  it('an unknown target and an unreachable bucket are refused before anything is created', async () => {
    await expect(core.handle('exports:create', { modelId, ...onnx, on: 'nowhere' })).rejects.toMatchObject({
      code: 'TARGET_NOT_FOUND',
    });
    await core.handle('targets:add', {
      kind: 'k8s',
      name: 'no-bucket',
      context: 'recorded',
      namespace: 'edgepack',
      bucket: 'missing-bucket',
      s3Endpoint: harness.moto.url,
      kubeconfig: (await core.handle('targets:list', {})).find((t) => t.name === 'lab')!.kubeconfig!,
    });
    await expect(core.handle('exports:create', { modelId, ...onnx, on: 'no-bucket' })).rejects.toMatchObject({
      code: 'BUCKET_UNREACHABLE',
    });
  });

  it('options that need this computer’s files are refused with --on, naming the option', async () => {
    const data = fixture('models/detect.pt'); // any existing path: the refusal comes first
    await expect(
      core.handle('exports:create', { modelId, ...onnx, validationData: data, on: 'lab' }),
    ).rejects.toMatchObject({
      code: 'REMOTE_OPTION_UNSUPPORTED',
      message: expect.stringContaining('--validate'),
    });
    await expect(
      core.handle('exports:create', {
        modelId,
        ...onnx,
        formats: ['tflite'],
        optimizationConfig: { int8: true, calibDir: path.dirname(data) },
        on: 'lab',
      }),
    ).rejects.toMatchObject({
      code: 'REMOTE_OPTION_UNSUPPORTED',
      message: expect.stringContaining('--calib'),
    });
    expect(await harness.objectKeys()).toEqual([]);
  });

  it('the CLI: export --on a GPU-less target refuses TensorRT before anything is uploaded (exit 1, JSON error)', () => {
    const home = freshHome();
    const kubeconfig = core.services.targets.get('lab').kubeconfig!;
    const added = cli(home, [
      'targets',
      'add',
      'k8s',
      'lab',
      '--context',
      'recorded',
      '--namespace',
      'edgepack',
      '--bucket',
      'edgepack-remote-e2e',
      '--s3-endpoint',
      harness.moto.url,
      '--kubeconfig',
      kubeconfig,
      '--json',
    ]);
    expect(added.code).toBe(0);
    const run = cli(home, [
      'export',
      fixture('models/detect.pt'),
      '--format',
      'tensorrt',
      '--on',
      'lab',
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ error: { code: 'TARGET_HAS_NO_GPU' } });
  });
});
