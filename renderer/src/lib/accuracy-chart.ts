import type { ComparisonRow } from './accuracy';

/** Accuracy against CPU latency: where each format's point, label and the axes' ticks go in the SVG. */
export interface ChartPoint {
  format: string;
  precision: string;
  latencyMs: number;
  accuracy: number;
  x: number;
  y: number;
  /** Where its label starts, and which way it reads (left of the point near the right edge). */
  labelX: number;
  labelY: number;
  anchor: 'start' | 'end';
  failed: boolean;
}

export interface Tick {
  at: number;
  label: string;
}

export interface ChartGeometry {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  points: ChartPoint[];
  xTicks: Tick[];
  yTicks: Tick[];
  /** The PyTorch original's accuracy as a horizontal line (it has no CPU latency of its own here). */
  referenceY: number | null;
}

const MARGIN = { left: 44, top: 12, right: 16, bottom: 34 };
const LABEL_GAP = 7;
const LABEL_HEIGHT = 12;

/** A round step (1, 2 or 5 × 10^k) that cuts `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return step * power;
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let i = 0; from + i * step <= to + step / 1e6; i++) values.push(from + i * step);
  return values;
}

/** Pushes labels apart vertically so two points at the same height still read (top to bottom). */
function separate(points: ChartPoint[]): void {
  const byY = [...points].sort((a, b) => a.labelY - b.labelY);
  byY.forEach((p, i) => {
    const above = byY
      .slice(0, i)
      .filter((q) => q.anchor === p.anchor && Math.abs(q.labelX - p.labelX) < 90)
      .at(-1);
    if (above && p.labelY - above.labelY < LABEL_HEIGHT) p.labelY = above.labelY + LABEL_HEIGHT;
  });
}

/**
 * The geometry of the chart: one point per format/precision with a latency and an accuracy (the PyTorch original
 * as a reference line), latency from 0 on x, accuracy on y over a round range that holds every point.
 */
export function chartGeometry(
  rows: ComparisonRow[],
  failedFormats: readonly string[],
  size = { width: 420, height: 240 },
): ChartGeometry {
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    right: size.width - MARGIN.right,
    bottom: size.height - MARGIN.bottom,
  };
  const measured = rows.filter(
    (r): r is ComparisonRow & { latencyMs: number; accuracy: number } =>
      r.format !== 'pytorch' && r.latencyMs !== null && r.accuracy !== null,
  );
  const reference = rows.find((r) => r.format === 'pytorch')?.accuracy ?? null;
  const accuracies = [...measured.map((r) => r.accuracy), ...(reference === null ? [] : [reference])];
  const xStep = niceStep(Math.max(...measured.map((r) => r.latencyMs), 1e-3), 4);
  const xMax = xStep * Math.max(1, Math.ceil(Math.max(...measured.map((r) => r.latencyMs), 0) / xStep));
  const low = Math.min(...accuracies, 1);
  const high = Math.max(...accuracies, 0);
  const yStep = niceStep(Math.max(high - low, 0.01), 4);
  const yMin = Math.max(0, Math.floor(low / yStep - 0.5) * yStep);
  const yMax = Math.min(1, Math.ceil(high / yStep + 0.5) * yStep);
  const xOf = (ms: number) => plot.left + (ms / xMax) * (plot.right - plot.left);
  const yOf = (a: number) => plot.bottom - ((a - yMin) / (yMax - yMin || 1)) * (plot.bottom - plot.top);
  const middle = (plot.left + plot.right) / 2;
  const points: ChartPoint[] = measured.map((r) => {
    const x = xOf(r.latencyMs);
    const y = yOf(r.accuracy);
    const anchor = x > middle ? 'end' : 'start';
    return {
      format: r.format,
      precision: r.precision,
      latencyMs: r.latencyMs,
      accuracy: r.accuracy,
      x,
      y,
      labelX: anchor === 'start' ? x + LABEL_GAP : x - LABEL_GAP,
      labelY: y + 4,
      anchor,
      failed: failedFormats.includes(r.format),
    };
  });
  separate(points);
  const msLabel = (v: number) => `${Number(v.toPrecision(3))} ms`;
  const pctLabel = (v: number) => `${Number((v * 100).toFixed(1))}%`;
  return {
    width: size.width,
    height: size.height,
    plot,
    points,
    xTicks: range(0, xMax, xStep).map((v) => ({ at: xOf(v), label: msLabel(v) })),
    yTicks: range(yMin, yMax, yStep).map((v) => ({ at: yOf(v), label: pctLabel(v) })),
    referenceY: reference === null ? null : yOf(reference),
  };
}
