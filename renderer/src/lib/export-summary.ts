import type { ExportJob, FormatResult } from '../../../electron/contract';
import { formatDiff, formatRate } from './format';

/** One format of a finished export, as the summary table and its bar chart show it. */
export interface SummaryRow {
  format: string;
  status: FormatResult['status'];
  bytes: number | null;
  latencyMs: number | null;
  /** PyTorch's latency on the same inputs over this format's: > 1 is faster than the original. */
  speedup: number | null;
  /** What the parity check found, in the words that fit the model's task. */
  parity: string;
  /** The file (or folder) is there to show or download. */
  hasFile: boolean;
}

interface ParityFigures {
  passed?: boolean;
  max_abs?: number | null;
  box_match?: number | null;
  boxes_reference?: number | null;
  boxes_matched?: number | null;
  top1_agreement?: number | null;
  reference_latency_ms?: number;
}

function parityText(result: FormatResult): string {
  const p = (result.parity ?? null) as ParityFigures | null;
  if (!p) {
    if (result.status === 'failed') return 'not checked (failed)';
    return result.note ? 'checked structurally' : 'not run on this machine';
  }
  const verdict = p.passed ? 'matches' : 'differs';
  if (p.top1_agreement !== undefined && p.top1_agreement !== null)
    return `${verdict}: top-1 ${formatRate(p.top1_agreement)}`;
  if (p.boxes_reference) return `${verdict}: ${p.boxes_matched ?? 0} of ${p.boxes_reference} boxes`;
  return `${verdict}: max diff ${formatDiff(p.max_abs)}`;
}

/** PyTorch's CPU latency as measured in this job (the same for every format; the first one that has it). */
export function referenceLatency(job: ExportJob): number | null {
  for (const result of job.results) {
    const ms = (result.parity as ParityFigures | null)?.reference_latency_ms;
    if (typeof ms === 'number' && ms > 0) return ms;
  }
  return null;
}

export function summaryRows(job: ExportJob): SummaryRow[] {
  const reference = referenceLatency(job);
  return job.results.map((result) => ({
    format: result.format,
    status: result.status,
    bytes: result.bytes,
    latencyMs: result.latencyMs,
    speedup: reference && result.latencyMs ? reference / result.latencyMs : null,
    parity: parityText(result),
    hasFile: Boolean(result.path) && result.status !== 'failed',
  }));
}

/** "3.2× faster" / "1.5× slower" than PyTorch; "—" when either latency is unknown. */
export function formatSpeedup(speedup: number | null): string {
  if (speedup === null) return '—';
  if (speedup >= 1) return `${speedup.toFixed(1)}× faster`;
  return `${(1 / speedup).toFixed(1)}× slower`;
}

/** Bar lengths as fractions of the largest value (a missing value has no bar). */
export function barFractions(values: (number | null)[]): (number | null)[] {
  const largest = Math.max(0, ...values.map((v) => v ?? 0));
  return values.map((v) => (v === null || largest === 0 ? null : v / largest));
}
