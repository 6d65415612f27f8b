/**
 * The bundle zip that goes up with a deployment (the platform offers it among the deployment's downloads): the
 * export's up-to-date bundle package, or a new build. A bundle that cannot be made, or that the platform will not
 * take (an older platform, its size cap), does not stop the deployment: it goes without, and the answer says why.
 */
import fs from 'node:fs';
import type { DeployedBundle, ExportJob } from '../../contract';
import { AppError } from '../errors';
import type { PackagesService } from '../packages/service';

export interface BundleToShip {
  shipped: DeployedBundle;
  bytes: Buffer | null;
}

export async function bundleToShip(
  packages: PackagesService,
  job: ExportJob,
  modelSha256: string,
): Promise<BundleToShip> {
  try {
    const { record, reused } = await packages.currentBundle(job.id, modelSha256);
    return {
      shipped: {
        status: 'uploaded',
        packageId: record.id,
        path: record.path,
        sizeBytes: record.sizeBytes,
        sha256: record.sha256,
        reused,
      },
      bytes: fs.readFileSync(record.path),
    };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { shipped: skipped(error, 'The bundle zip could not be built'), bytes: null };
  }
}

/**
 * Whether the platform refused the upload because of its bundle part: its own BUNDLE_* codes, or, from a platform
 * older than the bundle download, the unknown "bundle" field or one file too many (BODY_TOO_LARGE).
 */
export function refusedBundle(error: unknown): error is AppError {
  if (!(error instanceof AppError)) return false;
  return (
    error.code.startsWith('BUNDLE_') ||
    error.code === 'BODY_TOO_LARGE' ||
    (error.code === 'INVALID_REQUEST' && error.message.includes('"bundle"'))
  );
}

export function skipped(error: AppError, why: string): DeployedBundle {
  return {
    status: 'skipped',
    code: error.code,
    message: `${why}, so the deployment has none: ${error.message}`,
    hint: error.hint,
  };
}
