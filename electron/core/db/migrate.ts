import type Database from 'better-sqlite3';
import { AppError } from '../errors';
import type { Migration } from './migrations';

/** Applies the migrations the database has not seen yet, each in its own transaction, in version order. */
export function migrate(db: Database.Database, migrations: Migration[]): number[] {
  assertOrdered(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .all()
      .map((row) => (row as { version: number }).version),
  );
  const newest = Math.max(0, ...applied);
  const latestKnown = migrations.at(-1)?.version ?? 0;
  if (newest > latestKnown) {
    throw new AppError(
      'DATABASE_TOO_NEW',
      `The database was written by a newer Edgepack (schema ${newest}; this one knows up to ${latestKnown}).`,
      'Update Edgepack, or point EDGEPACK_HOME at another data folder.',
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const ran: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }).immediate();
    ran.push(migration.version);
  }
  return ran;
}

function assertOrdered(migrations: Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `migration ${m.name} has version ${m.version}; expected ${i + 1} (versions must be 1, 2, 3…)`,
      );
    }
  });
}
