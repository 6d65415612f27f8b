import {
  dropPointsOf,
  mainFigure,
  type AccuracyFigures,
  type ExportJob,
  type ExportValidation,
} from '../../../electron/contract';
import { referenceLatency } from './export-summary';

/** One line of an export's comparison table: a model file with its size, CPU latency and accuracy. */
export interface ComparisonRow {
  format: string;
  precision: string;
  bytes: number | null;
  latencyMs: number | null;
  /** PyTorch's latency over this row's (>1: faster than PyTorch), both measured in the export job at batch 1. */
  speedup: number | null;
  /** The figure a row is judged by (0–1): mAP50-95 of masks / keypoints / boxes, or top-1. */
  accuracy: number | null;
  /** Its drop against the PyTorch original (FP32) on the same data, in points (negative: worse). */
  dropPoints: number | null;
  partial: boolean;
  error: string | null;
}

/** What the accuracy column measures for this task's figures. */
export function accuracyLabel(figures: AccuracyFigures | null | undefined): string {
  if (!figures) return 'Accuracy';
  if (figures.top1 !== undefined) return 'Top-1';
  if (figures.mask) return 'Mask mAP50-95';
  if (figures.keypoints) return 'Pose mAP50-95';
  return 'Box mAP50-95';
}

/**
 * The table a person reads before shipping: the PyTorch original first, then each validated format with the size and
 * CPU latency its export measured, and its accuracy against the original's.
 */
export function comparisonRows(job: ExportJob, validation: ExportValidation): ComparisonRow[] {
  const reference = referenceLatency(job);
  return validation.rows.map((row) => {
    const result = job.results.find((r) => r.format === row.format);
    const drop = dropPointsOf(row, validation.rows);
    const latencyMs = row.format === 'pytorch' ? reference : (result?.latencyMs ?? null);
    return {
      format: row.format,
      precision: row.precision,
      bytes: result?.bytes ?? null,
      latencyMs,
      speedup: reference && latencyMs ? reference / latencyMs : null,
      accuracy: mainFigure(row.figures),
      dropPoints: drop === null ? null : 0 - drop,
      partial: row.partial,
      error: row.error,
    };
  });
}
