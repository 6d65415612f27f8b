import type { SqlDb } from './db';

/** Ordered, append-only. `{{serial}}` and `{{float}}` become each dialect's types. */
const MIGRATIONS: { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'accounts, deployments, versions, keys, history',
    sql: `
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  tier TEXT NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),
  token_hash TEXT NOT NULL UNIQUE,
  token_prefix TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE deployments (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  deployment_type TEXT NOT NULL DEFAULT 'platform_endpoint',
  status TEXT NOT NULL,
  active_version INTEGER,
  replicas INTEGER NOT NULL DEFAULT 1,
  endpoint_url TEXT NOT NULL,
  key_prefix TEXT,
  last_error TEXT,
  request_count BIGINT NOT NULL DEFAULT 0,
  last_request_at TEXT,
  total_inference_time_ms {{float}} NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX deployments_account ON deployments(account_id, created_at);
CREATE TABLE deployment_versions (
  deployment_id TEXT NOT NULL REFERENCES deployments(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  model_key TEXT NOT NULL,
  metadata_key TEXT,
  model_sha256 TEXT NOT NULL,
  model_bytes BIGINT NOT NULL,
  model_info TEXT NOT NULL,
  error TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (deployment_id, version)
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  deployment_id TEXT NOT NULL REFERENCES deployments(id),
  key_hash TEXT NOT NULL UNIQUE,
  key_prefix TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX api_keys_active ON api_keys(deployment_id, revoked_at);
CREATE TABLE deployment_history (
  id {{serial}},
  deployment_id TEXT NOT NULL REFERENCES deployments(id),
  event TEXT NOT NULL,
  status_before TEXT,
  status_after TEXT,
  detail TEXT,
  at TEXT NOT NULL
);
CREATE INDEX deployment_history_by_deployment ON deployment_history(deployment_id, id);
`,
  },
  {
    id: 2,
    name: 'how each version turns an image into its input (resize, normalisation, input size, output order)',
    sql: `ALTER TABLE deployment_versions ADD COLUMN serving TEXT;`,
  },
  {
    id: 3,
    name: 'remote export jobs: callback token hash, status, last progress, recent events, completion',
    sql: `
CREATE TABLE export_jobs (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  job_id TEXT NOT NULL,
  callback_token_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('registered', 'running', 'succeeded', 'failed')),
  progress TEXT,
  last_seq BIGINT NOT NULL DEFAULT 0,
  completion TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (account_id, job_id)
);
CREATE TABLE export_job_events (
  export_id TEXT NOT NULL REFERENCES export_jobs(id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  event TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (export_id, seq)
);
`,
  },
];

export const LATEST_MIGRATION = MIGRATIONS[MIGRATIONS.length - 1]!.id;

/** Applies pending migrations in order, in one transaction; concurrent replicas wait for each other. */
export async function migrate(db: SqlDb): Promise<number[]> {
  const types =
    db.dialect === 'postgres'
      ? { serial: 'BIGSERIAL PRIMARY KEY', float: 'DOUBLE PRECISION' }
      : { serial: 'INTEGER PRIMARY KEY AUTOINCREMENT', float: 'REAL' };
  return db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.exec('SELECT pg_advisory_xact_lock(7413001)');
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const done = new Set(
      (await tx.all<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)),
    );
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.id)) continue;
      await tx.exec(
        migration.sql.replaceAll('{{serial}}', types.serial).replaceAll('{{float}}', types.float),
      );
      await tx.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [
        migration.id,
        migration.name,
        new Date().toISOString(),
      ]);
      applied.push(migration.id);
    }
    return applied;
  });
}
