import type { PreviewResult, PreviewTimings } from '../../../../electron/contract';

/** The stages in the order they run, and the words for them; a stage shows only when it took time. */
const STAGES: { key: keyof PreviewTimings; label: string; always?: boolean }[] = [
  { key: 'open', label: 'model check' },
  { key: 'load', label: 'session creation' },
  { key: 'decode', label: 'decode', always: true },
  { key: 'preprocess', label: 'preprocess', always: true },
  { key: 'inference', label: 'inference', always: true },
  { key: 'postprocess', label: 'postprocess', always: true },
  { key: 'other', label: 'other' },
];

/** The stages that make the model's outputs: when those are reused, they show as first measured. */
const COMPUTED = new Set<keyof PreviewTimings>(['load', 'decode', 'preprocess', 'inference']);

/**
 * Milliseconds per stage, adding up to the total. When the model saw this image before, its outputs are reused:
 * the stages that made them show as first measured (greyed), the others are this call's.
 */
export function TimingTable({ result }: { result: PreviewResult }) {
  const now = result.timings;
  const earlier = (key: keyof PreviewTimings) => !!result.firstRun && COMPUTED.has(key);
  const value = (key: keyof PreviewTimings) => (earlier(key) ? result.firstRun![key] : now[key]);
  return (
    <dl className="timings" aria-label="Timings">
      {STAGES.filter((s) => s.always || value(s.key) >= 0.05).map(({ key, label }) => (
        <div key={key} className={earlier(key) ? 'timing timing-skipped' : 'timing'} data-stage={key}>
          <dt>{label}</dt>
          <dd>{value(key).toFixed(1)} ms</dd>
        </div>
      ))}
      <div className="timing timing-total" data-stage="total">
        <dt>total</dt>
        <dd>{now.total.toFixed(1)} ms</dd>
      </div>
      {result.reused && (
        <p className="muted small timing-note">
          Seen before: its model outputs were reused, so only post-processing ran now; the greyed stages are
          from its first run and not in the total.
        </p>
      )}
      {!result.reused && now.load >= 0.05 && (
        <p className="muted small timing-note">
          Session creation: onnxruntime loads the model on its first image only.
        </p>
      )}
    </dl>
  );
}
