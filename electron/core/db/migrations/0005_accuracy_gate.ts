// The accuracy threshold (a global setting: one person's bar for shipping, whatever the model) and the overrides of
// formats that failed it: who shipped which format anyway, against which run, its drop and the threshold then.
export default `
CREATE TABLE settings (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE TABLE accuracy_overrides (
  id               TEXT PRIMARY KEY,
  export_id        TEXT NOT NULL REFERENCES export_jobs(id) ON DELETE CASCADE,
  validation_id    TEXT NOT NULL REFERENCES export_validations(id) ON DELETE CASCADE,
  format           TEXT NOT NULL,
  drop_points      REAL NOT NULL,
  max_drop_points  REAL NOT NULL,
  via              TEXT NOT NULL CHECK (via IN ('cli', 'app')),
  created_at       TEXT NOT NULL,
  UNIQUE (validation_id, format)
);
`;
