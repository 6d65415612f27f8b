import { useEffect, useState } from 'react';
import './accuracy.css';
import type {
  AccuracyFailure,
  AccuracyGate,
  ExportJob,
  ExportValidation,
} from '../../../../electron/contract';
import { accuracyLabel, comparisonRows, type ComparisonRow } from '../../lib/accuracy';
import { formatBytes, formatDate, formatMs, formatRate } from '../../lib/format';
import { formatSpeedup } from '../../lib/export-summary';
import { useApp } from '../../store/context';
import { ErrorDetails } from '../ErrorDetails';
import { ProgressBar } from '../ProgressBar';
import { AccuracyChart } from './AccuracyChart';
import { AccuracyThreshold } from './AccuracyThreshold';
import { useFormatName } from '../use-format-name';

const NONE: ExportValidation[] = [];

/** The table beside the chart: the same rows, failed formats marked in both. */
function Comparison(props: { job: ExportJob; validation: ExportValidation; gate: AccuracyGate | undefined }) {
  const { job, validation, gate } = props;
  const rows = comparisonRows(job, validation);
  const label = accuracyLabel(validation.rows.find((r) => r.figures)?.figures);
  const failed = (gate?.failures ?? []).filter((f) => !f.override).map((f) => f.format);
  return (
    <div className="comparison-view">
      <ComparisonTable job={job} rows={rows} label={label} gate={gate} />
      <AccuracyChart rows={rows} failedFormats={failed} accuracyLabel={label} />
    </div>
  );
}

function ComparisonTable({
  job,
  rows,
  label,
  gate,
}: {
  job: ExportJob;
  rows: ComparisonRow[];
  label: string;
  gate: AccuracyGate | undefined;
}) {
  const formatName = useFormatName();
  const override = useApp((s) => s.overrideAccuracy);
  return (
    <table className="table comparison" aria-label="Accuracy per format">
      <thead>
        <tr>
          <th>Format</th>
          <th>Precision</th>
          <th>Size</th>
          <th>CPU latency</th>
          <th>vs PyTorch</th>
          <th>{label}</th>
          <th>Drop vs PyTorch</th>
          <th>Threshold</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.format} className={failureOf(gate, row.format) ? 'failed-accuracy' : undefined}>
            <td>{row.format === 'pytorch' ? 'PyTorch (original)' : formatName(row.format)}</td>
            <td>{row.precision.toUpperCase()}</td>
            <td>{formatBytes(row.bytes)}</td>
            <td>{formatMs(row.latencyMs)}</td>
            <td>{row.format === 'pytorch' ? '—' : formatSpeedup(row.speedup)}</td>
            <td>
              {row.error ? <span title={row.error}>failed</span> : formatRate(row.accuracy)}
              {row.partial && ' (partial)'}
            </td>
            <td>{row.dropPoints === null ? '—' : `${row.dropPoints > 0 ? '+' : ''}${row.dropPoints} pts`}</td>
            <td>
              <GateCell
                failure={failureOf(gate, row.format)}
                onOverride={() => void override(job.id, row.format)}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const failureOf = (gate: AccuracyGate | undefined, format: string) =>
  gate?.failures.find((f) => f.format === format);

/** Passed, failed on accuracy (kept out of packages and deploys) with the override button, or overridden. */
function GateCell({ failure, onOverride }: { failure: AccuracyFailure | undefined; onOverride: () => void }) {
  if (!failure) return <span className="muted">—</span>;
  if (failure.override)
    return <span title={`Overridden ${formatDate(failure.override.at)}`}>failed · shipped anyway</span>;
  return (
    <span className="gate-failed">
      failed on accuracy{' '}
      <button type="button" className="button-ghost" onClick={onOverride}>
        Ship anyway
      </button>
    </span>
  );
}

/** Accuracy on the person's labelled data: pick a dataset, validate, read the comparison table. */
export function AccuracyPanel({ job }: { job: ExportJob }) {
  const runs = useApp((s) => s.validations[job.id] ?? NONE);
  const progress = useApp((s) => s.validating[job.id]);
  const error = useApp((s) => s.validationErrors[job.id] ?? null);
  const load = useApp((s) => s.loadValidations);
  const gate = useApp((s) => s.accuracyGates[job.id]);
  const loadGate = useApp((s) => s.loadAccuracyGate);
  const validate = useApp((s) => s.validateExport);
  const cancel = useApp((s) => s.cancelValidation);
  const pick = useApp((s) => s.pickDatasetFolder);
  const canPick = useApp((s) => s.canPickFolder);
  const [data, setData] = useState('');
  useEffect(() => void load(job.id), [job.id, load]);
  useEffect(() => void loadGate(job.id), [job.id, runs, loadGate]);
  if (job.status !== 'completed' && job.status !== 'partial') return null;
  const latest = runs[0];
  const confirmable = error?.code === 'CLASS_NAMES_MISMATCH' && error.hint.includes('--accept-names');
  return (
    <section className="result-card accuracy" aria-label="Accuracy on your data">
      <header className="result-header">
        <h3>Accuracy on your data</h3>
      </header>
      <div className="row-actions">
        <input
          type="text"
          className="path-input"
          aria-label="Dataset"
          placeholder="data.yaml, or a folder with images/ and labels/ (class folders for classification)"
          value={data}
          onChange={(e) => setData(e.target.value)}
        />
        {canPick && (
          <button type="button" onClick={() => void pick().then((p) => p && setData(p))}>
            Choose folder…
          </button>
        )}
        {progress ? (
          <button type="button" onClick={() => void cancel(job.id)}>
            Stop (keep the figures so far)
          </button>
        ) : (
          <button type="button" disabled={!data.trim()} onClick={() => void validate(job.id, data.trim())}>
            Validate
          </button>
        )}
      </div>
      {progress && <ProgressBar label={`Validating: ${progress.stage}`} fraction={progress.fraction} />}
      {error && <ErrorDetails error={error} />}
      {confirmable && !progress && (
        <button type="button" onClick={() => void validate(job.id, data.trim(), true)}>
          They are the same classes in the same order — validate with the model’s names
        </button>
      )}
      {latest && latest.rows.length > 0 && (
        <>
          <p className="muted small">
            {latest.dataset} · {latest.images} images · {formatDate(latest.createdAt)}
            {latest.status === 'partial' ? ' · stopped early: partial figures' : ''}
          </p>
          <AccuracyThreshold exportId={job.id} />
          <Comparison job={job} validation={latest} gate={gate} />
        </>
      )}
    </section>
  );
}
