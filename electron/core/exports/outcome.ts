import type { AppErrorShape, FormatResult, JobStatus } from '../../contract';
import { reportsDiskFull } from '../errors';
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
  const outcome = readOutcome(exit, cancelled, formats, staging, final);
  if (outcome.kind === 'cancelled') return outcome;
  return {
    ...outcome,
    error: outcome.error && namingDiskFull(outcome.error),
    results: outcome.results.map((r) => (r.error ? { ...r, error: namingDiskFull(r.error) } : r)),
  } as Outcome;
}

/**
 * A trainer that ran out of disk says so in a converter's own words (e.g. EXPORT_FAILED: "OSError: [Errno 28] No
 * space left on device", with a hint about opsets): that is said as DISK_FULL, with what to do about it.
 */
function namingDiskFull(error: AppErrorShape): AppErrorShape {
  if (error.code === 'DISK_FULL' || !reportsDiskFull(error)) return error;
  return {
    code: 'DISK_FULL',
    message: `The disk is full: the export could not write its files (${error.message}).`,
    hint: "Free some space on the disk holding Edgepack's data folder (or set EDGEPACK_HOME to a folder on a disk with room), then start the export again.",
  };
}

function readOutcome(
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
    optimizationStats: parsed.data.optimizationStats ?? null,
  };
}
