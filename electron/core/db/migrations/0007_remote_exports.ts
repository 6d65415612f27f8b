// Which remote target (remote_targets.name) an export ran on, NULL for one run on this computer, and the platform's id
// for its registration (remote_ref): a remote job left `running` by a process that stopped is followed again by the
// next one from it.
export default `
ALTER TABLE export_jobs ADD COLUMN remote_target TEXT;
ALTER TABLE export_jobs ADD COLUMN remote_ref TEXT;
`;
