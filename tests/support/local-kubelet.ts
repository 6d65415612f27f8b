// Plays the kubelet for the remote-export tests and `npm run bench:remote`: the rendered Job's container — its exact
// command, workingDir and env, the Secret's variables resolved through envFrom — runs as a LOCAL process, with the
// image's paths mapped onto this machine (/app → the repository, `python` → the toolchain's interpreter, /work → a
// temporary folder). No container runtime or cluster is involved; that part is what these tests cannot show.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainerEnv } from '../../electron/core/toolchain/offline-env';

/** The parts of a rendered Secret + Job this reads (structurally the client-node V1Secret / V1Job). */
export interface RenderedLike {
  secret: {
    metadata?: { name?: string };
    stringData?: Record<string, string>;
    data?: Record<string, string>;
  };
  job: {
    metadata?: { name?: string; labels?: Record<string, string> };
    spec?: {
      template: {
        spec?: {
          containers: {
            command?: string[];
            args?: string[];
            workingDir?: string;
            env?: { name: string; value?: string }[];
            envFrom?: { secretRef?: { name?: string } }[];
          }[];
        };
      };
    };
  };
}

export interface LocalContainer {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface PathMapping {
  /** The repository: the image's /app. */
  app: string;
  /** The toolchain interpreter: the image's `python`. */
  python: string;
  /** This pod's emptyDir: the image's /work. */
  work: string;
}

/** The container's command and environment from the rendered objects, with the image's paths mapped. */
export function containerOf(rendered: RenderedLike, mapping: PathMapping): LocalContainer {
  const container = rendered.job.spec?.template.spec?.containers[0];
  if (!container?.command?.length) throw new Error('The rendered Job has no container command.');
  const secretName = rendered.secret.metadata?.name;
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.secretRef?.name !== secretName)
      throw new Error(`envFrom names an unknown Secret ${from.secretRef?.name}`);
    Object.assign(env, rendered.secret.stringData ?? {});
    for (const [k, v] of Object.entries(rendered.secret.data ?? {}))
      env[k] = Buffer.from(v, 'base64').toString();
  }
  // Kubernetes gives `env` precedence over `envFrom`.
  for (const { name, value } of container.env ?? []) env[name] = value ?? '';
  const mapPath = (value: string) =>
    value === '/work' || value.startsWith('/work/')
      ? path.join(mapping.work, value.slice('/work'.length))
      : value === '/app' || value.startsWith('/app/')
        ? path.join(mapping.app, value.slice('/app'.length))
        : value;
  const [command, ...rest] = container.command;
  return {
    command: command === 'python' ? mapping.python : command!,
    args: [...rest, ...(container.args ?? [])].map(mapPath),
    cwd: mapPath(container.workingDir ?? '/'),
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, mapPath(v)])),
  };
}

export interface LocalPod {
  jobId: string;
  child: ChildProcess;
  container: LocalContainer;
  /** stdout: the trainer's JSON lines, as `kubectl logs` would show them. */
  log(): string;
  exited: Promise<number | null>;
  /** When the process exited (performance.now()), for the benchmark's callback latency. */
  exitedAt: number | null;
}

/** Runs rendered Jobs as local processes; `kill` is what deleting the Job does to its pod. */
export class LocalKubelet {
  readonly pods = new Map<string, LocalPod>();
  private readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-kubelet-'));

  constructor(
    private readonly app: string,
    private readonly python: string,
  ) {}

  run(rendered: RenderedLike): LocalPod {
    const jobId = rendered.job.metadata?.labels?.['edgepack.dev/job-id'];
    if (!jobId) throw new Error('The rendered Job has no edgepack.dev/job-id label.');
    const work = fs.mkdtempSync(path.join(this.root, 'work-'));
    const container = containerOf(rendered, { app: this.app, python: this.python, work });
    // What the image's ENV sets (trainers/Dockerfile: Ultralytics offline, no pip index), with its own config folder.
    const imageEnv = trainerEnv(path.join(work, '.ultralytics'), { PATH: process.env['PATH'] ?? '' });
    const child = spawn(container.command, container.args, {
      cwd: container.cwd,
      env: { ...imageEnv, HOME: work, ...container.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      if (process.env['EDGEPACK_TEST_POD_STDERR']) process.stderr.write(d);
    });
    const pod: LocalPod = {
      jobId,
      child,
      container,
      log: () => out,
      exitedAt: null,
      exited: new Promise((resolve) =>
        child.on('close', (code) => {
          pod.exitedAt = performance.now();
          fs.rmSync(work, { recursive: true, force: true });
          resolve(code);
        }),
      ),
    };
    this.pods.set(jobId, pod);
    return pod;
  }

  async kill(jobId: string): Promise<void> {
    const pod = this.pods.get(jobId);
    if (!pod || pod.exitedAt !== null || pod.child.pid === undefined) return;
    try {
      process.kill(-pod.child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await pod.exited;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pods.keys()].map((id) => this.kill(id)));
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
