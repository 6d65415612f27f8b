import type { RateDecision, RateLimiter } from './types';

interface Log {
  times: number[];
  head: number;
}

/** The in-process sliding-window log: exact for one replica. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly logs = new Map<string, Log>();
  private sweeps = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    return this.hitSync(key, limit, windowMs);
  }

  hitSync(key: string, limit: number, windowMs: number): RateDecision {
    const now = this.now();
    let log = this.logs.get(key);
    if (!log) {
      log = { times: [], head: 0 };
      this.logs.set(key, log);
    }
    while (log.head < log.times.length && log.times[log.head]! <= now - windowMs) log.head++;
    if (log.head > 1024 && log.head * 2 > log.times.length) {
      log.times = log.times.slice(log.head);
      log.head = 0;
    }
    const count = log.times.length - log.head;
    if (++this.sweeps % 10_000 === 0) this.sweep(now, windowMs);
    const allowed = count < limit;
    if (allowed) log.times.push(now);
    const resetMs = log.times[log.head]! + windowMs - now;
    return {
      allowed,
      limit,
      remaining: allowed ? limit - count - 1 : 0,
      retryAfterMs: allowed ? 0 : resetMs,
      resetMs,
    };
  }

  status(): { mode: 'memory'; detail: string } {
    return { mode: 'memory', detail: 'in-process limits (one replica)' };
  }

  async close(): Promise<void> {
    this.logs.clear();
  }

  /** Forgets keys idle for a whole window so memory stays bounded. */
  private sweep(now: number, windowMs: number): void {
    for (const [key, log] of this.logs) {
      const newest = log.times[log.times.length - 1];
      if (newest === undefined || newest <= now - windowMs) this.logs.delete(key);
    }
  }
}
