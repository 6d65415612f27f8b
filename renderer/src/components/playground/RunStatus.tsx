import { ProgressBar } from '../ProgressBar';
import { useApp } from '../../store/context';

/** Handing files to the core, then running every image through each model: progress and Cancel. */
export function RunStatus() {
  const preparing = useApp((s) => s.preparing);
  const a = useApp((s) => s.slots.a.run);
  const b = useApp((s) => s.slots.b.run);
  const compare = useApp((s) => s.compare);
  const cancel = useApp((s) => s.cancelRuns);
  const runs = [a, compare ? b : null].filter((r): r is NonNullable<typeof a> => !!r);
  const running = runs.filter((r) => r.status === 'running');
  if (preparing) {
    return (
      <div className="run-status" role="status">
        <span>
          Preparing images {preparing.done}/{preparing.total}
        </span>
        <ProgressBar label="Preparing images" fraction={preparing.done / Math.max(1, preparing.total)} />
      </div>
    );
  }
  if (runs.length === 0) return null;
  const done = runs.reduce((n, r) => n + r.done, 0);
  const total = runs.reduce((n, r) => n + r.total, 0);
  const failed = runs.reduce((n, r) => n + r.failed, 0);
  const status = running.length
    ? 'running'
    : runs.some((r) => r.status === 'cancelled')
      ? 'cancelled'
      : 'done';
  return (
    <div className="run-status" role="status" data-status={status}>
      <span>
        {status === 'running' ? 'Running' : status === 'cancelled' ? 'Cancelled at' : 'Ran'} {done}/{total}{' '}
        {total === 1 ? 'image' : 'images'}
        {failed > 0 && <span className="muted"> · {failed} could not be read</span>}
      </span>
      <ProgressBar label="Predicting images" fraction={done / Math.max(1, total)} />
      {running.length > 0 && (
        <button type="button" onClick={() => void cancel()}>
          Cancel
        </button>
      )}
    </div>
  );
}
