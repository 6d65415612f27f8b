import type { AccuracyGate } from '../contract';
import { AppError } from '../core';

export const OVERRIDE_HELP =
  'ship formats that failed on accuracy (drop over the threshold) anyway; the override is recorded';

/** The formats failed on accuracy, one line each ('' when none did). */
export function gateText(gate: AccuracyGate): string {
  if (gate.maxDropPoints === null || gate.failures.length === 0) return '';
  const lines = gate.failures.map((f) => {
    const overridden = f.override
      ? ` — overridden ${f.override.at} (${f.override.via})`
      : ' — kept out of packages and deploys';
    return `  ${f.format} ${f.precision}: ${f.dropPoints} points below the PyTorch original${overridden}`;
  });
  return [`Failed on accuracy (threshold: a drop of more than ${gate.maxDropPoints} points):`, ...lines].join(
    '\n',
  );
}

/** `--max-drop N` (points, ≥ 0) or `off`: the threshold to store. */
export function parseMaxDrop(text: string): number | null {
  if (text.trim().toLowerCase() === 'off') return null;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new AppError(
      'INVALID_MAX_DROP',
      `--max-drop ${text} is not a number of points between 0 and 100.`,
      'Give e.g. --max-drop 2 (fail a format that loses more than 2 points of mAP, top-1 for classify), or --max-drop off.',
    );
  }
  return n;
}
