import { useApp } from '../store/context';
import { ErrorDetails } from './ErrorDetails';
import { ProgressBar } from './ProgressBar';

/** What happens to the checkpoint just dropped: uploading, being inspected, or why it was refused. */
export function AddStatus() {
  const adding = useApp((s) => s.adding);
  const failure = useApp((s) => s.addFailure);
  const dismiss = useApp((s) => s.dismissAddFailure);
  const trust = useApp((s) => s.trustAndRetry);

  if (adding) {
    return (
      <div className="panel add-status" role="status">
        <p>
          {adding.stage === 'uploading' ? 'Uploading' : 'Inspecting'} <strong>{adding.fileName}</strong>…
        </p>
        <ProgressBar label="Adding checkpoint" fraction={null} />
        {adding.stage === 'inspecting' && (
          <p className="muted">
            The toolchain checks the file’s pickle, loads it and reads its task and classes.
          </p>
        )}
      </div>
    );
  }
  if (!failure) return null;

  const unsafe = failure.error.code === 'UNSAFE_PICKLE' && failure.path;
  return (
    <div className="panel panel-error add-status" role="alert">
      <h3>{failure.fileName ? `${failure.fileName} was not added` : 'The checkpoint was not added'}</h3>
      <ErrorDetails error={failure.error} />
      <div className="row">
        {unsafe && (
          <button type="button" className="button-danger" onClick={() => void trust()}>
            I trust this file — add it anyway
          </button>
        )}
        <button type="button" className="button-ghost" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
