import type { WireTensor } from '../../../native-runtimes/typescript/io-tensors';
import { AppError } from '../errors';
import type { InferenceWorker, SessionOptions } from './inference-worker';

export interface SessionCacheOptions {
  /** A session nobody used for this long is released. */
  idleMs?: number;
  /** At most this many sessions stay loaded; the least recently used idle one goes first. */
  maxSessions?: number;
  sessionOptions?: SessionOptions;
}

interface Entry {
  key: string;
  path: string;
  loading: Promise<void>;
  users: number;
  lastUsed: number;
  timer: NodeJS.Timeout | null;
}

/**
 * onnxruntime sessions, one per model file version (the key changes when the file does), loaded on first use and
 * released when unused for a while, when too many are open, or when asked.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly idleMs: number;
  private readonly maxSessions: number;

  constructor(
    private readonly worker: InferenceWorker,
    private readonly options: SessionCacheOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 120_000;
    this.maxSessions = options.maxSessions ?? 4;
    worker.onRestart = () => this.forgetAll();
  }

  /** Keys of the sessions loaded (or loading) now. */
  loaded(): string[] {
    return [...this.entries.keys()];
  }

  async run(
    key: string,
    path: string,
    feeds: Record<string, WireTensor>,
  ): Promise<{ outputs: Record<string, WireTensor>; ms: number; loadMs: number }> {
    const entry = this.acquire(key, path);
    try {
      const waiting = performance.now();
      await entry.loading;
      const loadMs = performance.now() - waiting;
      return { ...(await this.worker.run(key, feeds)), loadMs };
    } finally {
      this.releaseUse(entry);
    }
  }

  /** Releases every session of this model file (whatever its version), unless one is running now. */
  async releasePath(path: string): Promise<boolean> {
    const idle = [...this.entries.values()].filter((e) => e.path === path && e.users === 0);
    await Promise.all(idle.map((e) => this.drop(e)));
    return idle.length > 0;
  }

  async close(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => this.drop(e)));
  }

  private acquire(key: string, path: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, path, loading: Promise.resolve(), users: 0, lastUsed: Date.now(), timer: null };
      const created = entry;
      entry.loading = this.worker
        .load(key, path, this.options.sessionOptions)
        .then(() => undefined)
        .catch((error: Error) => {
          this.entries.delete(key);
          throw loadFailed(path, error);
        });
      this.entries.set(key, entry);
      void this.evictBeyondLimit(created);
    }
    entry.users++;
    entry.lastUsed = Date.now();
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    return entry;
  }

  private releaseUse(entry: Entry): void {
    entry.users--;
    entry.lastUsed = Date.now();
    if (entry.users > 0 || this.entries.get(entry.key) !== entry) return;
    entry.timer = setTimeout(() => void this.drop(entry), this.idleMs);
    entry.timer.unref();
  }

  private async evictBeyondLimit(keep: Entry): Promise<void> {
    const idle = [...this.entries.values()]
      .filter((e) => e !== keep && e.users === 0)
      .sort((a, b) => a.lastUsed - b.lastUsed);
    while (this.entries.size > this.maxSessions && idle.length > 0) await this.drop(idle.shift()!);
  }

  private async drop(entry: Entry): Promise<void> {
    if (entry.timer) clearTimeout(entry.timer);
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    await entry.loading.catch(() => undefined);
    await this.worker.release(entry.key).catch(() => undefined);
  }

  private forgetAll(): void {
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer);
    this.entries.clear();
  }
}

function loadFailed(path: string, error: Error): AppError {
  return new AppError(
    'MODEL_LOAD_FAILED',
    `onnxruntime could not load ${path}: ${error.message}`,
    'The file may be damaged or use operators this onnxruntime does not have; export it again (opset 11–21).',
  );
}
