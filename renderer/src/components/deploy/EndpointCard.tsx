import { useState } from 'react';
import type { Deployment } from '../../../../electron/contract';
import { formatDate } from '../../lib/format';
import { useApp } from '../../store/context';
import { CopyButton } from './CopyButton';
import { DeactivateDialog } from './DeactivateDialog';
import { EndpointDownloads } from './EndpointDownloads';
import { EndpointPlayground } from './EndpointPlayground';
import { useLiveUsage } from './use-live-usage';

const TONE: Record<string, string> = {
  active: 'success',
  deploying: 'info',
  inactive: 'warning',
  failed: 'danger',
  deleted: 'neutral',
};

/**
 * One hosted endpoint: URL, the key (shown once), usage, a curl command, lifecycle, download links (the bundle zip
 * too), playground and history.
 */
export function EndpointCard({ deployment: d }: { deployment: Deployment }) {
  const apiKey = useApp((s) => s.revealedKeys[d.id] ?? null);
  const setActive = useApp((s) => s.setDeploymentActive);
  const regenerate = useApp((s) => s.regenerateDeploymentKey);
  const remove = useApp((s) => s.deleteDeployment);
  const refresh = useApp((s) => s.refreshDeployment);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmDeactivate, setConfirmDeactivate] = useState(false);
  const curl = apiKey && d.curl ? d.curl.replace('$EDGEPACK_KEY', apiKey) : d.curl;
  const avg = d.usage.averageInferenceTimeMs;
  useLiveUsage(d.id, d.status === 'active');

  return (
    <article className="card endpoint-card" aria-label={`Endpoint ${d.name}`}>
      <header className="card-header">
        <h3>
          {d.name}{' '}
          <span className={`badge badge-${TONE[d.status] ?? 'neutral'}`} aria-label="Status">
            {d.status}
          </span>
        </h3>
        <div className="actions">
          <button type="button" className="button-link" onClick={() => void refresh(d.id)}>
            Refresh
          </button>
          {d.status === 'inactive' ? (
            <button type="button" className="button-link" onClick={() => void setActive(d.id, true)}>
              Reactivate
            </button>
          ) : (
            <button type="button" className="button-link" onClick={() => setConfirmDeactivate(true)}>
              Deactivate
            </button>
          )}
          {confirmDelete ? (
            <>
              <button type="button" className="button-link" onClick={() => setConfirmDelete(false)}>
                Cancel
              </button>
              <button type="button" className="button-link danger" onClick={() => void remove(d.id)}>
                Confirm delete
              </button>
            </>
          ) : (
            <button type="button" className="button-link danger" onClick={() => setConfirmDelete(true)}>
              Delete
            </button>
          )}
        </div>
      </header>
      {confirmDelete && (
        <p className="note note-warning" aria-label="What deleting removes">
          Deleting removes {d.name} from the platform: {d.endpointUrl ?? 'its URL'} stops answering, its key
          stops working, and it cannot be reactivated. The history here is kept.
        </p>
      )}
      {confirmDeactivate && (
        <DeactivateDialog
          deployment={d}
          onCancel={() => setConfirmDeactivate(false)}
          onConfirm={() => {
            setConfirmDeactivate(false);
            void setActive(d.id, false);
          }}
        />
      )}
      <dl className="endpoint-facts">
        <dt>URL</dt>
        <dd>
          <code aria-label="Endpoint URL">{d.endpointUrl}</code>{' '}
          {d.endpointUrl && <CopyButton text={d.endpointUrl} label="Copy URL" />}
        </dd>
        <dt>API key</dt>
        <dd>
          {apiKey ? (
            <>
              <code aria-label="API key">{apiKey}</code> <CopyButton text={apiKey} label="Copy key" />
              <p className="muted small" role="note">
                Shown only once: store it now. It cannot be shown again, only regenerated.
              </p>
            </>
          ) : (
            <code>{d.keyPrefix}</code>
          )}{' '}
          <button type="button" className="button-link" onClick={() => void regenerate(d.id)}>
            Regenerate key
          </button>
        </dd>
        <dt>Usage</dt>
        <dd aria-label="Usage">
          {d.usage.requestCount} {d.usage.requestCount === 1 ? 'request' : 'requests'}
          {avg !== null ? ` · ${avg} ms average server time (decode to answer)` : ''} · last{' '}
          {d.usage.lastRequestAt ? formatDate(d.usage.lastRequestAt) : 'never'}
        </dd>
        <dt>Limit</dt>
        <dd>
          {d.rateLimitPerMinute ?? '—'} requests/min ({d.tier ?? '—'} tier)
        </dd>
        {d.error && (
          <>
            <dt>Error</dt>
            <dd className="field-error">{d.error}</dd>
          </>
        )}
      </dl>
      {curl && (
        <div className="endpoint-curl">
          <pre aria-label="curl command">{curl}</pre>
          <CopyButton text={curl} label="Copy curl command" />
        </div>
      )}
      {d.status !== 'deleted' && <EndpointDownloads deployment={d} />}
      {d.status !== 'deleted' && <EndpointPlayground deployment={d} apiKey={apiKey} />}
      <details>
        <summary>History ({d.history.length})</summary>
        <ol className="endpoint-history" aria-label="Deployment history">
          {d.history.map((h, i) => (
            <li key={i}>
              <span className="muted small">{formatDate(h.at)}</span> {h.event}: {h.statusBefore ?? '—'} →{' '}
              {h.statusAfter ?? '—'}
            </li>
          ))}
        </ol>
      </details>
    </article>
  );
}
