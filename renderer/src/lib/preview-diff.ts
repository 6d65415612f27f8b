import { isDetection, type PreviewResult } from '../../../electron/contract';

export interface PreviewDifference {
  kind: 'detections' | 'classes';
  /** Pairs found by both models (same class, IoU ≥ 0.5). */
  matched: number;
  /** Indices into each result's predictions that the other model did not find. */
  onlyA: number[];
  onlyB: number[];
  /** Largest and mean confidence change over the matched pairs (classification: over the listed classes). */
  maxConfidenceDelta: number;
  meanConfidenceDelta: number;
  /** Mean IoU of matched boxes (1 for classification). */
  meanIou: number;
  /** Classification: both models rank the same class first. */
  sameTop: boolean | null;
}

export function boxIou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter);
}

/**
 * How two models' results on the same image differ (e.g. an FP32 and an INT8 export): boxes are paired greedily,
 * most confident first, with the same class and IoU ≥ 0.5 — the rule the export parity check uses.
 */
export function compareResults(a: PreviewResult, b: PreviewResult): PreviewDifference {
  if (a.task === 'classify' || b.task === 'classify') {
    const [topA, topB] = [
      a.task === 'classify' ? a.predictions : [],
      b.task === 'classify' ? b.predictions : [],
    ];
    const deltas = topA.map((t) => {
      const other = topB.find((u) => u.class_id === t.class_id);
      return other ? Math.abs(other.confidence - t.confidence) : t.confidence;
    });
    return {
      kind: 'classes',
      matched: topA.filter((t) => topB.some((u) => u.class_id === t.class_id)).length,
      onlyA: topA.flatMap((t, i) => (topB.some((u) => u.class_id === t.class_id) ? [] : [i])),
      onlyB: topB.flatMap((t, i) => (topA.some((u) => u.class_id === t.class_id) ? [] : [i])),
      maxConfidenceDelta: Math.max(0, ...deltas),
      meanConfidenceDelta: deltas.length ? deltas.reduce((s, d) => s + d, 0) / deltas.length : 0,
      meanIou: 1,
      sameTop: (topA[0]?.class_id ?? -1) === (topB[0]?.class_id ?? -1),
    };
  }
  const [detectionsA, detectionsB] = [a.predictions.filter(isDetection), b.predictions.filter(isDetection)];
  const freeB = new Set(detectionsB.keys());
  const onlyA: number[] = [];
  const deltas: number[] = [];
  const ious: number[] = [];
  detectionsA.forEach((p, i) => {
    let best = -1;
    let bestIou = 0.5;
    for (const j of freeB) {
      const q = detectionsB[j]!;
      const overlap = q.class_id === p.class_id ? boxIou(p.bbox, q.bbox) : 0;
      if (overlap >= bestIou) [best, bestIou] = [j, overlap];
    }
    if (best < 0) onlyA.push(i);
    else {
      freeB.delete(best);
      deltas.push(Math.abs(p.confidence - detectionsB[best]!.confidence));
      ious.push(bestIou);
    }
  });
  return {
    kind: 'detections',
    matched: deltas.length,
    onlyA,
    onlyB: [...freeB].sort((x, y) => x - y),
    maxConfidenceDelta: Math.max(0, ...deltas),
    meanConfidenceDelta: deltas.length ? deltas.reduce((s, d) => s + d, 0) / deltas.length : 0,
    meanIou: ious.length ? ious.reduce((s, v) => s + v, 0) / ious.length : 1,
    sameTop: null,
  };
}
