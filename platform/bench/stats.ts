export interface LatencySummary {
  count: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(latenciesMs: readonly number[], durationMs: number): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    rps: sorted.length / (durationMs / 1000),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
  };
}

/**
 * 95 % interval of p50(b) − p50(a) by bootstrap (resampling each side with replacement, fixed seed). Closed-loop
 * latencies are correlated, which makes this interval narrower than the truth: a conservative test of "≤ x".
 */
export function p50DifferenceInterval(
  a: readonly number[],
  b: readonly number[],
  rounds = 2000,
): [number, number] {
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const resampledP50 = (xs: readonly number[]) => {
    const sample = Array.from({ length: xs.length }, () => xs[Math.floor(random() * xs.length)]!);
    return percentile(
      sample.sort((x, y) => x - y),
      50,
    );
  };
  const differences = Array.from({ length: rounds }, () => resampledP50(b) - resampledP50(a)).sort(
    (x, y) => x - y,
  );
  return [percentile(differences, 2.5), percentile(differences, 97.5)];
}
