import { performance } from 'node:perf_hooks';

/** One finished call of a closed loop: what it returned, how long it took, when it started (ms into the run). */
export interface Timed<T> {
  value: T;
  latencyMs: number;
  sentAt: number;
}

/** Closed loop: `concurrency` callers, each starting its next call when the previous one returned, for `seconds`. */
export async function closedLoopOf<T>(
  call: () => Promise<T>,
  concurrency: number,
  seconds: number,
): Promise<{ calls: Timed<T>[]; durationMs: number }> {
  const calls: Timed<T>[] = [];
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const value = await call();
        calls.push({ value, latencyMs: performance.now() - sent, sentAt: sent - start });
      }
    }),
  );
  return { calls, durationMs: performance.now() - start };
}
