import { performance } from 'node:perf_hooks';
import { ownCpuMs } from './cpu';

export interface DirectRun {
  latencies: number[];
  durationMs: number;
  /** This process's CPU time (all threads) during the run. */
  cpuMs: number;
}

/** Closed loop in-process: `concurrency` callers, each starting its next call when the previous one returned. */
export async function closedLoopCalls(
  once: () => Promise<void>,
  concurrency: number,
  seconds: number,
): Promise<DirectRun> {
  const latencies: number[] = [];
  const cpu = ownCpuMs();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await once();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, durationMs: performance.now() - start, cpuMs: ownCpuMs() - cpu };
}
