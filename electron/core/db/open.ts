import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { AppError, diskFull, isDiskFull } from '../errors';
import { migrate } from './migrate';
import { migrations } from './migrations';

export type Db = Database.Database;

/** Opens (creating if needed) the app's SQLite database: WAL, foreign keys on, migrated to the latest schema. */
export function openDatabase(file: string, nativeBinding?: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, nativeBinding ? { nativeBinding } : {});
  } catch (error) {
    if (onFullDisk(error, path.dirname(file))) throw diskFull(error, path.dirname(file));
    throw new AppError(
      'DATABASE_UNAVAILABLE',
      `Could not open the database ${file}: ${(error as Error).message}`,
      'Check that the data folder is writable (EDGEPACK_HOME sets another one).',
      { cause: error },
    );
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // The app, the CLI and the web harness may share one database; wait for each other's short writes.
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations);
  } catch (error) {
    db.close();
    if (file !== ':memory:' && onFullDisk(error, path.dirname(file)))
      throw diskFull(error, path.dirname(file));
    throw error;
  }
  return db;
}

/** Under this much free space an SQLite I/O error is taken for what it is: a disk too full to grow the files. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * SQLITE_FULL, or an I/O error on a disk with (almost) no space left: in WAL mode a full disk first shows as
 * SQLITE_IOERR_SHMSIZE (the shared-memory index could not grow) or a failed write of the -wal file.
 */
export function onFullDisk(error: unknown, dir: string): boolean {
  if (isDiskFull(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_IOERR')) return false;
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}
