/**
 * The client's calls (kube.ts through @kubernetes/client-node) against RECORDED API-server exchanges
 * (tests/fixtures/k8s-exchange/: hand-recorded from the Kubernetes API reference, not captured from a live cluster),
 * replayed on loopback; any request the recording does not have fails the test. Plus the kubeconfig errors, which need
 * no server, and an API server that is not there at all.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kubeconfigYaml, loadExchange, replayExchange, type Replay } from '../test-support/k8s-replay';
import { renderJob } from './job-manifest';
import { openKube } from './kube';

const JOB = 'c0ffee00-0000-4000-8000-000000000001';
let replay: Replay | null = null;
const tmp: string[] = [];

afterEach(async () => {
  await replay?.close();
  replay = null;
  for (const dir of tmp.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The kube client on a replay of the named exchange. */
async function against(name: string) {
  replay = await replayExchange(loadExchange(name));
  return openKube({ context: 'recorded', namespace: 'edgepack', kubeconfig: replay.kubeconfig });
}

/** Every recorded request was made, and nothing else. */
function exchangeDone() {
  expect(replay?.unexpected).toEqual([]);
  expect(replay?.remaining()).toBe(0);
}

const rendered = () =>
  renderJob({
    jobId: JOB,
    image: 'registry.example.com/edgepack-trainer:0.1.0',
    env: { EXPORT_JOB_ID: JOB, EXPORT_FORMAT: 'onnx', OUTPUT_DIR: '/work/output' },
    secretEnv: { CALLBACK_TOKEN: 'epk_cb_recorded' },
    gpu: false,
    resources: { cpu: '2', memory: '4Gi' },
    activeDeadlineSeconds: 3600,
    backoffLimit: 0,
    ttlSecondsAfterFinished: 600,
    namespace: 'edgepack',
  });

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; hint: string };
  }
  throw new Error('expected a rejection');
};

describe('kube client against a recorded API-server exchange', () => {
  it('create: the Secret, then the Job, then the Secret made owned by the Job', async () => {
    const kube = await against('create');
    await kube.create(rendered());
    exchangeDone();
  });

  it('create refused with 403: KUBE_FORBIDDEN names the missing RBAC rule, and the Secret is removed', async () => {
    const kube = await against('create-forbidden');
    const error = await rejection(kube.create(rendered()));
    expect(error.code).toBe('KUBE_FORBIDDEN');
    expect(error.message).toContain('User "alice@example.com" may not create jobs in namespace "edgepack"');
    expect(error.message).toContain(
      'Missing RBAC rule: verbs [create], resources [jobs], apiGroups ["batch"], namespace edgepack',
    );
    expect(error.hint).toContain('{apiGroups: ["batch"], resources: [jobs], verbs: [create]}');
    expect(error.hint).toContain(
      'kubectl create role edgepack -n edgepack --verb=create --resource=jobs.batch',
    );
    exchangeDone();
  });

  it('state: running', async () => {
    const kube = await against('state-running');
    expect(await kube.state(JOB)).toEqual({
      phase: 'running',
      failure: null,
      podName: `edgepack-export-${JOB}-x7k2p`,
    });
    exchangeDone();
  });

  it('state: succeeded', async () => {
    const kube = await against('state-succeeded');
    expect(await kube.state(JOB)).toMatchObject({ phase: 'succeeded', failure: null });
    exchangeDone();
  });

  it("state: evicted, with the kubelet's message", async () => {
    const kube = await against('state-evicted');
    const state = await kube.state(JOB);
    expect(state.phase).toBe('failed');
    expect(state.failure?.code).toBe('REMOTE_POD_EVICTED');
    expect(state.failure?.message).toContain('The node was low on resource: memory.');
    exchangeDone();
  });

  it('state: OOMKilled, naming the memory limit and how to raise it', async () => {
    const kube = await against('state-oom');
    const state = await kube.state(JOB);
    expect(state).toMatchObject({ phase: 'failed', failure: { code: 'REMOTE_OOM_KILLED' } });
    expect(state.failure?.message).toContain('4Gi memory limit');
    expect(state.failure?.hint).toMatch(/Raise the memory/);
    exchangeDone();
  });

  it('state: deadline exceeded', async () => {
    const kube = await against('state-deadline');
    const state = await kube.state(JOB);
    expect(state).toMatchObject({
      phase: 'failed',
      podName: null,
      failure: { code: 'REMOTE_DEADLINE_EXCEEDED' },
    });
    expect(state.failure?.message).toContain('activeDeadlineSeconds 3600');
    exchangeDone();
  });

  it('state: image pull back-off', async () => {
    const kube = await against('state-image-pull');
    const state = await kube.state(JOB);
    expect(state).toMatchObject({ phase: 'failed', failure: { code: 'REMOTE_IMAGE_PULL_FAILED' } });
    expect(state.failure?.message).toContain(
      'registry.example.com/edgepack-trainer:0.1.0 (ImagePullBackOff)',
    );
    exchangeDone();
  });

  it('state: the Job vanished (404)', async () => {
    const kube = await against('state-vanished');
    const state = await kube.state(JOB);
    expect(state).toMatchObject({
      phase: 'vanished',
      podName: null,
      failure: { code: 'REMOTE_JOB_VANISHED' },
    });
    exchangeDone();
  });

  it("podLog: the trainer container's JSON lines", async () => {
    const kube = await against('pod-log');
    const log = await kube.podLog(JOB);
    expect(
      log
        ?.split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { event: string }),
    ).toMatchObject([{ event: 'progress' }, { event: 'error', code: 'CHECKPOINT_TRUNCATED' }]);
    exchangeDone();
  });

  it('remove: the Job with propagationPolicy Background, then its Secret (a 404 is fine)', async () => {
    const kube = await against('delete');
    await kube.remove(JOB);
    exchangeDone();
  });

  it('the replay server fails the test on a request the recording does not have', async () => {
    const kube = await against('state-vanished');
    await expect(kube.remove(JOB)).rejects.toMatchObject({ code: 'KUBE_API_ERROR' });
    expect(replay?.unexpected[0]).toMatch(/^DELETE .*: expected GET/);
  });
});

describe('kube client without a reachable API server', () => {
  it('KUBE_UNREACHABLE names the server and the context', async () => {
    const port = await closedPort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-kube-'));
    tmp.push(dir);
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, kubeconfigYaml(`http://127.0.0.1:${port}`, 'gone'));
    const kube = openKube({ context: 'gone', namespace: 'edgepack', kubeconfig: file });
    const error = await rejection(kube.state(JOB));
    expect(error.code).toBe('KUBE_UNREACHABLE');
    expect(error.message).toContain(`http://127.0.0.1:${port} (context "gone")`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('an API server that accepts but never answers: KUBE_UNREACHABLE once the call timeout passes', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-kube-'));
    tmp.push(dir);
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, kubeconfigYaml(`http://127.0.0.1:${port}`, 'silent'));
    try {
      const kube = openKube(
        { context: 'silent', namespace: 'edgepack', kubeconfig: file },
        { timeoutMs: 300 },
      );
      const error = await rejection(kube.state(JOB));
      expect(error.code).toBe('KUBE_UNREACHABLE');
      expect(error.message).toContain('no answer within 0.3 s');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('kubeconfig as kubectl reads it', () => {
  const write = (text: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-kube-'));
    tmp.push(dir);
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, text);
    return file;
  };

  it('KUBECONFIG_NOT_FOUND names the paths looked at', () => {
    const missing = path.join(os.tmpdir(), 'edgepack-no-such-dir', 'config');
    expect(() => openKube({ context: 'x', namespace: 'n', kubeconfig: missing })).toThrow(
      expect.objectContaining({ code: 'KUBECONFIG_NOT_FOUND', message: expect.stringContaining(missing) }),
    );
  });

  it('KUBE_CONTEXT_NOT_FOUND lists the contexts there are', () => {
    const file = write(kubeconfigYaml('http://127.0.0.1:1', 'kind-local'));
    expect(() => openKube({ context: 'prod', namespace: 'n', kubeconfig: file })).toThrow(
      expect.objectContaining({
        code: 'KUBE_CONTEXT_NOT_FOUND',
        message: expect.stringContaining('its contexts: kind-local'),
      }),
    );
  });

  it('KUBECONFIG: a path list, merged, missing files skipped, the first file to name a context wins', async () => {
    replay = await replayExchange(loadExchange('state-vanished'), 'second');
    const first = write(kubeconfigYaml('http://127.0.0.1:1', 'first'));
    const missing = path.join(os.tmpdir(), 'edgepack-no-such-dir', 'config');
    const saved = process.env['KUBECONFIG'];
    process.env['KUBECONFIG'] = [missing, first, replay.kubeconfig].join(path.delimiter);
    try {
      const kube = openKube({ context: 'second', namespace: 'edgepack' });
      expect((await kube.state(JOB)).phase).toBe('vanished');
      exchangeDone();
    } finally {
      if (saved === undefined) delete process.env['KUBECONFIG'];
      else process.env['KUBECONFIG'] = saved;
    }
  });
});

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
