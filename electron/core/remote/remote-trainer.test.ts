import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppErrorShape } from '../../contract';
import type { ExportStatus, JobStateLike, RemoteParts, RemoteJobSpecLike } from './parts';
import { startRemoteTrainer, type RemoteTrainerSpec } from './remote-trainer';

// Stand-ins for the platform, the cluster and the bucket (fakes: what they answer is scripted here). The real ones —
// the platform service on PostgreSQL, moto S3, the trainer as a local process — run in
// tests/integration/remote-export.test.ts.
interface Script {
  /** What the API server answers, poll by poll (the last one repeats); `throws` is an error it raises. */
  states: (JobStateLike | { throws: AppErrorShape })[];
  statuses?: ExportStatus[];
  podLog?: string | null;
}

function fakeParts(script: Script) {
  const calls: string[] = [];
  let state = 0;
  let status = 0;
  const rendered: RemoteJobSpecLike[] = [];
  const parts: RemoteParts = {
    platform: {
      register: async (jobId) => {
        calls.push(`register ${jobId}`);
        return {
          id: 'p1',
          callbackToken: 'epk_cb_x',
          progressUrl: 'http://platform/progress',
          completionUrl: 'http://platform/completion',
        };
      },
      status: async () => {
        const all = script.statuses ?? [];
        return (
          all[Math.min(status++, all.length - 1)] ?? {
            status: 'running',
            events: [],
            next: 0,
            completion: null,
          }
        );
      },
      forget: async (id) => void calls.push(`forget ${id}`),
    },
    objects: {
      target: { name: 't', bucket: 'b', s3Endpoint: null, s3Region: null },
      uploadCheckpoint: async (jobId) => {
        calls.push(`upload ${jobId}`);
        return { key: `edgepack/exports/${jobId}/checkpoint.pt`, bytes: 3 };
      },
      presign: async () => ({ checkpointUrl: 'http://s3/get', artifactsUrl: 'http://s3/put' }),
      download: async () => {
        throw new Error('not in these tests');
      },
      removeJob: async (jobId) => void calls.push(`remove objects ${jobId}`),
    } as RemoteParts['objects'],
    kube: {
      create: async () => void calls.push('create'),
      state: async () => {
        const next = script.states[Math.min(state++, script.states.length - 1)]!;
        if ('throws' in next) throw next.throws;
        return next;
      },
      podLog: async () => script.podLog ?? null,
      remove: async (jobId) => void calls.push(`delete job ${jobId}`),
    },
    render: (spec) => {
      rendered.push(spec);
      return spec;
    },
  };
  return { parts, calls, rendered };
}

let staging: string;
beforeEach(() => {
  staging = fs.mkdtempSync(path.join(os.tmpdir(), 'remote-trainer-'));
});
afterEach(() => fs.rmSync(staging, { recursive: true, force: true }));

function start(parts: RemoteParts, extra: Partial<RemoteTrainerSpec> = {}) {
  const lines: string[] = [];
  const trainer = startRemoteTrainer({
    jobId: 'job-1',
    parts,
    image: 'edgepack-trainer:test',
    namespace: 'exports',
    gpu: false,
    resources: { cpu: '1', memory: '2Gi' },
    activeDeadlineSeconds: 600,
    ttlSecondsAfterFinished: 60,
    checkpointPath: __filename,
    checkpointSha256: 'ab'.repeat(32),
    env: { EXPORT_JOB_ID: 'job-1', EXPORT_FORMAT: 'onnx', EXPORT_CONFIG: '{}', OPTIMIZATION_CONFIG: '{}' },
    staging,
    platformPollMs: 5,
    kubePollMs: 5,
    onLine: (parsed) => lines.push(parsed.kind === 'text' ? parsed.line : JSON.stringify(parsed.event)),
    ...extra,
  });
  return { trainer, lines };
}

const running: JobStateLike = { phase: 'running', failure: null, podName: 'pod-1' };

describe('startRemoteTrainer with stand-in platform, cluster and bucket (fakes)', () => {
  it('renders the seed variables into the Job and the URLs and token into its Secret only', async () => {
    const oom: AppErrorShape = { code: 'REMOTE_OOM_KILLED', message: 'limit 2Gi', hint: 'raise it' };
    const { parts, rendered } = fakeParts({ states: [{ phase: 'failed', failure: oom, podName: 'p' }] });
    const { trainer } = start(parts);
    await trainer.exited;
    expect(trainer.pid).toBe(0);
    expect(rendered[0]!.env).toMatchObject({
      EXPORT_JOB_ID: 'job-1',
      EXPORT_FORMAT: 'onnx',
      CHECKPOINT_PATH: '/work/remote-trainer.test.ts',
      OUTPUT_DIR: '/work/output',
      CALLBACK_URL: 'http://platform/completion',
      PROGRESS_URL: 'http://platform/progress',
    });
    expect(rendered[0]!.secretEnv).toEqual({
      CHECKPOINT_URL: 'http://s3/get',
      ARTIFACTS_URL: 'http://s3/put',
      CALLBACK_TOKEN: 'epk_cb_x',
    });
    expect(JSON.stringify(rendered[0]!.env)).not.toContain('epk_cb_x');
  });

  it('a Job deleted mid-run ends failed REMOTE_JOB_VANISHED, the objects removed and the platform job forgotten', async () => {
    const vanished: JobStateLike = {
      phase: 'vanished',
      podName: null,
      failure: { code: 'REMOTE_JOB_VANISHED', message: 'gone', hint: 'again' },
    };
    const { parts, calls } = fakeParts({ states: [running, running, vanished] });
    const exit = await start(parts).trainer.exited;
    expect(exit.error?.code).toBe('REMOTE_JOB_VANISHED');
    expect(exit.result).toBeNull();
    expect(calls).toEqual(expect.arrayContaining(['remove objects job-1', 'forget p1']));
  });

  it.each([
    ['REMOTE_OOM_KILLED'],
    ['REMOTE_POD_EVICTED'],
    ['REMOTE_DEADLINE_EXCEEDED'],
    ['REMOTE_IMAGE_PULL_FAILED'],
  ])('a pod failure the cluster names (%s) is the job’s reason', async (code) => {
    const failure = { code, message: `${code} happened`, hint: 'do this' };
    const { parts } = fakeParts({ states: [running, { phase: 'failed', failure, podName: 'p' }] });
    const exit = await start(parts).trainer.exited;
    expect(exit.error).toEqual(failure);
  });

  it('a Job that failed without a completion: the trainer’s error event from the pod’s log', async () => {
    const podLog = [
      '{"event":"progress","stage":"load","fraction":0.1}',
      '{"event":"error","code":"CHECKPOINT_TRUNCATED","message":"cut","hint":"re-save"}',
    ].join('\n');
    const { parts } = fakeParts({ states: [{ phase: 'failed', failure: null, podName: 'p' }], podLog });
    const exit = await start(parts).trainer.exited;
    expect(exit.error).toEqual({ code: 'CHECKPOINT_TRUNCATED', message: 'cut', hint: 're-save' });
  });

  it('relays the platform’s events (progress and log) through the same callbacks a local run uses', async () => {
    const events: string[] = [];
    const error = {
      event: 'error',
      code: 'EXPORT_FAILED',
      message: 'no',
      hint: 'h',
      output_dir: '/work/output',
    };
    const { parts } = fakeParts({
      states: [running],
      statuses: [
        {
          status: 'running',
          events: [
            { event: 'progress', stage: 'onnx', fraction: 0.4, seq: 1 },
            { event: 'log', message: 'wrote /work/output/model.onnx', seq: 2 },
          ],
          next: 2,
          completion: null,
        },
        { status: 'failed', events: [], next: 2, completion: error },
      ],
    });
    const { trainer, lines } = start(parts, { onEvent: (e) => events.push(e.event) });
    const exit = await trainer.exited;
    expect(events).toEqual(['progress', 'log']);
    expect(lines.join('\n')).toContain(`wrote ${path.join(staging, 'model.onnx')}`);
    expect(exit).toMatchObject({ code: 1, error: { code: 'EXPORT_FAILED', message: 'no', hint: 'h' } });
  });

  it('cancel deletes the Job, forgets the platform job and removes the objects', async () => {
    const { parts, calls } = fakeParts({ states: [running] });
    const { trainer } = start(parts);
    while (!calls.includes('create')) await new Promise((r) => setTimeout(r, 2));
    await trainer.cancel();
    const exit = await trainer.exited;
    expect(exit.cancelled).toBe(true);
    expect(calls).toEqual(expect.arrayContaining(['delete job job-1', 'forget p1', 'remove objects job-1']));
  });

  it('waits through an API server that does not answer for a while; a refusal (403) ends the run', async () => {
    const silent = { throws: { code: 'KUBE_UNREACHABLE', message: 'no answer', hint: 'h' } };
    const forbidden = { throws: { code: 'KUBE_FORBIDDEN', message: 'get jobs', hint: 'h' } };
    const vanished: JobStateLike = { phase: 'vanished', podName: null, failure: null };
    const waited = fakeParts({ states: [running, silent, silent, vanished] });
    expect((await start(waited.parts).trainer.exited).error?.code).toBe('REMOTE_JOB_VANISHED');
    const refused = fakeParts({ states: [running, forbidden] });
    expect((await start(refused.parts).trainer.exited).error?.code).toBe('KUBE_FORBIDDEN');
  });

  it('detach while following lets the run go: nothing deleted, forgotten or removed', async () => {
    const { parts, calls } = fakeParts({ states: [running] });
    const { trainer } = start(parts);
    while (!calls.includes('create')) await new Promise((r) => setTimeout(r, 2));
    await trainer.detach();
    expect(trainer.detached).toBe(true);
    expect(calls.filter((c) => /delete|forget|remove/.test(c))).toEqual([]);
  });

  it('resume follows an existing run without registering, uploading or creating anything', async () => {
    const { parts, calls } = fakeParts({
      states: [running],
      statuses: [
        {
          status: 'failed',
          events: [],
          next: 0,
          completion: { event: 'error', code: 'X_FAILED', message: 'm' },
        },
      ],
    });
    const exit = await start(parts, { resume: { platformId: 'p9' } }).trainer.exited;
    expect(exit.error?.code).toBe('X_FAILED');
    expect(calls.filter((c) => /register|upload|create/.test(c))).toEqual([]);
    expect(calls).toContain('forget p9');
  });
});
