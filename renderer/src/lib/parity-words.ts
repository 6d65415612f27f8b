import type { ParityMetrics } from '../../../electron/contract';
import { formatRate } from './format';

/** What the parity check records besides the contract's figures (trainers/common/parity.py). */
export interface ParityExtras {
  boxes_reference?: number | null;
  boxes_matched?: number | null;
  image_names?: string[];
  /** A bound the check does not apply (INT8's raw outputs) is written as null. */
  tolerance?: {
    atol?: number | null;
    rtol?: number | null;
    min_box_match?: number | null;
    min_top1?: number | null;
  };
}

type Parity = ParityMetrics & ParityExtras;

/** Whether the raw outputs were held to a tolerance (INT8's are not: it is judged on its final predictions). */
export function rawDiffChecked(parity: Parity): boolean {
  return parity.tolerance?.atol != null;
}

/** A detector's box agreement, or null for a model without boxes (a classifier). */
export function boxMatchFigure(parity: Parity): { value: string; sub: string | undefined } | null {
  const reference = parity.boxes_reference;
  if (parity.box_match == null && reference == null) return null;
  const value = parity.box_match != null ? formatRate(parity.box_match) : reference === 0 ? 'no boxes' : '—';
  const sub =
    reference == null
      ? undefined
      : reference === 0
        ? 'the original found none'
        : `${parity.boxes_matched ?? 0} of ${reference} boxes`;
  return { value, sub };
}

/** The verdict with the bounds that made it, each only when the check applied it. */
export function toleranceNote(parity: Parity): string | null {
  const t = parity.tolerance;
  if (!t || parity.passed === undefined) return null;
  const parts: string[] = [];
  if (t.atol != null) parts.push(`|diff| ≤ ${t.atol} + ${t.rtol ?? 0}·|ref|`);
  if (parity.box_match != null && t.min_box_match != null)
    parts.push(`boxes ≥ ${formatRate(t.min_box_match)}`);
  if (parity.top1_agreement != null && t.min_top1 != null) parts.push(`top-1 ≥ ${formatRate(t.min_top1)}`);
  const verdict = parity.passed ? 'Within tolerance' : 'Outside tolerance';
  const unchecked = rawDiffChecked(parity)
    ? ''
    : ' Raw-output differences are shown, not judged: INT8 is held to its final predictions.';
  return `${verdict}: ${parts.join(', ') || 'no bound applied'}.${unchecked}`;
}

/** What the parity check compares after the raw outputs, in the task's own words. */
export function finalPredictionsWord(task: string | null | undefined): string {
  const words: Record<string, string> = {
    detect: 'final boxes',
    segment: 'final boxes and masks',
    pose: 'final boxes and keypoints',
    obb: 'final rotated boxes',
    classify: 'top-1 and top-5 classes',
  };
  return words[task ?? ''] ?? 'final predictions';
}
