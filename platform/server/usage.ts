import type { PlatformStore } from '../store/platform-store';

interface Pending {
  requests: number;
  inferenceMs: number;
  lastRequestAt: string;
}

/**
 * Usage counters are added up in memory and written every `intervalMs` (and on shutdown), so counting a
 * request never adds a database round trip to its latency.
 */
export class UsageRecorder {
  private pending = new Map<string, Pending>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: PlatformStore,
    private readonly log: (message: string) => void,
    intervalMs = 500,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  record(deploymentId: string, inferenceMs: number): void {
    const entry = this.pending.get(deploymentId);
    const at = new Date().toISOString();
    if (entry) {
      entry.requests++;
      entry.inferenceMs += inferenceMs;
      entry.lastRequestAt = at;
    } else {
      this.pending.set(deploymentId, { requests: 1, inferenceMs, lastRequestAt: at });
    }
  }

  /** Writes everything counted so far; resolves once it is in the database. */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      for (const [id, usage] of batch) {
        try {
          await this.store.addUsage(id, usage.requests, usage.inferenceMs, usage.lastRequestAt);
        } catch (error) {
          this.log(
            `usage: could not record ${usage.requests} request(s) for ${id}: ${(error as Error).message}`,
          );
          this.merge(id, usage);
        }
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private merge(id: string, usage: Pending): void {
    const entry = this.pending.get(id);
    if (!entry) this.pending.set(id, usage);
    else {
      entry.requests += usage.requests;
      entry.inferenceMs += usage.inferenceMs;
    }
  }
}
