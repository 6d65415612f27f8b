import type { Deployment } from '../../../../electron/contract';
import { Modal } from '../Modal';

/** Asks before an endpoint stops answering, saying what that means for the people calling it. */
export function DeactivateDialog({
  deployment: d,
  onConfirm,
  onCancel,
}: {
  deployment: Deployment;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const requests = d.usage.requestCount;
  return (
    <Modal
      title={`Deactivate ${d.name}?`}
      onClose={onCancel}
      footer={
        <>
          <button type="button" className="button-ghost" onClick={onCancel}>
            Keep it active
          </button>
          <button type="button" className="button-danger" onClick={onConfirm}>
            Deactivate
          </button>
        </>
      }
    >
      <p>
        Every request to <code>{d.endpointUrl}</code> is refused (HTTP 403) until you reactivate it
        {requests > 0
          ? ` — it has answered ${requests} ${requests === 1 ? 'request' : 'requests'} so far`
          : ''}
        . Its key, usage figures and history are kept.
      </p>
    </Modal>
  );
}
