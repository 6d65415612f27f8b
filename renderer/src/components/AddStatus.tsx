import { useState } from 'react';
import { useApp } from '../store/context';
import { ErrorDetails } from './ErrorDetails';
import { ProgressBar } from './ProgressBar';

/** What happens to the checkpoint just dropped: uploading, being inspected, or why it was refused. */
export function AddStatus() {
  const adding = useApp((s) => s.adding);
  const failure = useApp((s) => s.addFailure);
  const dismiss = useApp((s) => s.dismissAddFailure);
  const trust = useApp((s) => s.trustAndRetry);
  const [confirming, setConfirming] = useState(false);

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
  const close = () => {
    setConfirming(false);
    dismiss();
  };

  const unsafe = failure.error.code === 'UNSAFE_PICKLE' && failure.path;
  return (
    <div className="panel panel-error add-status" role="alert">
      <h3>{failure.fileName ? `${failure.fileName} was not added` : 'The checkpoint was not added'}</h3>
      <ErrorDetails error={failure.error} />
      {unsafe && confirming ? (
        <div className="trust-confirm" role="group" aria-label="Confirm loading an unsafe checkpoint">
          <p>
            <strong>Load {failure.fileName || 'this file'} anyway?</strong> Loading it lets the file run the
            code named above, with your permissions. Edgepack then loads it inside a sandbox where this system
            has one (bubblewrap on Linux: no network, nothing writable outside the job’s folder;{' '}
            <code>edgepack doctor</code> says), and every export of this model is loaded the same way.
            Continue only if you know where the file came from.
          </p>
          <div className="row">
            <button
              type="button"
              className="button-danger"
              onClick={() => {
                setConfirming(false);
                void trust();
              }}
            >
              Load it anyway
            </button>
            <button type="button" className="button-ghost" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="row">
          {unsafe && (
            <button type="button" className="button-danger" onClick={() => setConfirming(true)}>
              I trust this file…
            </button>
          )}
          <button type="button" className="button-ghost" onClick={close}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
