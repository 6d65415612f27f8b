// Remote targets (issue #17): a Kubernetes context + namespace whose Jobs run the trainer, and the S3 bucket the
// checkpoint and artifacts travel through. Only where things are, never a credential: those stay in the kubeconfig
// and the standard AWS chain.
export default `
CREATE TABLE remote_targets (
  name         TEXT PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('k8s')),
  context      TEXT NOT NULL,
  namespace    TEXT NOT NULL,
  bucket       TEXT NOT NULL,
  s3_endpoint  TEXT,
  s3_region    TEXT,
  gpu          INTEGER NOT NULL CHECK (gpu IN (0, 1)),
  image        TEXT NOT NULL,
  kubeconfig   TEXT,
  created_at   TEXT NOT NULL
);
`;
