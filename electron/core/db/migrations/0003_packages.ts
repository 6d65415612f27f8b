// Packages built from an export (`edgepack package`, the export's "Build bundle" button): where the file was written,
// its size and sha256. They go with their export (and so with its model).
export default `
CREATE TABLE packages (
  id          TEXT PRIMARY KEY,
  export_id   TEXT NOT NULL REFERENCES export_jobs (id) ON DELETE CASCADE,
  target      TEXT NOT NULL,
  path        TEXT NOT NULL,
  size        INTEGER NOT NULL CHECK (size >= 0),
  sha256      TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX packages_by_export ON packages (export_id);
`;
