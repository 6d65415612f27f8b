import type { RemovalPlan } from '../../../electron/contract';
import { useApp } from '../store/context';
import { ErrorDetails } from './ErrorDetails';
import { Modal } from './Modal';

/**
 * Asks before a model is removed or an export deleted, saying what goes. With endpoints on the platform made from
 * it, the person chooses: keep everything, or deactivate / delete those endpoints there first.
 */
export function RemovalDialog() {
  const removal = useApp((s) => s.removal);
  const confirm = useApp((s) => s.confirmRemoval);
  const cancel = useApp((s) => s.cancelRemoval);
  if (!removal) return null;
  const { plan, busy, error } = removal;
  const verb = removal.kind === 'model' ? 'Remove' : 'Delete';
  const title = plan ? `${verb} ${plan.subject}?` : `${verb}…`;
  const endpoints = plan?.endpoints.length ?? 0;

  const footer = plan && (
    <>
      <button type="button" className="button-ghost" onClick={cancel} disabled={busy}>
        Keep it
      </button>
      {endpoints === 0 ? (
        <button
          type="button"
          className="button-danger"
          disabled={busy}
          onClick={() => void confirm('refuse')}
        >
          {verb}
        </button>
      ) : (
        (['deactivate', 'delete'] as const).map((choice) => (
          <button
            key={choice}
            type="button"
            className="button-danger"
            disabled={busy}
            onClick={() => void confirm(choice)}
          >
            {choice === 'delete' ? 'Delete' : 'Deactivate'} {endpoints === 1 ? 'endpoint' : 'endpoints'}, then{' '}
            {verb.toLowerCase()}
          </button>
        ))
      )}
    </>
  );

  return (
    <Modal title={title} onClose={cancel} footer={footer}>
      {plan ? (
        <PlanText plan={plan} verb={verb} />
      ) : (
        !error && <p className="muted">Checking what it takes…</p>
      )}
      {busy && plan && <p className="muted">Working…</p>}
      {error && (
        <div className="panel-error" role="alert">
          <ErrorDetails error={error} />
        </div>
      )}
    </Modal>
  );
}

function PlanText({ plan, verb }: { plan: RemovalPlan; verb: string }) {
  return (
    <div className="removal-plan">
      <p>
        {verb === 'Remove' ? 'Removing' : 'Deleting'} {plan.subject} takes{' '}
        <strong data-testid="removal-summary">{plan.summary}</strong> from this computer. It cannot be undone.
      </p>
      {plan.running !== null && (
        <p className="field-error">Export v{plan.running} is running: cancel it or let it finish first.</p>
      )}
      {plan.endpoints.length > 0 && (
        <>
          <p>
            {plan.endpoints.length === 1 ? 'An endpoint was' : `${plan.endpoints.length} endpoints were`}{' '}
            deployed from it and {plan.endpoints.length === 1 ? 'is' : 'are'} still on the platform. Removing
            without dealing with {plan.endpoints.length === 1 ? 'it' : 'them'} would leave{' '}
            {plan.endpoints.length === 1 ? 'it' : 'them'} there with nothing in Edgepack to manage{' '}
            {plan.endpoints.length === 1 ? 'it' : 'them'}:
          </p>
          <ul aria-label="Endpoints on the platform">
            {plan.endpoints.map((e) => (
              <li key={e.id}>
                <strong>{e.name}</strong> · {e.status} · from v{e.exportVersion}
                {e.endpointUrl && (
                  <>
                    {' '}
                    · <code>{e.endpointUrl}</code>
                  </>
                )}
              </li>
            ))}
          </ul>
          <p className="muted small">
            Deactivated endpoints stay on the platform, answering nothing, and stay in sight on the Models
            page (“Endpoints without an export”) to reactivate or delete; deleted ones are gone with their
            keys.
          </p>
        </>
      )}
    </div>
  );
}
