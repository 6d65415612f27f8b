import type { AppErrorShape, FormatResult, JobStatus } from '../../contract';
import type { TrainerExit } from '../toolchain';
import { failureFor } from './reasons';
import { exportResultSchema, jobErrorFor, jobStatusFor, relocate, toFormatResults } from './results';

export type Outcome =
  | { kind: 'cancelled' }
  | { kind: 'failed'; error: AppErrorShape; results: FormatResult[] }
  | {
      kind: 'produced';
      status: Exclude<JobStatus, 'pending' | 'running' | 'cancelled'>;
      results: FormatResult[];
      error: AppErrorShape | null;
      /** metadata.json where it will be once the staging folder is moved into place. */
      metadataPath: string | null;
      optimizationStats: Record<string, unknown> | null;
    };

/**
 * What a trainer's exit means for its job. A result is trusted for its per-format outcome (a trainer whose every
 * format failed exits non-zero after its result); a signal means the run was cut short, result or not.
 */
export function outcomeOf(
  exit: TrainerExit,
  cancelled: boolean,
  formats: string[],
  staging: string,
  final: string,
): Outcome {
  if (cancelled || exit.cancelled) return { kind: 'cancelled' };
  if (exit.signal || !exit.result) return { kind: 'failed', error: failureFor(exit), results: [] };
  const parsed = exportResultSchema.safeParse(exit.result);
  if (!parsed.success) {
    return {
      kind: 'failed',
      results: [],
      error: {
        code: 'TRAINER_PROTOCOL',
        message: `The trainer's result could not be read: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
        hint: 'This is a bug in the trainer; the export log has its output.',
      },
    };
  }
  const results = toFormatResults(parsed.data, formats, staging, final);
  const status = exit.code === 0 ? jobStatusFor(results) : 'failed';
  if (status === 'failed') {
    // Nothing usable is kept, so no result keeps a path into a folder that will not exist.
    const kept = results.map((r) => ({ ...r, path: null }));
    return { kind: 'failed', results: kept, error: exit.error ?? jobErrorFor(results) ?? failureFor(exit) };
  }
  return {
    kind: 'produced',
    status,
    results,
    error: jobErrorFor(results),
    metadataPath: relocate(parsed.data.metadata, staging, final),
    optimizationStats: parsed.data.optimization_stats ?? null,
  };
}
