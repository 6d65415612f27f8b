import type { ExportJob, PackageRecord } from '../../../electron/contract';
import { formatBytes, formatDate } from '../lib/format';
import { useApp } from '../store/context';
import { ErrorDetails } from './ErrorDetails';
import { ProgressBar } from './ProgressBar';

const NONE: PackageRecord[] = [];

function BuiltBundle({ record }: { record: PackageRecord }) {
  const reveal = useApp((s) => s.revealPackage);
  const name = record.path.split(/[\\/]/).pop();
  return (
    <li className="bundle-item" aria-label={`Bundle ${name}`}>
      <div>
        <strong>{name}</strong>{' '}
        <span className="muted small">
          {formatBytes(record.sizeBytes)} · {formatDate(record.createdAt)} · sha256{' '}
          {record.sha256.slice(0, 12)}…
        </span>
        <p className="muted small path" title={record.path}>
          {record.path}
        </p>
      </div>
      <button type="button" aria-label={`Show ${name} in folder`} onClick={() => void reveal(record)}>
        Show in folder
      </button>
    </li>
  );
}

/**
 * "Bundle zip" on an export's detail: builds the zip (model files, metadata.json, the runtime wrappers that run them,
 * README, manifest) with its progress, and lists the bundles built, each with "Show in folder".
 */
export function BundleSection({ job }: { job: ExportJob }) {
  const build = useApp((s) => s.buildBundle);
  const progress = useApp((s) => s.packaging[job.id]);
  const error = useApp((s) => s.packageErrors[job.id]);
  const built = useApp((s) => s.packages[job.id] ?? NONE);
  const usable = job.status === 'completed' || job.status === 'partial';
  return (
    <section className="result-card" aria-label="Bundle zip">
      <header className="result-header">
        <h3>Bundle zip</h3>
        <button type="button" disabled={!usable || Boolean(progress)} onClick={() => void build(job.id)}>
          {progress ? 'Building…' : 'Build bundle'}
        </button>
      </header>
      <p className="muted small">
        One zip to carry to a device: the model files, metadata.json, the runtime wrappers that run them, a
        README and a manifest of every file&apos;s SHA-256.
      </p>
      {progress && (
        <>
          <ProgressBar label="Bundle progress" fraction={progress.fraction} />
          <p className="muted small">
            {progress.stage} {Math.round(progress.fraction * 100)} %
          </p>
        </>
      )}
      {error && (
        <div className="panel panel-error">
          <ErrorDetails error={error} />
        </div>
      )}
      {built.length > 0 && (
        <ul className="bundle-list" aria-label="Bundles built">
          {built.map((record) => (
            <BuiltBundle key={record.id} record={record} />
          ))}
        </ul>
      )}
    </section>
  );
}
