import { AppError } from '../errors';
import type { CreateExport } from './service';

/** What a remote Job asks of its cluster unless the target says otherwise. */
export const REMOTE_DEFAULTS = {
  resources: { cpu: '2', memory: '4Gi' },
  activeDeadlineSeconds: 3600,
  ttlSecondsAfterFinished: 600,
};

/**
 * Options that need this computer's files or sandbox cannot go to a cluster (yet): each is refused by name before
 * anything is created, with what to do instead.
 */
export function refuseRemoteOptions(
  request: CreateExport,
  on: string,
  trustedAtAdd: boolean,
  remoteAvailable: boolean,
): void {
  if (!remoteAvailable) {
    throw new AppError(
      'REMOTE_NOT_AVAILABLE',
      `This Edgepack cannot run exports on remote targets, so --on ${on} was refused.`,
      'Export without --on to run it on this computer.',
    );
  }
  const local = (what: string, option: string) =>
    new AppError(
      'REMOTE_OPTION_UNSUPPORTED',
      `${what} stays on this computer, so an export with ${option} cannot run on ${on}.`,
      `Export without ${option} on ${on}, or without --on to run it here.`,
    );
  if (request.validationData) throw local('The labelled dataset for --validate', '--validate');
  if (request.optimizationConfig.calibDir) throw local('The calibration folder', '--calib');
  if (request.trustUnsafe || trustedAtAdd) {
    throw new AppError(
      'REMOTE_OPTION_UNSUPPORTED',
      `This checkpoint needs more than the restricted loader allows; trusted loads run only on this computer, in its sandbox, so it cannot run on ${on}.`,
      'Export it without --on.',
    );
  }
}
