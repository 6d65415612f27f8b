import path from 'node:path';
import { z } from 'zod';
import type { AppErrorShape, CalibrationRecord, FormatResult, JobStatus } from '../../contract';
import { fromPython } from '../toolchain/names';

/** One format's entry in the trainer's result, in TypeScript's names (`latency_ms` arrives as `latencyMs`). */
const formatEntry = z.looseObject({
  status: z.string().optional(),
  path: z.string().nullable().optional(),
  bytes: z.number().nullable().optional(),
  parity: z.record(z.string(), z.unknown()).nullable().optional(),
  latencyMs: z.number().nullable().optional(),
  durationMs: z.number().nullable().optional(),
  error: z
    .union([
      z.string(),
      z.looseObject({ code: z.string(), message: z.string(), hint: z.string().optional() }),
    ])
    .nullable()
    .optional(),
  note: z.string().nullable().optional(),
  calibration: z
    .looseObject({
      images: z.number(),
      source: z.string(),
      samplePhotos: z.boolean().optional(),
      warning: z.string().nullable().optional(),
      method: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});

/**
 * The trainer's export result, {"event":"result","formats":{"onnx":{…}},"metadata":"<path>"}, read through the one
 * Python ⇄ TypeScript boundary (toolchain/names.ts): snake_case in, camelCase out, parity figures as they are.
 */
export const exportResultSchema = fromPython(
  z.looseObject({
    formats: z.record(z.string(), formatEntry),
    metadata: z.string().nullable().optional(),
    optimizationStats: z.record(z.string(), z.unknown()).nullable().optional(),
  }),
);
export type ExportResult = z.infer<typeof exportResultSchema>;

const STATUSES = new Set<FormatResult['status']>([
  'passed',
  'failed_parity',
  'failed',
  'deferred',
  'not_runnable',
]);
/** Statuses whose artifact is fit to use as it is. */
const GOOD = new Set<FormatResult['status']>(['passed', 'deferred', 'not_runnable']);

/** Rewrites a path the trainer reported inside the staging folder to where it lives once moved into place. */
export function relocate(reported: string | null | undefined, staging: string, final: string): string | null {
  if (!reported) return null;
  const absolute = path.resolve(staging, reported);
  const relative = path.relative(staging, absolute);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return absolute;
  return path.join(final, relative);
}

/**
 * A log line as it reads once the export is in place: paths inside the staging folder (the trainer's `artifact`
 * lines, its own messages) name where the files are moved to, so no line points at a folder that is about to vanish.
 */
export function relocateInLine(line: string, staging: string, final: string): string {
  const inside = staging.endsWith(path.sep) ? staging : staging + path.sep;
  return line.split(inside).join(final + path.sep);
}

/** One FormatResult per requested format, in the order asked; a format the trainer did not report has failed. */
export function toFormatResults(
  result: ExportResult,
  requested: string[],
  staging: string,
  final: string,
): FormatResult[] {
  return requested.map((format) => {
    const entry = result.formats[format];
    if (!entry) {
      return {
        format,
        status: 'failed',
        path: null,
        bytes: null,
        parity: null,
        latencyMs: null,
        durationMs: null,
        error: {
          code: 'FORMAT_NOT_REPORTED',
          message: `The trainer reported no result for ${format}.`,
          hint: 'See the export log.',
        },
        note: null,
        calibration: null,
      };
    }
    const status = STATUSES.has(entry.status as FormatResult['status'])
      ? (entry.status as FormatResult['status'])
      : 'failed';
    return {
      format,
      status,
      path: relocate(entry.path, staging, final),
      bytes: typeof entry.bytes === 'number' ? Math.round(entry.bytes) : null,
      parity: entry.parity ?? null,
      latencyMs: entry.latencyMs ?? null,
      durationMs: entry.durationMs ?? null,
      error: toError(entry.error, format),
      note: entry.note ?? null,
      calibration: toCalibration(entry.calibration),
    };
  });
}

function toCalibration(record: z.infer<typeof formatEntry>['calibration']): CalibrationRecord | null {
  if (!record) return null;
  return {
    images: Math.round(record.images),
    source: record.source,
    samplePhotos: record.samplePhotos ?? false,
    warning: record.warning ?? null,
    method: record.method ?? null,
  };
}

function toError(error: z.infer<typeof formatEntry>['error'], format: string): AppErrorShape | null {
  if (!error) return null;
  if (typeof error === 'string') return { code: 'EXPORT_FAILED', message: `${format}: ${error}`, hint: '' };
  return { code: error.code, message: error.message, hint: error.hint ?? '' };
}

/** completed: every format good; failed: nothing usable was produced; partial: anything in between. */
export function jobStatusFor(
  results: FormatResult[],
): Extract<JobStatus, 'completed' | 'partial' | 'failed'> {
  if (results.length > 0 && results.every((r) => GOOD.has(r.status))) return 'completed';
  if (results.some((r) => r.path && r.status !== 'failed')) return 'partial';
  return 'failed';
}

/** The job-level error for a partial or failed job: the first format's own error, or its parity failure. */
export function jobErrorFor(results: FormatResult[]): AppErrorShape | null {
  const bad = results.find((r) => !GOOD.has(r.status));
  if (!bad) return null;
  if (bad.error) return bad.error;
  if (bad.status === 'failed_parity') {
    return {
      code: 'PARITY_FAILED',
      message: `The ${bad.format} export does not match the original model closely enough.`,
      hint: 'See its parity figures; try exporting without FP16/INT8, or with another opset.',
    };
  }
  return { code: 'EXPORT_FAILED', message: `The ${bad.format} export failed.`, hint: 'See the export log.' };
}
