import { useState } from 'react';
import type { Deployment } from '../../../../electron/contract';
import { useApp } from '../../store/context';

/** Deactivate asks first, saying what stops (its key is refused) and what stays (URL, key, history). */
export function DeactivateButton({ deployment: d }: { deployment: Deployment }) {
  const setActive = useApp((s) => s.setDeploymentActive);
  const [asking, setAsking] = useState(false);

  if (d.status === 'inactive') {
    return (
      <button type="button" className="button-link" onClick={() => void setActive(d.id, true)}>
        Reactivate
      </button>
    );
  }
  if (!asking) {
    return (
      <button type="button" className="button-link" onClick={() => setAsking(true)}>
        Deactivate
      </button>
    );
  }
  return (
    <span className="confirm-inline" role="group" aria-label="Confirm deactivate">
      <span className="small">
        Deactivate {d.name}? Every request to {d.endpointUrl ?? 'its URL'} is refused (HTTP 403) until you
        reactivate it; the URL, the key and the usage stay.
      </span>
      <button
        type="button"
        className="button-link danger"
        onClick={() => {
          setAsking(false);
          void setActive(d.id, false);
        }}
      >
        Deactivate now
      </button>
      <button type="button" className="button-link" onClick={() => setAsking(false)}>
        Keep it running
      </button>
    </span>
  );
}
