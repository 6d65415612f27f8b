import {
  NEEDS_FORMAT_CODES,
  type ExportFormat,
  type ExportJob,
  type PackageListed,
  type PackageTargetInfo,
} from '../../../electron/contract';
import { formatBytes, formatDate } from '../lib/format';
import { useApp } from '../store/context';
import { packageKey } from '../store/packages';
import { ErrorDetails } from './ErrorDetails';
import { ProgressBar } from './ProgressBar';

const NONE: PackageListed[] = [];

function BuiltPackage({ record }: { record: PackageListed }) {
  const reveal = useApp((s) => s.revealPackage);
  const name = record.path.split(/[\\/]/).pop();
  return (
    <li className="bundle-item" aria-label={`Package ${name}`}>
      <div>
        <strong>{name}</strong>{' '}
        <span className="muted small">
          {formatBytes(record.sizeBytes)} · {formatDate(record.createdAt)} · sha256{' '}
          {record.sha256.slice(0, 12)}…
        </span>
        <p className="muted small path" title={record.path}>
          {record.missing ? <strong>Missing: moved or deleted. </strong> : null}
          {record.path}
        </p>
      </div>
      <button
        type="button"
        aria-label={`Show ${name} in folder`}
        disabled={record.missing}
        onClick={() => void reveal(record)}
      >
        Show in folder
      </button>
    </li>
  );
}

/** When the export lacks the target's format: make that export of the same model, then the package — or not. */
function FormatOffer({ job, info }: { job: ExportJob; info: PackageTargetInfo }) {
  const make = useApp((s) => s.exportAndPackage);
  const dismiss = useApp((s) => s.dismissPackageError);
  const format = info.requiredFormat as ExportFormat;
  return (
    <div className="panel" role="group" aria-label={`Make a ${format} export for ${info.title}`}>
      <p>
        The {info.title} package needs a {format} model, and this export has none. Make a {format} export of
        the same model now, then its {info.title} package?
      </p>
      <button type="button" onClick={() => void make(job, info.target, format)}>
        Make the {format} export and the package
      </button>{' '}
      <button type="button" onClick={() => dismiss(job.id, info.target)}>
        Not now
      </button>
    </div>
  );
}

function PackageCard({ job, info }: { job: ExportJob; info: PackageTargetInfo }) {
  const build = useApp((s) => s.buildPackage);
  const progress = useApp((s) => s.packaging[packageKey(job.id, info.target)]);
  const error = useApp((s) => s.packageErrors[packageKey(job.id, info.target)]);
  const built = (useApp((s) => s.packages[job.id]) ?? NONE).filter((p) => p.target === info.target);
  const usable = job.status === 'completed' || job.status === 'partial';
  return (
    <section className="package-card" aria-label={info.title}>
      <header className="result-header">
        <h4>{info.title}</h4>
        <button
          type="button"
          aria-label={`Build ${info.title}`}
          disabled={!usable || Boolean(progress)}
          onClick={() => void build(job.id, info.target)}
        >
          {progress ? 'Building…' : built.length > 0 ? 'Rebuild' : 'Build'}
        </button>
      </header>
      <p className="muted small">{info.contains}</p>
      <p className="muted small">Needs: {info.needs}</p>
      {progress && (
        <>
          <ProgressBar label={`${info.title} progress`} fraction={progress.fraction} />
          <p className="muted small">
            {progress.making ? `exporting to ${progress.making}, then ` : ''}
            {progress.stage} {Math.round(progress.fraction * 100)} %
          </p>
        </>
      )}
      {error && NEEDS_FORMAT_CODES.includes(error.code) && info.requiredFormat ? (
        <FormatOffer job={job} info={info} />
      ) : (
        error && (
          <div className="panel panel-error">
            <ErrorDetails error={error} />
          </div>
        )
      )}
      {built.length > 0 && (
        <ul className="bundle-list" aria-label={`${info.title} packages built`}>
          {built.map((record) => (
            <BuiltPackage key={record.id} record={record} />
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * "Packages" on an export's detail: a card per target (the bundle zip, iOS, Android, …: what it holds and needs), each
 * with its build button and progress, and the packages built from this export, each with "Show in folder".
 */
export function PackagesSection({ job }: { job: ExportJob }) {
  const targets = useApp((s) => s.packageTargets);
  return (
    <section className="result-card" aria-label="Packages">
      <h3>Packages</h3>
      <div className="package-cards">
        {targets.map((info) => (
          <PackageCard key={info.target} job={job} info={info} />
        ))}
      </div>
    </section>
  );
}
