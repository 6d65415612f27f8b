import type { CalibrationRecord, ExportJob, FormatResult } from '../../../electron/contract';
import {
  durationBetween,
  formatBytes,
  formatDate,
  formatDiff,
  formatMs,
  formatRate,
  stripAnsi,
} from '../lib/format';
import { formatRuntime } from '../lib/formats';
import { boxMatchFigure, rawDiffChecked, toleranceNote, type ParityExtras } from '../lib/parity-words';
import { useApp } from '../store/context';
import { PackagesSection } from './PackagesSection';
import { AccuracyPanel } from './accuracy/AccuracyPanel';
import { ExportSummaryTable } from './export-summary/ExportSummaryTable';
import { ErrorDetails } from './ErrorDetails';
import { FactList } from './FactList';
import { Modal } from './Modal';
import { StatusBadge } from './StatusBadge';
import { useFormatName } from './use-format-name';

const EMPTY: string[] = [];

function Figure({
  label,
  value,
  sub,
  tone,
}: {
  label: string;
  value: string;
  sub?: string;
  tone?: 'good' | 'bad';
}) {
  return (
    <div className={tone ? `figure figure-${tone}` : 'figure'}>
      <dt>{label}</dt>
      <dd>
        {value}
        {sub && <span className="figure-sub">{sub}</span>}
      </dd>
    </div>
  );
}

function imagesSub(names: string[] | undefined): string | undefined {
  if (!names?.length) return undefined;
  const synthetic = names.filter((n) => n.startsWith('synthetic')).length;
  const photos = names.length - synthetic;
  return [photos ? `${photos} photo${photos > 1 ? 's' : ''}` : '', synthetic ? `${synthetic} synthetic` : '']
    .filter(Boolean)
    .join(' + ');
}

function ParityFigures({ result, name }: { result: FormatResult; name: string }) {
  const matrix = useApp((s) => s.capabilities);
  const runtime = formatRuntime(matrix, result.format);
  const parity = result.parity;
  const extras = (parity ?? {}) as ParityExtras;
  const verdict = parity?.passed === undefined ? undefined : parity.passed ? 'good' : 'bad';
  const boxes = parity ? boxMatchFigure(parity) : null;
  const note = parity ? toleranceNote(parity) : null;
  return (
    <>
      <dl className="figures" aria-label={`Parity of ${name}`}>
        <Figure
          label="Max abs diff"
          value={formatDiff(parity?.max_abs)}
          tone={parity && rawDiffChecked(parity) ? verdict : undefined}
        />
        <Figure label="Mean abs diff" value={formatDiff(parity?.mean_abs)} />
        {boxes && <Figure label="Box match" value={boxes.value} sub={boxes.sub} tone={verdict} />}
        {parity?.top1_agreement !== undefined && parity.top1_agreement !== null && (
          <Figure label="Top-1 agreement" value={formatRate(parity.top1_agreement)} tone={verdict} />
        )}
        {parity?.top5_agreement !== undefined && parity.top5_agreement !== null && (
          <Figure label="Top-5 agreement" value={formatRate(parity.top5_agreement)} />
        )}
        <Figure
          label="Images compared"
          value={parity?.images !== undefined ? String(parity.images) : '—'}
          sub={imagesSub(extras.image_names)}
        />
        <Figure
          label="Latency (CPU)"
          value={formatMs(result.latencyMs)}
          sub={`${runtime ?? 'its runtime'}, batch 1`}
        />
        <Figure label="Size" value={formatBytes(result.bytes)} />
      </dl>
      {note && <p className="muted small">{note}</p>}
    </>
  );
}

function CalibrationNote({ calibration }: { calibration: CalibrationRecord }) {
  const source = calibration.samplePhotos ? 'Ultralytics’ sample photos' : calibration.source;
  return (
    <>
      <p className="muted small">
        INT8 calibrated on {calibration.images} image{calibration.images === 1 ? '' : 's'}: {source}
        {calibration.method ? ` — ${calibration.method}` : ''}
      </p>
      {calibration.warning && (
        <p className="warning-note" role="note" aria-label="Calibration warning">
          {calibration.warning}
        </p>
      )}
    </>
  );
}

function FormatResultCard({ result, job }: { result: FormatResult; job: ExportJob }) {
  const openSlotModel = useApp((s) => s.openSlotModel);
  const showPage = useApp((s) => s.showPage);
  const closeDetail = useApp((s) => s.closeDetail);
  const name = useFormatName()(result.format);
  const previewable = result.format === 'onnx' && !!result.path;
  const openInPlayground = () => {
    const precision = job.optimizationConfig.int8 ? 'int8' : job.optimizationConfig.half ? 'fp16' : 'fp32';
    void openSlotModel('a', result.path!, `v${job.version} · ONNX ${precision}`);
    closeDetail();
    showPage('playground');
  };
  return (
    <section className="result-card" aria-label={`${name} result`}>
      <header className="result-header">
        <h3>{name}</h3>
        <StatusBadge status={result.status} />
      </header>
      <ParityFigures result={result} name={name} />
      {result.calibration && <CalibrationNote calibration={result.calibration} />}
      {result.note && <p className="muted">{result.note}</p>}
      {result.error && <ErrorDetails error={result.error} />}
      {result.path && (
        <p className="muted small path" title={result.path}>
          {result.path}
        </p>
      )}
      {previewable && (
        <button type="button" onClick={openInPlayground}>
          Try it in the playground
        </button>
      )}
    </section>
  );
}

function Summary({ job }: { job: ExportJob }) {
  const rows: [string, string][] = [
    [
      'Version',
      `v${job.version}${job.versionTag ? ` (${job.versionTag})` : ''}${job.isDefault ? ' · default' : ''}`,
    ],
    ['Created', formatDate(job.createdAt)],
    ['Duration', formatMs(durationBetween(job.startedAt, job.finishedAt))],
    ['Ran on', job.runOn ? `${job.runOn} (Kubernetes)` : 'This computer'],
    ['Image size', job.exportConfig.imgsz ? String(job.exportConfig.imgsz) : 'as trained'],
    ['Total size', formatBytes(job.modelSizeBytes)],
    ['Checkpoint SHA-256', job.checkpointSha256.slice(0, 16) + '…'],
  ];
  return (
    <FactList rows={rows} className="summary">
      <div className="fact-wide">
        <dt>Output folder</dt>
        <dd>
          <code>{job.outputDir ?? '—'}</code>
        </dd>
      </div>
    </FactList>
  );
}

/** One export in full: what was asked, how it went, parity figures per format, and the trainer's log. */
export function ExportDetail({ job }: { job: ExportJob }) {
  const close = useApp((s) => s.closeDetail);
  const formatName = useFormatName();
  const log = useApp((s) => s.logs[job.id] ?? EMPTY);
  return (
    <Modal
      title={`Export v${job.version} — ${job.formats.map(formatName).join(', ')}`}
      subtitle={<StatusBadge status={job.status} />}
      onClose={close}
      wide
    >
      {job.error && (
        <div className="panel panel-error">
          <ErrorDetails error={job.error} />
        </div>
      )}
      <Summary job={job} />
      <ExportSummaryTable job={job} />
      {job.results.length > 0 ? (
        job.results.map((result) => <FormatResultCard key={result.format} result={result} job={job} />)
      ) : (
        <p className="muted">
          No results yet{job.status === 'running' ? ' — the export is still running.' : '.'}
        </p>
      )}
      <PackagesSection job={job} />
      <AccuracyPanel job={job} />
      <details className="log-details" open={job.status === 'failed'}>
        <summary>Log ({log.length} lines)</summary>
        <pre className="log" tabIndex={0}>
          {log.map(stripAnsi).join('\n') || '(empty)'}
        </pre>
      </details>
    </Modal>
  );
}
