/**
 * Real services for the platform's integration tests, all on loopback: PostgreSQL schemas and Redis key prefixes
 * made per test run (and dropped after), moto's S3 server and tritonserver from the platform venv, and a TCP proxy
 * that can "take Redis down".
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { toolchainEnvPath } from '../../tests/support/toolchain';
// @ts-expect-error -- plain ESM helper without types
import { CI_MARKERS } from '../../tests/support/onnxruntime-telemetry.mjs';
import { freePort } from './harness';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const POSTGRES_URL =
  process.env.PLATFORM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.PLATFORM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The platform's Python tool environment (created on first use by platform/scripts/setup-venv.mjs). */
export function platformPython(): string {
  const r = spawnSync(process.execPath, [path.join(repo, 'platform', 'scripts', 'setup-venv.mjs')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error('Could not create the platform venv (see the log above).');
  return r.stdout.trim().split('\n').pop()!;
}

export function runPython(
  python: string,
  script: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): string {
  const r = spawnSync(python, ['-c', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

export interface PgSchema {
  url: string;
  schema: string;
  drop(): Promise<void>;
}

export async function createPgSchema(): Promise<PgSchema> {
  const schema = `platform_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  return {
    url: POSTGRES_URL,
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

export interface RedisNamespace {
  prefix: string;
  drop(): Promise<void>;
}

export function createRedisPrefix(): RedisNamespace {
  const prefix = `edgepack-test:${randomBytes(6).toString('hex')}:`;
  return {
    prefix,
    async drop() {
      const redis = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}

/** A TCP proxy to host:port that can be closed (connections cut, new ones refused) and reopened on the same port. */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    if (!this.port) this.port = await freePort();
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

export interface ChildService {
  url: string;
  child: ChildProcess;
  logs(): string;
  stop(): Promise<void>;
}

async function waitFor(
  url: string,
  child: ChildProcess,
  logs: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url} exited (${child.exitCode}):\n${logs()}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up in ${timeoutMs} ms:\n${logs()}`);
}

function startChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; logs: () => string } {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  return { child, logs: () => output };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** moto's S3 server on a free loopback port. */
export async function startMoto(python: string): Promise<ChildService> {
  const port = await freePort();
  const { child, logs } = startChild(
    path.join(path.dirname(python), 'moto_server'),
    ['-H', '127.0.0.1', '-p', String(port)],
    {},
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/moto-api/`, child, logs, 30_000);
  return { url, child, logs, stop: () => stopChild(child) };
}

/**
 * The tritonserver nvidia-pytriton bundles, with only its Python backend, serving `repositoryDir` in explicit
 * model-control mode on a free loopback port. `cpus` pins it and its model processes (`taskset -c`), as a pod of its
 * own would have its own cores.
 */
export async function startTriton(
  python: string,
  repositoryDir: string,
  options: { cpus?: string } = {},
): Promise<ChildService & { backendDir: string; home: string }> {
  const venv = path.dirname(path.dirname(python));
  const site = (await fs.readdir(path.join(venv, 'lib')))[0]!;
  const packages = path.join(venv, 'lib', site, 'site-packages');
  const bundle = path.join(packages, 'pytriton', 'tritonserver');
  const version = site.replace('python', '');
  // Triton looks for the Python backend and its stub side by side, as pytriton arranges them at run time.
  const backendDir = await fs.mkdtemp(path.join(os.tmpdir(), 'triton-backends-'));
  await fs.mkdir(path.join(backendDir, 'python'));
  for (const file of ['libtriton_python.so', 'triton_python_backend_utils.py']) {
    await fs.copyFile(path.join(bundle, 'backends', 'python', file), path.join(backendDir, 'python', file));
  }
  await fs.copyFile(
    path.join(bundle, 'python_backend_stubs', version, 'triton_python_backend_stub'),
    path.join(backendDir, 'python', 'triton_python_backend_stub'),
  );
  await fs.chmod(path.join(backendDir, 'python', 'triton_python_backend_stub'), 0o755);
  // Its own HOME, so a test can see what the server and its models leave there (ONNX Runtime's telemetry would).
  const home = path.join(backendDir, 'home');
  await fs.mkdir(home);
  const port = await freePort();
  const server = path.join(bundle, 'bin', 'tritonserver');
  const { child, logs } = startChild(
    options.cpus ? 'taskset' : server,
    [
      ...(options.cpus ? ['-c', options.cpus, server] : []),
      `--model-repository=${repositoryDir}`,
      `--backend-directory=${backendDir}`,
      '--model-control-mode=explicit',
      `--http-port=${port}`,
      '--http-address=127.0.0.1',
      '--allow-grpc=false',
      '--allow-metrics=false',
      '--log-verbose=0',
    ],
    {
      PATH: `${path.join(venv, 'bin')}:${process.env.PATH}`,
      LD_LIBRARY_PATH: path.join(packages, 'nvidia_pytriton.libs'),
      EDGEPACK_ORT_THREADS: '1',
      HOME: home,
      // As an operator's server starts, not as on CI (where ONNX Runtime keeps its telemetry quiet anyway): only the
      // model's own code (python_backend_model.py) turns telemetry off.
      ORT_DISABLE_TELEMETRY: undefined,
      ...Object.fromEntries((CI_MARKERS as string[]).map((name) => [name, undefined])),
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/v2/health/ready`, child, logs, 60_000);
  return {
    url,
    child,
    logs,
    backendDir,
    home,
    async stop() {
      await stopChild(child);
      await fs.rm(backendDir, { recursive: true, force: true });
    },
  };
}

export interface ExportedPackage {
  dir: string;
  onnx: Buffer;
  metadata: unknown;
  metadataText: string;
}

/**
 * model.onnx + metadata.json exported from a fixture checkpoint by the app's own CLI (`edgepack export`), cached
 * under .cache/platform-fixtures by the checkpoint's content so later runs reuse it.
 */
export async function exportedPackage(
  task: 'detect' | 'segment' | 'classify' | 'pose' = 'detect',
): Promise<ExportedPackage> {
  return exportCheckpoint(path.join(repo, 'tests', 'fixtures', 'models', `${task}.pt`), task);
}

/** Any checkpoint through `edgepack export --format onnx [extra…]`, cached by its content and the options. */
export async function exportCheckpoint(
  checkpoint: string,
  label: string,
  extra: string[] = [],
): Promise<ExportedPackage> {
  const bytes = await fs.readFile(checkpoint);
  const hash = createHash('sha256').update(bytes).update(extra.join(' ')).digest('hex').slice(0, 16);
  const dir = path.join(repo, '.cache', 'platform-fixtures', `${label}-${hash}`);
  const done = path.join(dir, 'metadata.json');
  if (
    !(await fs.access(done).then(
      () => true,
      () => false,
    ))
  ) {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'edgepack-platform-export-'));
    const staging = `${dir}.partial`;
    await fs.rm(staging, { recursive: true, force: true });
    const r = spawnSync(
      process.execPath,
      [
        path.join(repo, 'bin', 'edgepack.mjs'),
        'export',
        checkpoint,
        '--format',
        'onnx',
        ...extra,
        '--out',
        staging,
        '--json',
      ],
      {
        cwd: repo,
        // A fresh data folder, but the toolchain environment already made (the tests' globalSetup, or doctor).
        env: { ...process.env, EDGEPACK_HOME: home, EDGEPACK_TOOLCHAINS: toolchainsDir() },
        encoding: 'utf8',
        timeout: 600_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    await fs.rm(home, { recursive: true, force: true });
    if (r.status !== 0)
      throw new Error(
        `edgepack export ${path.basename(checkpoint)} failed (exit ${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`,
      );
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(staging, dir);
  }
  const metadataText = await fs.readFile(done, 'utf8');
  return {
    dir,
    onnx: await fs.readFile(path.join(dir, 'model.onnx')),
    metadata: JSON.parse(metadataText),
    metadataText,
  };
}

/**
 * model.onnx exported by Ultralytics itself (`YOLO(pt).export(format="onnx")`, names/imgsz/task in its ONNX metadata,
 * no metadata.json), cached like exportedPackage.
 */
export async function ultralyticsOnnx(task: 'detect' | 'segment' | 'pose'): Promise<ExportedPackage> {
  const checkpoint = path.join(repo, 'tests', 'fixtures', 'models', `${task}.pt`);
  const hash = createHash('sha256')
    .update(await fs.readFile(checkpoint))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(repo, '.cache', 'platform-fixtures', `ultralytics-${task}-${hash}`);
  const model = path.join(dir, 'model.onnx');
  if (
    !(await fs.access(model).then(
      () => true,
      () => false,
    ))
  ) {
    await fs.mkdir(dir, { recursive: true });
    const script = `
import shutil, sys
from ultralytics import YOLO
shutil.move(YOLO(sys.argv[1]).export(format="onnx", verbose=False), sys.argv[2])`;
    const staging = `${model}.partial`;
    const workdir = await fs.mkdtemp(path.join(os.tmpdir(), 'ultralytics-export-'));
    await fs.copyFile(checkpoint, path.join(workdir, `${task}.pt`));
    runPython(toolchainPython(), script, [path.join(workdir, `${task}.pt`), staging], ultralyticsEnv());
    await fs.rm(workdir, { recursive: true, force: true });
    await fs.rename(staging, model);
  }
  return { dir, onnx: await fs.readFile(model), metadata: undefined, metadataText: '' };
}

/** Ultralytics' offline settings: no downloads, no pip, its own config folder. */
export function ultralyticsEnv(): NodeJS.ProcessEnv {
  return {
    YOLO_OFFLINE: 'true',
    YOLO_AUTOINSTALL: 'false',
    ULTRALYTICS_SKIP_REQUIREMENTS_CHECKS: '1',
    YOLO_CONFIG_DIR: path.join(repo, '.cache', 'ultralytics-config'),
  };
}

/** The trainers' toolchain interpreter (torch + Ultralytics) the integration setup prepared. */
function toolchainsDir(): string {
  return process.env.EDGEPACK_TOOLCHAINS ?? path.dirname(toolchainEnvPath());
}

export function toolchainPython(): string {
  const python = process.env.EDGEPACK_TEST_PYTHON;
  if (!python)
    throw new Error(
      'EDGEPACK_TEST_PYTHON is not set: run these tests through the integration project (its globalSetup prepares the toolchain).',
    );
  return python;
}
