import type { ExportJob } from '../../../../electron/contract';
import { formatMs, durationBetween } from '../../lib/format';
import { useApp } from '../../store/context';
import { ErrorDetails } from '../ErrorDetails';
import { StatusBadge } from '../StatusBadge';
import { ExportSummaryTable } from './ExportSummaryTable';

/** Where the running export's progress was: how it ended, each format side by side, until dismissed. */
export function EndedExport({ job }: { job: ExportJob }) {
  const dismiss = useApp((s) => s.dismissEnded);
  const openDetail = useApp((s) => s.openDetail);
  return (
    <section className="panel ended-export" aria-label={`Export v${job.version} ended`}>
      <header className="panel-header">
        <div>
          <h2>
            Export v{job.version} ended <StatusBadge status={job.status} />
          </h2>
          <p className="muted">Took {formatMs(durationBetween(job.startedAt, job.finishedAt))}</p>
        </div>
        <div className="panel-actions">
          <button type="button" className="button-ghost" onClick={() => void openDetail(job.id)}>
            Details and log
          </button>
          <button type="button" className="button-ghost" onClick={dismiss}>
            Close summary
          </button>
        </div>
      </header>
      {job.error && <ErrorDetails error={job.error} />}
      <ExportSummaryTable job={job} />
    </section>
  );
}
