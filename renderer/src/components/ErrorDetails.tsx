import type { AppErrorShape } from '../../../electron/contract';

/** An error as people read it: what happened, what to do, and the code to search for. */
export function ErrorDetails({ error }: { error: AppErrorShape }) {
  return (
    <div className="error-details">
      <p className="error-message">{error.message}</p>
      {error.hint && <p className="error-hint">{error.hint}</p>}
      <p className="error-code">
        <code>{error.code}</code>
      </p>
    </div>
  );
}
