import type { SqlDb } from './db';
import type { ExportJob, ExportJobStatus, ExportProgress, StoredExportEvent } from './types';

interface ExportJobRow {
  id: string;
  account_id: string;
  job_id: string;
  status: ExportJobStatus;
  progress: string | null;
  last_seq: number | string;
  completion: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, account_id, job_id, status, progress, last_seq, completion, created_at, updated_at';
const OPEN = `status IN ('registered', 'running')`;

const now = () => new Date().toISOString();

/**
 * Remote export jobs in the shared database, so any replica can take any callback or poll. Sequence numbers come
 * from the job row's `last_seq`, bumped in the same transaction that inserts the events: concurrent batches (on one
 * replica or several) get disjoint, increasing numbers, because the UPDATE locks the row until commit.
 */
export class ExportJobStore {
  constructor(private readonly db: SqlDb) {}

  /** Inserts a new job; false when this account already registered the same jobId. */
  async create(input: { id: string; accountId: string; jobId: string; tokenHash: string }): Promise<boolean> {
    const at = now();
    try {
      await this.db.run(
        `INSERT INTO export_jobs (id, account_id, job_id, callback_token_hash, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'registered', ?, ?)`,
        [input.id, input.accountId, input.jobId, input.tokenHash, at, at],
      );
      return true;
    } catch (error) {
      const existing = await this.db.get<{ id: string }>(
        'SELECT id FROM export_jobs WHERE account_id = ? AND job_id = ?',
        [input.accountId, input.jobId],
      );
      if (existing) return false;
      throw error;
    }
  }

  async tokenHash(id: string): Promise<string | null> {
    const row = await this.db.get<{ callback_token_hash: string }>(
      'SELECT callback_token_hash FROM export_jobs WHERE id = ?',
      [id],
    );
    return row?.callback_token_hash ?? null;
  }

  /** The job when it belongs to the account. */
  async get(id: string, accountId: string): Promise<ExportJob | undefined> {
    const row = await this.db.get<ExportJobRow>(
      `SELECT ${COLUMNS} FROM export_jobs WHERE id = ? AND account_id = ?`,
      [id, accountId],
    );
    return row && toJob(row);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.get('SELECT id FROM export_jobs WHERE id = ?', [id])) !== undefined;
  }

  /**
   * Appends a batch of events (numbered after the newest), keeps only the newest `keep`, updates the last progress
   * and marks the job running. Null when the job is finished or gone (nothing written).
   */
  async append(
    id: string,
    events: Record<string, unknown>[],
    progress: ExportProgress | null,
    keep: number,
  ): Promise<{ lastSeq: number } | null> {
    return this.db.transaction(async (tx) => {
      const at = now();
      const row = await tx.get<{ last_seq: number | string }>(
        `UPDATE export_jobs SET last_seq = last_seq + ?, status = 'running',
           progress = COALESCE(?, progress), updated_at = ?
         WHERE id = ? AND ${OPEN} RETURNING last_seq`,
        [events.length, progress ? JSON.stringify(progress) : null, at, id],
      );
      if (!row) return null;
      const lastSeq = Number(row.last_seq);
      if (events.length > 0) {
        const first = lastSeq - events.length + 1;
        const params = events.flatMap((event, i) => [id, first + i, JSON.stringify(event), at]);
        await tx.run(
          `INSERT INTO export_job_events (export_id, seq, event, at) VALUES ${events.map(() => '(?, ?, ?, ?)').join(', ')}`,
          params,
        );
        await tx.run('DELETE FROM export_job_events WHERE export_id = ? AND seq <= ?', [id, lastSeq - keep]);
      }
      return { lastSeq };
    });
  }

  /** Records the completion once: 'done', 'already' (a completion was recorded before) or 'gone'. */
  async complete(
    id: string,
    status: 'succeeded' | 'failed',
    completion: Record<string, unknown>,
  ): Promise<'done' | 'already' | 'gone'> {
    const { changes } = await this.db.run(
      `UPDATE export_jobs SET status = ?, completion = ?, updated_at = ? WHERE id = ? AND ${OPEN}`,
      [status, JSON.stringify(completion), now(), id],
    );
    if (changes > 0) return 'done';
    return (await this.exists(id)) ? 'already' : 'gone';
  }

  /** Events numbered after `after`, oldest first. */
  async eventsAfter(id: string, after: number): Promise<StoredExportEvent[]> {
    const rows = await this.db.all<{ seq: number | string; event: string }>(
      'SELECT seq, event FROM export_job_events WHERE export_id = ? AND seq > ? ORDER BY seq',
      [id, after],
    );
    return rows.map((r) => ({ seq: Number(r.seq), event: JSON.parse(r.event) }));
  }

  /** Deletes the job and its events; false when the account has no such job. */
  async remove(id: string, accountId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const owned = await tx.get('SELECT id FROM export_jobs WHERE id = ? AND account_id = ?', [
        id,
        accountId,
      ]);
      if (!owned) return false;
      await tx.run('DELETE FROM export_job_events WHERE export_id = ?', [id]);
      await tx.run('DELETE FROM export_jobs WHERE id = ?', [id]);
      return true;
    });
  }
}

function toJob(row: ExportJobRow): ExportJob {
  return {
    id: row.id,
    accountId: row.account_id,
    jobId: row.job_id,
    status: row.status,
    progress: row.progress ? JSON.parse(row.progress) : null,
    lastSeq: Number(row.last_seq),
    completion: row.completion ? JSON.parse(row.completion) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
