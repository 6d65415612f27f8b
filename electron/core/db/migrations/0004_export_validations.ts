// Accuracy of an export's model files on a person's labelled dataset: one row per validation run (in the export job
// or later), its figures per model file in `rows` (JSON, AccuracyRow[]). Goes with its export.
export default `
CREATE TABLE export_validations (
  id          TEXT PRIMARY KEY,
  export_id   TEXT NOT NULL REFERENCES export_jobs(id) ON DELETE CASCADE,
  dataset     TEXT NOT NULL,
  task        TEXT,
  images      INTEGER NOT NULL DEFAULT 0,
  status      TEXT NOT NULL CHECK (status IN ('completed', 'partial', 'failed')),
  rows        TEXT NOT NULL DEFAULT '[]',
  error       TEXT,
  created_at  TEXT NOT NULL
);
CREATE INDEX export_validations_by_export ON export_validations (export_id, created_at);
`;
