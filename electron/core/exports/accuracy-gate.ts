/**
 * The accuracy threshold: a format whose accuracy on the person's labelled data drops more than N points below the
 * PyTorch original (latest validation run) is failed on accuracy, and kept out of packages and deploys until the
 * person overrides it; the override is recorded against that run. Packages and deploys call `assertShippable`.
 */
import {
  formatsOverThreshold,
  type AccuracyFailure,
  type AccuracyGate,
  type ExportJob,
} from '../../contract';
import type { AccuracyGateRepo, ValidationsRepo } from '../db';
import { AppError } from '../errors';

export type ShipAction = 'package' | 'deploy';
export type OverrideVia = 'cli' | 'app';

export interface AccuracyGateDeps {
  repo: AccuracyGateRepo;
  validations: ValidationsRepo;
}

const points = (n: number) => `${n} point${n === 1 ? '' : 's'}`;

export function belowThreshold(
  job: ExportJob,
  failures: AccuracyFailure[],
  maxDropPoints: number,
  action: ShipAction,
): AppError {
  const which = failures
    .map((f) => `${f.format} (${f.precision}) is ${points(f.dropPoints)} below the PyTorch original`)
    .join('; ');
  const command = action === 'package' ? `edgepack package ${job.id}` : `edgepack deploy ${job.id}`;
  return new AppError(
    'ACCURACY_BELOW_THRESHOLD',
    `Export v${job.version} (${job.id}) failed on accuracy: ${which}, more than the ${points(maxDropPoints)} the threshold allows. It is kept out of packages and deploys.`,
    `To ${action} it anyway, override (it is recorded): \`${command} --override-accuracy\`, or “Ship anyway” in the app's accuracy table. Or change the threshold (\`edgepack validate ${job.id} --data PATH --max-drop N\`).`,
  );
}

export class AccuracyGateService {
  constructor(private readonly deps: AccuracyGateDeps) {}

  threshold(): { maxDropPoints: number | null } {
    return { maxDropPoints: this.deps.repo.maxDropPoints() };
  }

  setThreshold(maxDropPoints: number | null): { maxDropPoints: number | null } {
    this.deps.repo.setMaxDropPoints(maxDropPoints);
    return this.threshold();
  }

  /** The threshold applied to the export's latest run measured against the original, each failed format with its override if any. */
  gate(exportId: string): AccuracyGate {
    const maxDropPoints = this.deps.repo.maxDropPoints();
    const latest = this.deps.validations
      .list(exportId)
      .find((v) => v.rows.some((r) => r.format === 'pytorch' && r.figures));
    if (!latest) return { maxDropPoints, validationId: null, failures: [] };
    const overrides = this.deps.repo.overrides(latest.id);
    const failures = formatsOverThreshold(latest.rows, maxDropPoints).map((f) => {
      const o = overrides.find((x) => x.format === f.format);
      return { ...f, override: o ? { at: o.createdAt, via: o.via } : null };
    });
    return { maxDropPoints, validationId: latest.id, failures };
  }

  /** Records that the person ships this failed format anyway. */
  override(exportId: string, format: string, via: OverrideVia): AccuracyGate {
    const gate = this.gate(exportId);
    const failure = gate.failures.find((f) => f.format === format);
    if (!failure || gate.maxDropPoints === null || !gate.validationId) {
      const failed = gate.failures.map((f) => f.format).join(', ');
      throw new AppError(
        'ACCURACY_NOT_FAILED',
        `${format} of this export has not failed on accuracy${failed ? ` (${failed} has)` : ''}; there is nothing to override.`,
        'Only a format whose drop is over the threshold in the latest validation needs an override.',
      );
    }
    this.deps.repo.addOverride(exportId, gate.validationId, failure, gate.maxDropPoints, via);
    return this.gate(exportId);
  }

  /**
   * Throws ACCURACY_BELOW_THRESHOLD when one of `formats` failed on accuracy and is not overridden; with `override`,
   * records the override of each such format instead and lets it through.
   */
  assertShippable(job: ExportJob, formats: string[], action: ShipAction, override?: OverrideVia): void {
    const gate = this.gate(job.id);
    const blocking = gate.failures.filter((f) => formats.includes(f.format) && !f.override);
    if (blocking.length === 0 || gate.maxDropPoints === null) return;
    if (!override) throw belowThreshold(job, blocking, gate.maxDropPoints, action);
    for (const f of blocking) this.override(job.id, f.format, override);
  }
}
