import { randomUUID } from 'node:crypto';
import type {
  AccuracyRow,
  AppErrorShape,
  ExportValidation,
  TrainerValidation,
  ValidationStatus,
} from '../../contract';
import type { Db } from './open';
import { nowIso, readJson, writeJson } from './json';

interface ValidationRow {
  id: string;
  export_id: string;
  dataset: string;
  task: string | null;
  images: number;
  status: ValidationStatus;
  rows: string;
  error: string | null;
  created_at: string;
}

function toValidation(row: ValidationRow): ExportValidation {
  return {
    id: row.id,
    exportId: row.export_id,
    dataset: row.dataset,
    task: row.task,
    images: row.images,
    status: row.status,
    rows: readJson<AccuracyRow[]>(row.rows, []),
    error: readJson<AppErrorShape | null>(row.error, null),
    createdAt: row.created_at,
  };
}

/** The trainer's summary in the contract's names. */
export function accuracyRows(summary: TrainerValidation): AccuracyRow[] {
  return summary.rows.map((r) => ({
    format: r.format,
    precision: r.precision,
    modelFile: r.model_file,
    images: r.images,
    partial: r.partial,
    figures: r.figures as AccuracyRow['figures'],
    durationMs: r.duration_ms ?? null,
    error: r.error,
  }));
}

/** Validation runs of exports, newest first. */
export class ValidationsRepo {
  constructor(private readonly db: Db) {}

  /** Records a finished run: the trainer's summary, or the error that stopped it before any figure. */
  add(exportId: string, dataset: string, outcome: TrainerValidation | AppErrorShape): ExportValidation {
    const failed = !('rows' in outcome);
    const row: ValidationRow = {
      id: randomUUID(),
      export_id: exportId,
      dataset: failed ? dataset : outcome.dataset,
      task: failed ? null : outcome.task,
      images: failed ? 0 : outcome.images,
      status: failed ? 'failed' : outcome.partial ? 'partial' : 'completed',
      rows: writeJson(failed ? [] : accuracyRows(outcome)) ?? '[]',
      error: failed ? writeJson(outcome) : null,
      created_at: nowIso(),
    };
    this.db
      .prepare(
        `INSERT INTO export_validations (id, export_id, dataset, task, images, status, rows, error, created_at)
         VALUES (@id, @export_id, @dataset, @task, @images, @status, @rows, @error, @created_at)`,
      )
      .run(row);
    return toValidation(row);
  }

  list(exportId: string): ExportValidation[] {
    const rows = this.db
      .prepare('SELECT * FROM export_validations WHERE export_id = ? ORDER BY created_at DESC, rowid DESC')
      .all(exportId) as ValidationRow[];
    return rows.map(toValidation);
  }
}
