import { AppError } from '../errors';
import { callPlatform } from '../deploy/platform-client';

/** What registering a remote export returns: the callback token is shown once (it goes into the Job's Secret). */
export interface RegisteredRemoteExport {
  /** The platform's id for the job (in the callback URLs; used to poll and forget). */
  id: string;
  callbackToken: string;
  progressUrl: string;
  completionUrl: string;
}

export type RemoteExportStatus = 'registered' | 'running' | 'succeeded' | 'failed';

/** A protocol event the trainer posted, with the platform's sequence number. */
export type RemoteExportEvent = Record<string, unknown> & { event: string; seq: number };

/** A job as the platform answers `GET /api/v1/export/{id}?after=N` (platform/server/export-jobs.ts). */
export interface RemoteExportState {
  id: string;
  jobId: string;
  status: RemoteExportStatus;
  progress: { stage: string; fraction: number; message?: string } | null;
  /** Events numbered after the `after` asked for, oldest first (the platform keeps the newest 500). */
  events: RemoteExportEvent[];
  /** The newest event's number: ask with after=lastSeq next; a first event above after+1 means some were dropped. */
  lastSeq: number;
  /** The trainer's final result or error event (plus output_dir and artifacts), once it has posted it. */
  completion: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * The app's side of the platform's export-job routes, with the account token the app keeps for deploying
 * (see ../deploy/): register a job before its Kubernetes Job exists, poll it while it runs, forget it at the end.
 * Errors are the deploy client's: the platform's own code (ACCOUNT_TOKEN_INVALID, EXPORT_JOB_NOT_FOUND, …) or
 * PLATFORM_UNREACHABLE.
 */
export class PlatformExportsClient {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  register(jobId: string): Promise<RegisteredRemoteExport> {
    return callPlatform(this.baseUrl, this.token, 'POST', '/api/v1/export', { json: { jobId } });
  }

  /** The job's status, last progress, completion and the events numbered after `after`. */
  poll(id: string, after = 0): Promise<RemoteExportState> {
    return callPlatform(
      this.baseUrl,
      this.token,
      'GET',
      `/api/v1/export/${encodeURIComponent(id)}?after=${after}`,
    );
  }

  /** Forgets the job (its events and completion); one already forgotten is fine. */
  async forget(id: string): Promise<void> {
    try {
      await callPlatform(this.baseUrl, this.token, 'DELETE', `/api/v1/export/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'EXPORT_JOB_NOT_FOUND')) throw error;
    }
  }
}
