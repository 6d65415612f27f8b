import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { WireTensor } from '../../../native-runtimes/typescript/io-tensors';
import { keepOnnxRuntimeTelemetryOff } from '../../../native-runtimes/typescript/onnxruntime';
import { PREVIEW_SESSION_OPTIONS } from '../../../native-runtimes/typescript/session-options';
import { AppError } from '../errors';

export interface SessionOptions {
  intraOpNumThreads?: number;
}

type Request =
  | { op: 'load'; key: string; path: string; options: SessionOptions }
  | { op: 'run'; key: string; feeds: Record<string, WireTensor> }
  | { op: 'release'; key: string };

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

/*
 * The worker is plain JavaScript evaluated from this string: it then runs unchanged under tsx, vitest and the
 * bundled Electron main process, which each load TypeScript (or not) differently. It only holds onnxruntime
 * sessions by key and runs them; everything else stays on the main thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const sessions = new Map();
const owned = (view) =>
  view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view.buffer : view.slice().buffer;
async function handle(message) {
  if (message.op === 'load') {
    const options = { ...workerData.sessionOptions };
    if (message.options.intraOpNumThreads) options.intraOpNumThreads = message.options.intraOpNumThreads;
    const session = await ort.InferenceSession.create(message.path, options);
    sessions.set(message.key, session);
    return { inputNames: session.inputNames, outputNames: session.outputNames };
  }
  if (message.op === 'release') {
    const session = sessions.get(message.key);
    sessions.delete(message.key);
    if (session) await session.release();
    return { released: Boolean(session) };
  }
  const session = sessions.get(message.key);
  if (!session) throw new Error('no session ' + message.key);
  const feeds = {};
  for (const [name, t] of Object.entries(message.feeds)) {
    const Typed = t.type === 'float16' ? Uint16Array : Float32Array;
    feeds[name] = new ort.Tensor(t.type, new Typed(t.data), t.dims);
  }
  const started = performance.now();
  const results = await session.run(feeds);
  const ms = performance.now() - started;
  const outputs = {};
  const transfer = [];
  for (const [name, tensor] of Object.entries(results)) {
    if (typeof tensor.data === 'string' || Array.isArray(tensor.data)) throw new Error('output ' + name + ' is not numeric');
    const buffer = owned(tensor.data);
    outputs[name] = { type: tensor.type, data: buffer, dims: Array.from(tensor.dims, Number) };
    transfer.push(buffer);
  }
  return { value: { outputs, ms }, transfer };
}
parentPort.on('message', async ({ id, request }) => {
  try {
    const result = await handle(request);
    if (result && result.transfer) parentPort.postMessage({ id, ok: true, value: result.value }, result.transfer);
    else parentPort.postMessage({ id, ok: true, value: result });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: String(error && error.message ? error.message : error) });
  }
});
`;

/** onnxruntime-node on a worker thread, so a long session.run never stalls the process that serves the window. */
export class InferenceWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Runs served, for tests and benchmarks. */
  runs = 0;

  async load(
    key: string,
    path: string,
    options: SessionOptions = {},
  ): Promise<{ inputNames: string[]; outputNames: string[] }> {
    return (await this.call({ op: 'load', key, path, options })) as {
      inputNames: string[];
      outputNames: string[];
    };
  }

  async run(
    key: string,
    feeds: Record<string, WireTensor>,
  ): Promise<{ outputs: Record<string, WireTensor>; ms: number }> {
    const transfer = Object.values(feeds).map((t) => t.data);
    const value = await this.call({ op: 'run', key, feeds }, transfer);
    this.runs++;
    return value as { outputs: Record<string, WireTensor>; ms: number };
  }

  async release(key: string): Promise<void> {
    if (this.worker) await this.call({ op: 'release', key });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    for (const { reject } of this.pending.values()) reject(closedError());
    this.pending.clear();
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    // On this thread: a worker's process.env is its own copy, ONNX Runtime reads the process's environment.
    keepOnnxRuntimeTelemetryOff();
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ortPath, sessionOptions: PREVIEW_SESSION_OPTIONS },
    });
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new Error(reply.message));
    });
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => this.fail(worker, new Error(`the inference worker exited (${code})`)));
    worker.unref();
    return worker;
  }

  /** A crashed worker fails what it was doing; the next call starts a fresh one (sessions are reloaded). */
  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    this.onRestart?.();
  }

  /** Called when the worker died, so whoever caches session keys forgets them. */
  onRestart: (() => void) | null = null;

  private call(request: Request, transfer: ArrayBuffer[] = []): Promise<unknown> {
    this.worker ??= this.start();
    const worker = this.worker;
    const id = this.nextId++;
    // While a call is pending the worker keeps the process alive (a CLI must not exit mid-inference).
    worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, request }, transfer);
    });
  }
}

function closedError(): AppError {
  return new AppError('PREVIEW_CLOSED', 'The preview was closed while it ran.', 'Run it again.');
}
