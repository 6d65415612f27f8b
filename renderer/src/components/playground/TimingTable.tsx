import type { PreviewResult } from '../../../../electron/contract';

const STAGES = ['decode', 'preprocess', 'inference', 'postprocess'] as const;

/** Milliseconds per stage; after a threshold change only post-processing ran. */
export function TimingTable({ result }: { result: PreviewResult }) {
  const t = result.timings;
  return (
    <dl className="timings" aria-label="Timings">
      {STAGES.map((stage) => (
        <div
          key={stage}
          className={result.reused && stage !== 'postprocess' ? 'timing timing-skipped' : 'timing'}
        >
          <dt>{stage}</dt>
          <dd>{result.reused && stage !== 'postprocess' ? '—' : `${t[stage].toFixed(1)} ms`}</dd>
        </div>
      ))}
      <div className="timing timing-total">
        <dt>total</dt>
        <dd>{t.total.toFixed(1)} ms</dd>
      </div>
      {result.reused && <p className="muted small timing-note">Thresholds changed: post-processing only.</p>}
      {t.load >= 1 && (
        <p className="muted small timing-note">+ {t.load.toFixed(0)} ms loading the model (first use).</p>
      )}
    </dl>
  );
}
