// Which remote target (remote_targets.name) an export ran on; NULL for one run on this computer. A remote job left
// `running` by a process that died is reconciled through its target (its Kubernetes Job and S3 objects removed).
export default `
ALTER TABLE export_jobs ADD COLUMN remote_target TEXT;
`;
