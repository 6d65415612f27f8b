import { AppError } from '../errors';

export function jobVanished(jobId: string, namespace: string): AppError {
  return new AppError(
    'REMOTE_JOB_VANISHED',
    `The Kubernetes Job edgepack-export-${jobId} is gone from namespace ${namespace} before the export finished (deleted from outside, or its namespace was).`,
    'Nothing of it was kept. Start the export again; if Jobs keep disappearing, ask who cleans up that namespace.',
  );
}

export function jobFailedWithoutCompletion(jobId: string): AppError {
  return new AppError(
    'REMOTE_JOB_FAILED',
    `The Kubernetes Job edgepack-export-${jobId} failed without the trainer reporting why.`,
    `Look at its pod's events and log (kubectl describe job edgepack-export-${jobId}; kubectl logs job/edgepack-export-${jobId}), then export again.`,
  );
}

export function noCompletion(jobId: string): AppError {
  return new AppError(
    'REMOTE_NO_COMPLETION',
    `The Kubernetes Job edgepack-export-${jobId} ended but its trainer never reached the platform with its result.`,
    'Check that pods in that cluster can reach the platform URL (Deploy settings), then export again.',
  );
}

export function platformUnreachable(error: unknown): AppError {
  return new AppError(
    'PLATFORM_UNREACHABLE',
    `The platform stopped answering while the export ran remotely (${(error as Error).message}); its Job was deleted.`,
    'Check the platform URL in the Deploy settings and that the platform is running, then export again.',
    { cause: error },
  );
}
