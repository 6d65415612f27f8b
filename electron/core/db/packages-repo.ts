import type { PackageRecord, PackageTarget } from '../../contract';
import type { Db } from './open';

interface PackageRow {
  id: string;
  export_id: string;
  target: PackageTarget;
  path: string;
  size: number;
  sha256: string;
  created_at: string;
}

const toRecord = (r: PackageRow): PackageRecord => ({
  id: r.id,
  exportId: r.export_id,
  target: r.target,
  path: r.path,
  sizeBytes: r.size,
  sha256: r.sha256,
  createdAt: r.created_at,
});

/** The `packages` table: one row per package file built from an export. */
export class PackagesRepo {
  constructor(private readonly db: Db) {}

  /** Records a package; a package rebuilt at the same path replaces the row of the one it overwrote. */
  add(record: PackageRecord): PackageRecord {
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM packages WHERE path = ?').run(record.path);
        this.db
          .prepare(
            `INSERT INTO packages (id, export_id, target, path, size, sha256, created_at)
             VALUES (@id, @exportId, @target, @path, @sizeBytes, @sha256, @createdAt)`,
          )
          .run(record);
      })
      .immediate();
    return record;
  }

  /** Newest first. */
  listForExport(exportId: string): PackageRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM packages WHERE export_id = ? ORDER BY created_at DESC, rowid DESC')
        .all(exportId) as PackageRow[]
    ).map(toRecord);
  }

  get(id: string): PackageRecord | null {
    const row = this.db.prepare('SELECT * FROM packages WHERE id = ?').get(id) as PackageRow | undefined;
    return row ? toRecord(row) : null;
  }
}
