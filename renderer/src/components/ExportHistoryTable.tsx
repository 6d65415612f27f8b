import type { ExportJob } from '../../../electron/contract';
import { formatBytes, formatDate } from '../lib/format';
import { isFinished } from '../store/job-merge';
import { useApp } from '../store/context';
import { DeployButton } from './deploy/DeployButton';
import { StatusBadge } from './StatusBadge';
import { useFormatName } from './use-format-name';

function ExportRow({ job }: { job: ExportJob }) {
  const openDetail = useApp((s) => s.openDetail);
  const reveal = useApp((s) => s.revealExport);
  const setDefault = useApp((s) => s.setDefaultExport);
  const askRemoval = useApp((s) => s.askRemoval);
  const cancel = useApp((s) => s.cancelExport);
  const formatName = useFormatName();

  const finished = isFinished(job.status);
  const usable = job.status === 'completed' || job.status === 'partial';
  const label = `Export v${job.version}`;

  return (
    <tr aria-label={label}>
      <td>
        <span className="version">v{job.version}</span>
        {job.versionTag && <span className="tag">{job.versionTag}</span>}
        {job.isDefault && <span className="badge badge-accent">Default</span>}
      </td>
      <td>{job.formats.map(formatName).join(', ')}</td>
      <td>{formatBytes(job.modelSizeBytes)}</td>
      <td>
        <StatusBadge status={job.status} />
        {!finished && <span className="muted small"> {Math.round(job.progress.fraction * 100)} %</span>}
      </td>
      <td>{formatDate(job.createdAt)}</td>
      <td className="actions">
        <button
          type="button"
          className="button-link"
          aria-label={`Details of ${label}`}
          onClick={() => void openDetail(job.id)}
        >
          Details
        </button>
        {finished ? (
          <>
            <button
              type="button"
              className="button-link"
              aria-label={`Reveal ${label}`}
              disabled={!job.outputDir}
              onClick={() => void reveal(job.id)}
            >
              Reveal
            </button>
            <button
              type="button"
              className="button-link"
              aria-label={`Set ${label} as default`}
              disabled={!usable || job.isDefault}
              onClick={() => void setDefault(job.id)}
            >
              Set default
            </button>
            <DeployButton job={job} label={label} />
            <button
              type="button"
              className="button-link danger"
              aria-label={`Delete ${label}`}
              onClick={() => void askRemoval('export', job.id)}
            >
              Delete
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button-link danger"
            aria-label={`Cancel ${label}`}
            onClick={() => void cancel(job.id)}
          >
            Cancel
          </button>
        )}
      </td>
    </tr>
  );
}

export function ExportHistoryTable({ jobs }: { jobs: ExportJob[] }) {
  if (jobs.length === 0) {
    return (
      <div className="empty">
        <p>No exports yet.</p>
        <p className="muted">
          Start one with “New export”: each export is checked against the original model.
        </p>
      </div>
    );
  }
  return (
    <table className="table" aria-label="Export history">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Format</th>
          <th scope="col">Size</th>
          <th scope="col">Status</th>
          <th scope="col">Created</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <ExportRow key={job.id} job={job} />
        ))}
      </tbody>
    </table>
  );
}
