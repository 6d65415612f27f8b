/** Display helpers: every number the UI shows goes through one of these. */

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Raw-output differences span many orders of magnitude: scientific below 0.001. */
export function formatDiff(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value === 0) return '0';
  return Math.abs(value) < 1e-3 ? value.toExponential(2) : value.toFixed(4);
}

export function formatRate(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${(value * 100).toFixed(1)} %`;
}

export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value >= 1000) return `${(value / 1000).toFixed(1)} s`;
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

export function durationBetween(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const ms = new Date(end).getTime() - new Date(start).getTime();
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

export function formatImgsz(imgsz: number[]): string {
  if (imgsz.length === 0) return '—';
  const [h, w] = imgsz;
  return w !== undefined && w !== h ? `${h} × ${w}` : `${h} × ${h}`;
}

/** Trainer logs carry terminal colour codes (Ultralytics prints them); the UI shows plain text. */
export function stripAnsi(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

const WARNING = 'WARNING: ';

/** The trainer's warnings in an export log (the core writes them as "WARNING: …"), each once, in order. */
export function warningsInLog(log: string[]): string[] {
  return [
    ...new Set(log.filter((l) => l.startsWith(WARNING)).map((l) => stripAnsi(l.slice(WARNING.length)))),
  ];
}
