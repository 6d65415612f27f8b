import { useEffect, useMemo, useRef } from 'react';
import type { ExportJob } from '../../../electron/contract';
import { stripAnsi, warningsInLog } from '../lib/format';
import { useApp } from '../store/context';
import { ProgressBar } from './ProgressBar';
import { useFormatName } from './use-format-name';

const EMPTY: string[] = [];

/** The export that is running now: stage, progress bar, the trainer's log as it arrives, and Cancel. */
export function ActiveExport({ job }: { job: ExportJob }) {
  const log = useApp((s) => s.logs[job.id] ?? EMPTY);
  const cancel = useApp((s) => s.cancelExport);
  const formatName = useFormatName();
  const logRef = useRef<HTMLPreElement>(null);
  // The trainer's warnings (e.g. INT8 calibrated on too few images) stay in view while the log scrolls on.
  const warnings = useMemo(() => warningsInLog(log), [log]);

  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [log.length]);

  return (
    <section className="panel active-export" aria-label={`Running export v${job.version}`}>
      <header className="panel-header">
        <div>
          <h2>
            Exporting v{job.version} to {job.formats.map(formatName).join(', ')}
          </h2>
          <p className="muted">
            {job.status === 'pending' ? 'Waiting to start…' : `Stage: ${job.progress.stage || 'starting'}`} ·{' '}
            {Math.round(job.progress.fraction * 100)} %
          </p>
        </div>
        <button type="button" className="button-ghost" onClick={() => void cancel(job.id)}>
          Cancel export
        </button>
      </header>
      <ProgressBar label={`Progress of export v${job.version}`} fraction={job.progress.fraction} />
      {warnings.length > 0 && (
        <ul className="warning-list" aria-label="Warnings">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <pre className="log" ref={logRef} aria-label="Export log" tabIndex={0}>
        {log.length ? log.map(stripAnsi).join('\n') : 'Waiting for the trainer…'}
      </pre>
    </section>
  );
}
