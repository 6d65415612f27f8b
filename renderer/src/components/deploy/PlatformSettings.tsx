import { useState, type FormEvent } from 'react';
import { useApp } from '../../store/context';

/** Platform URL and account token; the token goes to the OS keychain (desktop) or a 0600 file (web harness). */
export function PlatformSettings({ onDone }: { onDone: () => void }) {
  const settings = useApp((s) => s.deploySettings);
  const error = useApp((s) => s.deployError);
  const waiting = useApp((s) => s.deploySetupFor);
  const save = useApp((s) => s.saveDeploySettings);
  const cancel = useApp((s) => s.cancelDeploySetup);
  const [endpoint, setEndpoint] = useState(settings?.endpoint ?? 'http://127.0.0.1:8080');
  const [token, setToken] = useState('');
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    const ok = await save(endpoint.trim(), token.trim());
    setSaving(false);
    if (ok) onDone();
  };

  return (
    <form className="card deploy-settings" aria-label="Platform settings" onSubmit={(e) => void submit(e)}>
      <label>
        Platform URL
        <input value={endpoint} onChange={(e) => setEndpoint(e.target.value)} required />
      </label>
      <label>
        Account token
        <input
          type="password"
          value={token}
          placeholder={settings?.hasToken ? 'stored — leave empty to keep it' : 'epk_acct_…'}
          onChange={(e) => setToken(e.target.value)}
          autoComplete="off"
        />
      </label>
      <p className="muted small">
        {settings?.storage === 'keychain'
          ? 'The token is kept encrypted by the OS keychain.'
          : 'The token is kept in a file in the data folder only you can read.'}
      </p>
      {error && (
        <div className="error-details" role="alert">
          <p className="error-message">
            {error.code}: {error.message}
          </p>
          {error.hint && <p className="error-hint">{error.hint}</p>}
        </div>
      )}
      <div className="row">
        <button type="submit" className="button-primary" disabled={saving}>
          {waiting ? 'Save and deploy' : 'Save'}
        </button>
        <button
          type="button"
          className="button-ghost"
          onClick={() => {
            cancel();
            onDone();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
