import { randomUUID } from 'node:crypto';
import type { AccuracyFailure } from '../../contract';
import type { Db } from './open';
import { nowIso } from './json';

const THRESHOLD_KEY = 'accuracy.max_drop_points';

export interface AccuracyOverride {
  validationId: string;
  format: string;
  dropPoints: number;
  maxDropPoints: number;
  via: 'cli' | 'app';
  createdAt: string;
}

interface OverrideRow {
  validation_id: string;
  format: string;
  drop_points: number;
  max_drop_points: number;
  via: 'cli' | 'app';
  created_at: string;
}

/** The accuracy threshold setting and the recorded overrides of formats that failed it. */
export class AccuracyGateRepo {
  constructor(private readonly db: Db) {}

  /** Points of mAP (top-1 for classify) a format may lose against the original; null: no threshold. */
  maxDropPoints(): number | null {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(THRESHOLD_KEY) as
      { value: string } | undefined;
    const value = row ? Number(row.value) : NaN;
    return Number.isFinite(value) ? value : null;
  }

  setMaxDropPoints(points: number | null): void {
    if (points === null) {
      this.db.prepare('DELETE FROM settings WHERE key = ?').run(THRESHOLD_KEY);
      return;
    }
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(THRESHOLD_KEY, String(points), nowIso());
  }

  /** Records that the person ships `failure.format` of this run anyway (once per run and format). */
  addOverride(
    exportId: string,
    validationId: string,
    failure: Omit<AccuracyFailure, 'override'>,
    maxDropPoints: number,
    via: 'cli' | 'app',
  ): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO accuracy_overrides
           (id, export_id, validation_id, format, drop_points, max_drop_points, via, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        randomUUID(),
        exportId,
        validationId,
        failure.format,
        failure.dropPoints,
        maxDropPoints,
        via,
        nowIso(),
      );
  }

  overrides(validationId: string): AccuracyOverride[] {
    const rows = this.db
      .prepare('SELECT * FROM accuracy_overrides WHERE validation_id = ? ORDER BY created_at')
      .all(validationId) as OverrideRow[];
    return rows.map((r) => ({
      validationId: r.validation_id,
      format: r.format,
      dropPoints: r.drop_points,
      maxDropPoints: r.max_drop_points,
      via: r.via,
      createdAt: r.created_at,
    }));
  }
}
