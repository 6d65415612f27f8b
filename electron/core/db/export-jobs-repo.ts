import type {
  AppErrorShape,
  ExportConfig,
  ExportJob,
  FormatResult,
  JobStatus,
  OptimizationConfig,
} from '../../contract';
import { AppError } from '../errors';
import type { Db } from './open';
import { nowIso, readJson, writeJson } from './json';

export interface ExportJobRow {
  id: string;
  model_id: string;
  formats: string;
  checkpoint_path: string;
  checkpoint_sha256: string;
  export_config: string;
  optimization_config: string;
  version: number;
  version_tag: string | null;
  is_default: 0 | 1;
  status: JobStatus;
  progress_stage: string;
  progress_fraction: number;
  output_dir: string | null;
  exported_model_path: string | null;
  export_package_path: string | null;
  metadata_path: string | null;
  model_size_bytes: number | null;
  optimization_stats: string | null;
  validation_metrics: string | null;
  format_results: string;
  error: string | null;
  log: string;
  pid: number | null;
  pgid: number | null;
  owner_pid: number | null;
  owner_started: string | null;
  /** The remote target the export runs on; null on this computer. */
  remote_target: string | null;
  /** The platform's id for the remote run's registration (to follow it again after a restart). */
  remote_ref: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export const ACTIVE_STATUSES: readonly JobStatus[] = ['pending', 'running'];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'partial', 'failed', 'cancelled'];
/** Statuses whose artifacts can be used (and so can be the model's default). */
export const USABLE_STATUSES: readonly JobStatus[] = ['completed', 'partial'];

export function toExportJob(row: ExportJobRow): ExportJob {
  return {
    id: row.id,
    modelId: row.model_id,
    version: row.version,
    versionTag: row.version_tag,
    isDefault: row.is_default === 1,
    formats: readJson<string[]>(row.formats, []),
    status: row.status,
    exportConfig: readJson<ExportConfig>(row.export_config, {}),
    optimizationConfig: readJson<OptimizationConfig>(row.optimization_config, {}),
    checkpointPath: row.checkpoint_path,
    checkpointSha256: row.checkpoint_sha256,
    outputDir: row.output_dir,
    results: readJson<FormatResult[]>(row.format_results, []),
    modelSizeBytes: row.model_size_bytes,
    progress: { stage: row.progress_stage, fraction: row.progress_fraction },
    error: readJson<AppErrorShape | null>(row.error, null),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    runOn: row.remote_target,
  };
}

export interface NewExportJob {
  id: string;
  modelId: string;
  formats: string[];
  checkpointPath: string;
  checkpointSha256: string;
  exportConfig: ExportConfig;
  optimizationConfig: OptimizationConfig;
  versionTag: string | null;
  ownerPid: number;
  ownerStarted: string | null;
  /** The remote target's name when the export runs on one. */
  remoteTarget?: string | null;
}

/** Columns a caller may update after creation (a whitelist, so no SQL is ever built from untrusted names). */
export interface ExportJobPatch {
  status?: JobStatus;
  progress_stage?: string;
  progress_fraction?: number;
  output_dir?: string | null;
  exported_model_path?: string | null;
  export_package_path?: string | null;
  metadata_path?: string | null;
  model_size_bytes?: number | null;
  optimization_stats?: unknown;
  validation_metrics?: unknown;
  format_results?: FormatResult[];
  error?: AppErrorShape | null;
  log?: string;
  pid?: number | null;
  pgid?: number | null;
  remote_ref?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
}
const JSON_COLUMNS = new Set(['optimization_stats', 'validation_metrics', 'format_results', 'error']);
const PATCHABLE = new Set([
  'status',
  'progress_stage',
  'progress_fraction',
  'output_dir',
  'exported_model_path',
  'export_package_path',
  'metadata_path',
  'model_size_bytes',
  'log',
  'pid',
  'pgid',
  'remote_ref',
  'started_at',
  'finished_at',
  ...JSON_COLUMNS,
]);

export class ExportJobsRepo {
  constructor(private readonly db: Db) {}

  /**
   * Creates a job with the model's next version number, refusing while another export of the model is active.
   * One IMMEDIATE transaction, so two processes (app and CLI) cannot both pass the check.
   */
  create(job: NewExportJob): ExportJobRow {
    return this.db
      .transaction(() => {
        const active = this.db
          .prepare(
            `SELECT id, version FROM export_jobs WHERE model_id = ? AND status IN ('pending', 'running') LIMIT 1`,
          )
          .get(job.modelId) as { id: string; version: number } | undefined;
        if (active) {
          throw new AppError(
            'EXPORT_ALREADY_RUNNING',
            `An export of this model is already running (v${active.version}, job ${active.id}).`,
            'Wait for it to finish or cancel it, then start the new export.',
          );
        }
        const bumped = this.db
          .prepare(
            'UPDATE models SET last_export_version = last_export_version + 1 WHERE id = ? RETURNING last_export_version',
          )
          .get(job.modelId) as { last_export_version: number } | undefined;
        if (!bumped)
          throw new AppError('MODEL_NOT_FOUND', `No model with id ${job.modelId}.`, 'Add the model first.');
        this.db
          .prepare(
            `INSERT INTO export_jobs (id, model_id, formats, checkpoint_path, checkpoint_sha256, export_config,
               optimization_config, version, version_tag, status, owner_pid, owner_started, remote_target, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
          )
          .run(
            job.id,
            job.modelId,
            JSON.stringify(job.formats),
            job.checkpointPath,
            job.checkpointSha256,
            JSON.stringify(job.exportConfig),
            JSON.stringify(job.optimizationConfig),
            bumped.last_export_version,
            job.versionTag,
            job.ownerPid,
            job.ownerStarted,
            job.remoteTarget ?? null,
            nowIso(),
          );
        return this.getRow(job.id)!;
      })
      .immediate();
  }

  getRow(id: string): ExportJobRow | null {
    return (
      (this.db.prepare('SELECT * FROM export_jobs WHERE id = ?').get(id) as ExportJobRow | undefined) ?? null
    );
  }

  get(id: string): ExportJob | null {
    const row = this.getRow(id);
    return row ? toExportJob(row) : null;
  }

  list(modelId?: string): ExportJob[] {
    const rows = modelId
      ? this.db.prepare('SELECT * FROM export_jobs WHERE model_id = ? ORDER BY version DESC').all(modelId)
      : this.db.prepare('SELECT * FROM export_jobs ORDER BY created_at DESC, version DESC').all();
    return (rows as ExportJobRow[]).map(toExportJob);
  }

  /**
   * Makes this process the owner of an active job whose owner stopped; false when another process claimed it first
   * (the owner recorded is no longer the one read).
   */
  claim(id: string, from: ExportJobRow, ownerPid: number, ownerStarted: string | null): boolean {
    const changed = this.db
      .prepare(
        `UPDATE export_jobs SET owner_pid = ?, owner_started = ?
         WHERE id = ? AND status IN ('pending', 'running') AND owner_pid IS ? AND owner_started IS ?`,
      )
      .run(ownerPid, ownerStarted, id, from.owner_pid, from.owner_started);
    return changed.changes === 1;
  }

  activeRows(): ExportJobRow[] {
    return this.db
      .prepare(`SELECT * FROM export_jobs WHERE status IN ('pending', 'running') ORDER BY created_at`)
      .all() as ExportJobRow[];
  }

  update(id: string, patch: ExportJobPatch): void {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    for (const [column] of entries) {
      if (!PATCHABLE.has(column)) throw new Error(`export_jobs.${column} cannot be updated`);
    }
    if (entries.length === 0) return;
    const sets = entries.map(([column]) => `${column} = @${column}`).join(', ');
    const values = Object.fromEntries(
      entries.map(([column, value]) => [column, JSON_COLUMNS.has(column) ? writeJson(value) : value]),
    );
    this.db.prepare(`UPDATE export_jobs SET ${sets} WHERE id = @id`).run({ ...values, id });
  }

  /**
   * Gives the disk back what the write-ahead log holds (a checkpoint that truncates the -wal file), so that on a full
   * disk the one small write still needed, a job's end, can be made. False when even that could not be done.
   */
  releaseJournal(): boolean {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Moves a job out of an active status. Returns false (and changes nothing) when someone else already finished it,
   * e.g. another process cancelled it: the first terminal status wins.
   */
  finish(id: string, patch: ExportJobPatch & { status: JobStatus }): boolean {
    return this.db
      .transaction(() => {
        const row = this.getRow(id);
        if (!row || !ACTIVE_STATUSES.includes(row.status)) return false;
        this.update(id, { finished_at: nowIso(), ...patch });
        if (USABLE_STATUSES.includes(patch.status)) {
          // The first usable export becomes the default; a completed one takes over from a partial default.
          const current = this.defaultOf(row.model_id);
          if (!current || (current.status === 'partial' && patch.status === 'completed'))
            this.switchDefault(row.model_id, id);
        }
        return true;
      })
      .immediate();
  }

  /** Clears the old default before setting the new one, so the partial unique index never sees two. */
  private switchDefault(modelId: string, id: string): void {
    this.db.prepare('UPDATE export_jobs SET is_default = 0 WHERE model_id = ? AND id != ?').run(modelId, id);
    this.db.prepare('UPDATE export_jobs SET is_default = 1 WHERE id = ?').run(id);
  }

  defaultOf(modelId: string): ExportJobRow | null {
    return (
      (this.db.prepare('SELECT * FROM export_jobs WHERE model_id = ? AND is_default = 1').get(modelId) as
        ExportJobRow | undefined) ?? null
    );
  }

  /** Makes this job its model's only default, in one transaction. */
  setDefault(id: string): ExportJob {
    return this.db
      .transaction(() => {
        const row = this.getRow(id);
        if (!row) throw notFound(id);
        if (!USABLE_STATUSES.includes(row.status)) {
          throw new AppError(
            'EXPORT_NOT_USABLE',
            `Export v${row.version} is ${row.status}; only a completed (or partial) export can be the default.`,
            'Pick a completed export, or run the export again.',
          );
        }
        this.switchDefault(row.model_id, id);
        return this.get(id)!;
      })
      .immediate();
  }

  /** Deletes the row; when it was the default, the newest completed export (else the newest partial) takes over. */
  delete(id: string): { promoted: string | null } {
    return this.db
      .transaction(() => {
        const row = this.getRow(id);
        if (!row) throw notFound(id);
        this.db.prepare('DELETE FROM export_jobs WHERE id = ?').run(id);
        if (row.is_default !== 1) return { promoted: null };
        const next = this.db
          .prepare(
            `SELECT id FROM export_jobs WHERE model_id = ? AND status IN ('completed', 'partial')
             ORDER BY status = 'completed' DESC, version DESC LIMIT 1`,
          )
          .get(row.model_id) as { id: string } | undefined;
        if (next) this.db.prepare('UPDATE export_jobs SET is_default = 1 WHERE id = ?').run(next.id);
        return { promoted: next?.id ?? null };
      })
      .immediate();
  }
}

export function notFound(id: string): AppError {
  return new AppError(
    'EXPORT_NOT_FOUND',
    `No export with id ${id}.`,
    'List the exports (`npx edgepack exports list`) to see their ids.',
  );
}
