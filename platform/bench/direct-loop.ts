import { closedLoopOf } from './closed-loop';
import { ownCpuMs } from './cpu';

export interface DirectRun {
  latencies: number[];
  durationMs: number;
  /** This process's CPU time (all threads) during the run. */
  cpuMs: number;
}

/** The direct side's closed loop, in-process, with this process's CPU time over the run. */
export async function closedLoopCalls(
  once: () => Promise<void>,
  concurrency: number,
  seconds: number,
): Promise<DirectRun> {
  const cpu = ownCpuMs();
  const { calls, durationMs } = await closedLoopOf(once, concurrency, seconds);
  return { latencies: calls.map((c) => c.latencyMs), durationMs, cpuMs: ownCpuMs() - cpu };
}
