// The first schema: models dropped on the app, their export jobs, and deployment targets with their history.
// JSON columns hold contract-shaped objects; repositories map them to and from the contract types.
export default `
CREATE TABLE models (
  id                   TEXT PRIMARY KEY,
  name                 TEXT NOT NULL,
  source_path          TEXT NOT NULL,
  stored_path          TEXT NOT NULL,
  framework            TEXT NOT NULL CHECK (framework IN ('ultralytics', 'onnx')),
  task                 TEXT,
  class_names          TEXT NOT NULL DEFAULT '[]',
  imgsz                TEXT NOT NULL DEFAULT '[]',
  sha256               TEXT NOT NULL,
  size_bytes           INTEGER NOT NULL,
  details              TEXT NOT NULL DEFAULT '{}',
  last_export_version  INTEGER NOT NULL DEFAULT 0,
  created_at           TEXT NOT NULL
);
CREATE INDEX models_by_sha256 ON models (sha256);

CREATE TABLE export_jobs (
  id                   TEXT PRIMARY KEY,
  model_id             TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  formats              TEXT NOT NULL,
  checkpoint_path      TEXT NOT NULL,
  checkpoint_sha256    TEXT NOT NULL,
  export_config        TEXT NOT NULL DEFAULT '{}',
  optimization_config  TEXT NOT NULL DEFAULT '{}',
  version              INTEGER NOT NULL CHECK (version > 0),
  version_tag          TEXT,
  is_default           INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  status               TEXT NOT NULL
                       CHECK (status IN ('pending', 'running', 'completed', 'partial', 'failed', 'cancelled')),
  progress_stage       TEXT NOT NULL DEFAULT 'queued',
  progress_fraction    REAL NOT NULL DEFAULT 0,
  output_dir           TEXT,
  exported_model_path  TEXT,
  export_package_path  TEXT,
  metadata_path        TEXT,
  model_size_bytes     INTEGER,
  optimization_stats   TEXT,
  validation_metrics   TEXT,
  format_results       TEXT NOT NULL DEFAULT '[]',
  error                TEXT,
  log                  TEXT NOT NULL DEFAULT '',
  pid                  INTEGER,
  pgid                 INTEGER,
  owner_pid            INTEGER,
  owner_started        TEXT,
  created_at           TEXT NOT NULL,
  started_at           TEXT,
  finished_at          TEXT,
  UNIQUE (model_id, version)
);
CREATE INDEX export_jobs_by_status ON export_jobs (status);
-- Exactly one default per model: at most one by this index, at least one by the repository's transactions.
CREATE UNIQUE INDEX export_jobs_one_default ON export_jobs (model_id) WHERE is_default = 1;

CREATE TABLE deployment_targets (
  id                       TEXT PRIMARY KEY,
  export_job_id            TEXT REFERENCES export_jobs (id) ON DELETE SET NULL,
  type                     TEXT NOT NULL,
  config                   TEXT NOT NULL DEFAULT '{}',
  endpoint_url             TEXT,
  api_key_prefix           TEXT,
  replicas                 INTEGER NOT NULL DEFAULT 1 CHECK (replicas >= 0),
  auto_scaling             TEXT,
  status                   TEXT NOT NULL DEFAULT 'pending',
  request_count            INTEGER NOT NULL DEFAULT 0,
  last_request_at          TEXT,
  total_inference_time_ms  REAL NOT NULL DEFAULT 0,
  error                    TEXT,
  created_at               TEXT NOT NULL,
  updated_at               TEXT NOT NULL
);
CREATE INDEX deployment_targets_by_export ON deployment_targets (export_job_id);

CREATE TABLE deployment_history (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  deployment_id   TEXT NOT NULL REFERENCES deployment_targets (id) ON DELETE CASCADE,
  event           TEXT NOT NULL,
  status_before   TEXT,
  status_after    TEXT,
  details         TEXT,
  at              TEXT NOT NULL
);
CREATE INDEX deployment_history_by_deployment ON deployment_history (deployment_id, id);
`;
