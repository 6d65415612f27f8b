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

  it('gives stored export jobs the trainer’s names (migration 3): latency_ms, duration_ms, sample_photos, calib_dir', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 2));
    db.prepare(
      "INSERT INTO models (id, name, source_path, stored_path, framework, sha256, size_bytes, created_at) VALUES ('m', 'n', 's', 's', 'ultralytics', 'h', 1, 't')",
    ).run();
    const before = [
      {
        format: 'onnx',
        status: 'passed',
        parity: { max_abs: 2e-5, box_match: 1 },
        latencyMs: 12.5,
        durationMs: 3000,
        calibration: { images: 3, source: '/photos', samplePhotos: true, warning: 'few', method: null },
      },
      {
        format: 'tflite',
        status: 'failed',
        parity: null,
        latencyMs: null,
        durationMs: null,
        calibration: null,
      },
    ];
    const insert = db.prepare(
      "INSERT INTO export_jobs (id, model_id, formats, checkpoint_path, checkpoint_sha256, optimization_config, version, status, format_results, created_at) VALUES (?, 'm', '[]', 'c', 'h', ?, ?, 'completed', ?, 't')",
    );
    insert.run('a', JSON.stringify({ int8: true, calibDir: '/photos' }), 1, JSON.stringify(before));
    insert.run('b', JSON.stringify({ half: true }), 2, '[]');
    expect(migrate(db, migrations)).toEqual([3]);
    const row = (id: string) =>
      db.prepare('SELECT optimization_config, format_results FROM export_jobs WHERE id = ?').get(id) as {
        optimization_config: string;
        format_results: string;
      };
    expect(JSON.parse(row('a').optimization_config)).toEqual({ int8: true, calib_dir: '/photos' });
    expect(JSON.parse(row('a').format_results)).toEqual([
      {
        format: 'onnx',
        status: 'passed',
        parity: { max_abs: 2e-5, box_match: 1 },
        latency_ms: 12.5,
        duration_ms: 3000,
        calibration: { images: 3, source: '/photos', sample_photos: true, warning: 'few', method: null },
      },
      {
        format: 'tflite',
        status: 'failed',
        parity: null,
        latency_ms: null,
        duration_ms: null,
        calibration: null,
      },
    ]);
    expect(row('b')).toEqual({ optimization_config: '{"half":true}', format_results: '[]' });
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
