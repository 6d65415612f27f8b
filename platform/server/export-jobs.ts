import { randomUUID } from 'node:crypto';
import { CALLBACK_TOKEN_PREFIX, generateSecret, type KeyHasher } from '../auth/keys';
import type { ExportJobStore } from '../store/export-jobs';
import type { Account, ExportJob, ExportProgress, StoredExportEvent } from '../store/types';
import { PlatformError } from './errors';
import { parseCompletion, parseProgressBatch } from './export-events';

/** How many of a job's most recent events the platform keeps for the app to poll. */
export const EVENT_RING_SIZE = 500;
/** Largest progress callback body: a batch of events. */
export const PROGRESS_BODY_LIMIT_BYTES = 64 * 1024;
/** Largest completion body: the trainer's result event (every format's parity figures) plus the artifacts' facts. */
export const COMPLETION_BODY_LIMIT_BYTES = 1024 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RegisteredExport {
  id: string;
  callbackToken: string;
  progressUrl: string;
  completionUrl: string;
}

export interface ExportJobStatusView {
  id: string;
  jobId: string;
  status: ExportJob['status'];
  progress: ExportProgress | null;
  events: (Record<string, unknown> & { seq: number })[];
  lastSeq: number;
  completion: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Export jobs run elsewhere (a Kubernetes Job): the app registers one and gets a per-job callback token; the trainer
 * posts its events and its completion with that token; the app polls. Tokens are stored as HMACs, like API keys.
 */
export class ExportJobService {
  constructor(private readonly deps: { store: ExportJobStore; keys: KeyHasher; publicUrl: string }) {}

  async register(account: Account, body: unknown): Promise<RegisteredExport> {
    const jobId = (body as { jobId?: unknown } | null)?.jobId;
    if (typeof jobId !== 'string' || !UUID.test(jobId)) {
      throw new PlatformError(
        400,
        'INVALID_REQUEST',
        'Send the export to register as {"jobId": "<uuid>"}.',
        'jobId is the app\'s export job id, a UUID such as "3f1c2b9e-8d4a-4c1e-9f7b-2a6d5e0c1b3a".',
      );
    }
    const id = randomUUID();
    const callbackToken = generateSecret(CALLBACK_TOKEN_PREFIX);
    const created = await this.deps.store.create({
      id,
      accountId: account.id,
      jobId: jobId.toLowerCase(),
      tokenHash: this.deps.keys.hash(callbackToken),
    });
    if (!created) {
      throw new PlatformError(
        409,
        'EXPORT_JOB_EXISTS',
        `Export job ${jobId} is already registered.`,
        'Each run needs its own jobId; forget the old registration first (DELETE /api/v1/export/{id}).',
      );
    }
    const base = `${this.deps.publicUrl}/api/v1/export/${id}/callback`;
    return { id, callbackToken, progressUrl: `${base}/progress`, completionUrl: `${base}/completion` };
  }

  /**
   * Throws the one 401 for every failure — no token, a wrong one, another job's, an unknown or malformed job id —
   * after the same HMAC and comparison, so neither the answer nor its timing says whether the job exists.
   */
  async authenticateCallback(id: string, token: string | null): Promise<void> {
    const storedHash = UUID.test(id) ? await this.deps.store.tokenHash(id.toLowerCase()) : null;
    if (!this.deps.keys.matches(token, storedHash)) throw callbackTokenInvalid();
  }

  /** A batch of the trainer's events (after authenticateCallback). */
  async recordProgress(id: string, body: unknown): Promise<{ accepted: number; lastSeq: number }> {
    const events = parseProgressBatch(body);
    let progress: ExportProgress | null = null;
    for (const e of events) {
      if (e.event === 'progress')
        progress = { stage: e.stage, fraction: e.fraction, ...(e.message ? { message: e.message } : {}) };
    }
    const appended = await this.deps.store.append(id.toLowerCase(), events, progress, EVENT_RING_SIZE);
    if (!appended) return this.refuseClosed(id);
    return { accepted: events.length, lastSeq: appended.lastSeq };
  }

  /** The trainer's final result or error (after authenticateCallback); accepted once. */
  async complete(id: string, body: unknown): Promise<{ id: string; status: 'succeeded' | 'failed' }> {
    const completion = parseCompletion(body);
    const status = completion.event === 'result' ? 'succeeded' : 'failed';
    const outcome = await this.deps.store.complete(id.toLowerCase(), status, completion);
    if (outcome !== 'done') return this.refuseClosed(id);
    return { id: id.toLowerCase(), status };
  }

  async status(account: Account, id: string, after: unknown): Promise<ExportJobStatusView> {
    const since = afterParameter(after);
    const job = await this.owned(account, id);
    const events = await this.deps.store.eventsAfter(job.id, since);
    return view(job, events);
  }

  async forget(account: Account, id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.deps.store.remove(id.toLowerCase(), account.id))) throw notFound(id);
  }

  private async owned(account: Account, id: string): Promise<ExportJob> {
    const job = UUID.test(id) ? await this.deps.store.get(id.toLowerCase(), account.id) : undefined;
    if (!job) throw notFound(id);
    return job;
  }

  /** The job stopped taking callbacks: completed (409), or forgotten since the token was checked (401). */
  private async refuseClosed(id: string): Promise<never> {
    if (!(await this.deps.store.exists(id.toLowerCase()))) throw callbackTokenInvalid();
    throw new PlatformError(
      409,
      'CALLBACK_ALREADY_COMPLETED',
      'This export job has already reported its completion; it takes no more callbacks.',
      'A trainer posts its completion once, after its last progress; register a new job to run again.',
    );
  }
}

function view(job: ExportJob, events: StoredExportEvent[]): ExportJobStatusView {
  return {
    id: job.id,
    jobId: job.jobId,
    status: job.status,
    progress: job.progress,
    // The platform's number last, so a field of the same name in a posted event cannot shadow it.
    events: events.map((e) => ({ ...e.event, seq: e.seq })),
    lastSeq: job.lastSeq,
    completion: job.completion,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

function afterParameter(raw: unknown): number {
  if (raw === undefined || raw === '') return 0;
  const value = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new PlatformError(
      400,
      'INVALID_REQUEST',
      `after must be a whole number (the last event seq already seen); got "${String(raw)}".`,
      'Send ?after=0 for every kept event, then the highest seq received.',
    );
  }
  return value;
}

function notFound(id: string): PlatformError {
  return new PlatformError(
    404,
    'EXPORT_JOB_NOT_FOUND',
    `There is no export job ${JSON.stringify(id.slice(0, 100))} for this account.`,
    'Use the id POST /api/v1/export returned; a forgotten job is gone for good.',
  );
}

function callbackTokenInvalid(): PlatformError {
  return new PlatformError(
    401,
    'CALLBACK_TOKEN_INVALID',
    'The callback token is missing or not valid for this export job.',
    'Send "Authorization: Bearer epk_cb_…", the callbackToken returned when this job was registered.',
    { 'WWW-Authenticate': 'Bearer' },
  );
}
