import { z } from 'zod';
import type { AppErrorShape } from '../../contract';

/**
 * The trainer's JSON-lines protocol (DESIGN.md): one JSON object per stdout line with an `event` field.
 * Anything that is not a well-formed event is a plain log line, never an error.
 */
const progressEvent = z.looseObject({
  event: z.literal('progress'),
  stage: z.string(),
  fraction: z.number(),
  message: z.string().optional(),
});
const logEvent = z.looseObject({
  event: z.literal('log'),
  message: z.string(),
  level: z.string().optional(),
  source: z.string().optional(),
});
const artifactEvent = z.looseObject({
  event: z.literal('artifact'),
  format: z.string(),
  path: z.string(),
  bytes: z.number().nullable().optional(),
  kind: z.string().optional(),
});
const resultEvent = z.looseObject({ event: z.literal('result') });
const errorEvent = z.looseObject({
  event: z.literal('error'),
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
const trainerEvent = z.discriminatedUnion('event', [
  progressEvent,
  logEvent,
  artifactEvent,
  resultEvent,
  errorEvent,
]);

export type TrainerEvent = z.infer<typeof trainerEvent>;
export type ProgressEvent = z.infer<typeof progressEvent>;
export type ErrorEvent = z.infer<typeof errorEvent>;
export type ResultEvent = z.infer<typeof resultEvent>;

export type ParsedLine = { kind: 'event'; event: TrainerEvent } | { kind: 'text'; line: string };

export function parseTrainerLine(line: string): ParsedLine {
  const text = line.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return { kind: 'text', line };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'text', line };
  }
  const parsed = trainerEvent.safeParse(json);
  return parsed.success ? { kind: 'event', event: parsed.data } : { kind: 'text', line };
}

export function errorFromEvent(event: ErrorEvent): AppErrorShape {
  return { code: event.code, message: event.message, hint: event.hint ?? '' };
}

/** A line for the job's log, readable by a person (the raw JSON is not). */
export function logLineFor(parsed: ParsedLine): string {
  return stripAnsi(renderLine(parsed));
}

function renderLine(parsed: ParsedLine): string {
  if (parsed.kind === 'text') return parsed.line;
  const e = parsed.event;
  switch (e.event) {
    case 'progress':
      return `» ${e.stage} ${Math.round(e.fraction * 100)}%${e.message ? ` — ${e.message}` : ''}`;
    case 'log':
      return e.level && e.level !== 'info' ? `${e.level.toUpperCase()}: ${e.message}` : e.message;
    case 'artifact':
      return `artifact ${e.format}: ${e.path}${typeof e.bytes === 'number' ? ` (${formatBytes(e.bytes)})` : ''}`;
    case 'result':
      return 'result received';
    case 'error':
      return `ERROR ${e.code}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`;
  }
}

// Terminal colour codes (Ultralytics colours its banners) mean nothing in a stored log.
const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*[A-Za-z]', 'g');
export const stripAnsi = (text: string): string => text.replace(ANSI, '');

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Splits a byte stream into lines across chunk boundaries (\n or \r\n). */
export class LineSplitter {
  private pending = '';

  push(chunk: string): string[] {
    const text = this.pending + chunk;
    const lines = text.split(/\r?\n/);
    this.pending = lines.pop() ?? '';
    return lines;
  }

  end(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest ? [rest] : [];
  }
}
