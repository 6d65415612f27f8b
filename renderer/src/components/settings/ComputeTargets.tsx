import { useEffect, useState, type FormEvent } from 'react';
import type { RemoteTarget } from '../../../../electron/contract';
import { useApp } from '../../store/context';
import { ErrorDetails } from '../ErrorDetails';

const EMPTY = { name: '', context: '', namespace: '', bucket: '', image: '', s3Endpoint: '', kubeconfig: '' };
type Fields = typeof EMPTY;

/** Settings → Compute targets: Kubernetes clusters exports can run on, added with the same checks as the CLI. */
export function ComputeTargets() {
  const targets = useApp((s) => s.remoteTargets);
  const error = useApp((s) => s.targetsError);
  const load = useApp((s) => s.loadTargets);
  const remove = useApp((s) => s.removeTarget);
  const [adding, setAdding] = useState(false);
  useEffect(() => void load(), [load]);

  return (
    <section className="card compute-targets" aria-label="Compute targets">
      <div className="card-header">
        <div>
          <h2>Compute targets</h2>
          <p className="muted small">
            Where an export can run besides this computer: a Kubernetes namespace (from your kubeconfig, as
            kubectl reads it) and the S3 bucket the checkpoint and results travel through. Mark a target GPU
            to build TensorRT engines there.
          </p>
        </div>
        {!adding && (
          <button type="button" className="button-primary" onClick={() => setAdding(true)}>
            Add target
          </button>
        )}
      </div>
      {targets === undefined ? (
        <p className="muted">Loading…</p>
      ) : targets.length === 0 ? (
        <p className="muted">No compute targets yet: exports run on this computer.</p>
      ) : (
        <table className="table" aria-label="Compute targets list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Context</th>
              <th>Namespace</th>
              <th>Bucket</th>
              <th>GPU</th>
              <th>Image</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {targets.map((t) => (
              <TargetRow key={t.name} target={t} onRemove={() => void remove(t.name)} />
            ))}
          </tbody>
        </table>
      )}
      {adding ? <AddTargetForm onDone={() => setAdding(false)} /> : error && <ErrorDetails error={error} />}
    </section>
  );
}

function TargetRow({ target, onRemove }: { target: RemoteTarget; onRemove: () => void }) {
  return (
    <tr>
      <td>{target.name}</td>
      <td>{target.context}</td>
      <td>{target.namespace}</td>
      <td>{target.s3Endpoint ? `${target.bucket} (${target.s3Endpoint})` : target.bucket}</td>
      <td>{target.gpu ? 'yes' : 'no'}</td>
      <td>
        <code>{target.image}</code>
      </td>
      <td>
        <button
          type="button"
          className="button-ghost"
          aria-label={`Remove ${target.name}`}
          onClick={onRemove}
        >
          Remove
        </button>
      </td>
    </tr>
  );
}

function AddTargetForm({ onDone }: { onDone: () => void }) {
  const add = useApp((s) => s.addTarget);
  const error = useApp((s) => s.targetsError);
  const clearError = useApp((s) => s.clearTargetsError);
  const [fields, setFields] = useState<Fields>(EMPTY);
  const [gpu, setGpu] = useState(false);
  const [saving, setSaving] = useState(false);
  const field = (key: keyof Fields, label: string, placeholder: string, required = true) => (
    <label>
      {label}
      <input
        value={fields[key]}
        placeholder={placeholder}
        required={required}
        onChange={(e) => setFields({ ...fields, [key]: e.target.value })}
      />
    </label>
  );
  const optional = (value: string) => (value.trim() ? value.trim() : undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    const ok = await add({
      kind: 'k8s',
      name: fields.name,
      context: fields.context,
      namespace: fields.namespace,
      bucket: fields.bucket,
      gpu,
      image: optional(fields.image),
      s3Endpoint: optional(fields.s3Endpoint),
      kubeconfig: optional(fields.kubeconfig),
    });
    setSaving(false);
    if (ok) {
      setFields(EMPTY);
      onDone();
    }
  };

  return (
    <form className="target-form" aria-label="Add a compute target" onSubmit={(e) => void submit(e)}>
      {field('name', 'Name', 'gpu-cluster')}
      {field('context', 'Kubernetes context', 'kind-edgepack')}
      {field('namespace', 'Namespace', 'edgepack')}
      {field('bucket', 'S3 bucket', 'edgepack-exports')}
      {field('s3Endpoint', 'S3 endpoint (optional)', 'AWS S3; or http://minio.local:9000', false)}
      {field('image', 'Trainer image (optional)', 'edgepack-trainer:<version>', false)}
      {field('kubeconfig', 'Kubeconfig file (optional)', 'KUBECONFIG, else ~/.kube/config', false)}
      <label className="checkbox">
        <input type="checkbox" checked={gpu} onChange={(e) => setGpu(e.target.checked)} />
        Its nodes have NVIDIA GPUs (TensorRT)
      </label>
      {error && <ErrorDetails error={error} />}
      <div className="row">
        <button type="submit" className="button-primary" disabled={saving}>
          {saving ? 'Checking…' : 'Add target'}
        </button>
        <button
          type="button"
          className="button-ghost"
          onClick={() => {
            clearError();
            onDone();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
