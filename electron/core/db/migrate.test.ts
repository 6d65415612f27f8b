import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from './migrate';
import { migrations } from './migrations';
import { openDatabase } from './open';

const dirs: string[] = [];
const tempFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-db-'));
  dirs.push(dir);
  return path.join(dir, 'edgepack.db');
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('migrations', () => {
  it('creates every table on a fresh database, in WAL mode with foreign keys on', () => {
    const db = openDatabase(tempFile());
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => (r as { name: string }).name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'deployment_history',
        'deployment_targets',
        'export_jobs',
        'models',
        'schema_migrations',
      ]),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(versions).toEqual(migrations.map((m) => ({ version: m.version })));
    db.close();
  });

  it('applies only what is new when opened again, keeping the data', () => {
    const file = tempFile();
    const first = openDatabase(file);
    first
      .prepare(
        "INSERT INTO models (id, name, source_path, stored_path, framework, sha256, size_bytes, created_at) VALUES ('m', 'n', 's', 's', 'onnx', 'h', 1, 't')",
      )
      .run();
    first.close();
    const again = new Database(file);
    expect(migrate(again, migrations)).toEqual([]);
    expect(again.prepare('SELECT COUNT(*) AS n FROM models').get()).toEqual({ n: 1 });
    again.close();
  });

  it('runs a later migration in order after the earlier ones', () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    const next = {
      version: migrations.length + 1,
      name: 'add_note',
      sql: 'ALTER TABLE models ADD COLUMN note TEXT;',
    };
    expect(migrate(db, [...migrations, next])).toEqual([next.version]);
    expect(db.prepare('PRAGMA table_info(models)').all()).toContainEqual(
      expect.objectContaining({ name: 'note' }),
    );
  });

  it('rolls a failing migration back whole and leaves it unrecorded', () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    const broken = {
      version: migrations.length + 1,
      name: 'broken',
      sql: 'CREATE TABLE half_done (id INTEGER); INSERT INTO no_such_table VALUES (1);',
    };
    expect(() => migrate(db, [...migrations, broken])).toThrow(/no_such_table/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({
      v: migrations.length,
    });
  });

  it('refuses a database written by a newer Edgepack, saying what to do', () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 'now')").run();
    expect(() => migrate(db, migrations)).toThrow(expect.objectContaining({ code: 'DATABASE_TOO_NEW' }));
  });

  it('rejects a migration list with gaps or disorder', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'x', sql: '' }])).toThrow(/expected 1/);
  });
});
