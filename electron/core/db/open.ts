import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
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
    throw new AppError(
      'DATABASE_UNAVAILABLE',
      `Could not open the database ${file}: ${(error as Error).message}`,
      'Check that the data folder is writable (EDGEPACK_HOME sets another one).',
      { cause: error },
    );
  }
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // The app, the CLI and the web harness may share one database; wait for each other's short writes.
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  migrate(db, migrations);
  return db;
}
