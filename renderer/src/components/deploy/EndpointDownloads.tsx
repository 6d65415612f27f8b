import type { Deployment } from '../../../../electron/contract';
import { formatBytes, formatDate } from '../../lib/format';
import { useApp } from '../../store/context';
import { CopyButton } from './CopyButton';

/**
 * The serving version's files on the platform — model.onnx, metadata.json and the bundle zip — as presigned links
 * (fetched when asked: they expire), with each file's size and SHA-256; and, right after a deploy from here, what
 * happened to the bundle.
 */
export function EndpointDownloads({ deployment: d }: { deployment: Deployment }) {
  const state = useApp((s) => s.endpointDownloads[d.id] ?? null);
  const bundle = useApp((s) => s.deployedBundles[d.id] ?? null);
  const load = useApp((s) => s.loadDeploymentDownloads);
  // The desktop app opens no remote page (security.ts stops navigation away): there the link is copied instead.
  const desktop = useApp((s) => s.canShowInFolder);
  const links = state?.downloads ?? null;

  return (
    <section className="endpoint-downloads" aria-label="Downloads">
      {bundle?.status === 'uploaded' && (
        <p className="muted small" aria-label="Bundle zip">
          Bundle zip uploaded ({formatBytes(bundle.sizeBytes)},{' '}
          {bundle.reused ? 'the up-to-date bundle package' : 'built for this deploy'}).
        </p>
      )}
      {bundle?.status === 'skipped' && (
        <p className="field-error small" aria-label="Bundle zip">
          No bundle zip: {bundle.message} {bundle.hint}
        </p>
      )}
      <button
        type="button"
        className="button-link"
        disabled={state?.loading ?? false}
        onClick={() => void load(d.id)}
      >
        {links ? 'Renew download links' : 'Get download links'}
      </button>
      {state?.error && <p className="field-error">{state.error.message}</p>}
      {links && (
        <>
          <p className="muted small">
            Version {links.version}; the links work for anyone holding them until{' '}
            {formatDate(links.expiresAt)}.
          </p>
          <ul aria-label="Download links">
            {links.files.map((f) => (
              <li key={f.name}>
                {desktop ? (
                  <strong>{f.name}</strong>
                ) : (
                  <a href={f.url} download={f.name} rel="noreferrer">
                    {f.name}
                  </a>
                )}{' '}
                {f.sizeBytes !== null && <span className="muted small">{formatBytes(f.sizeBytes)}</span>}{' '}
                {f.sha256 && (
                  <code className="small" title={f.sha256} aria-label={`${f.name} SHA-256`}>
                    sha256 {f.sha256.slice(0, 16)}…
                  </code>
                )}{' '}
                <CopyButton text={f.url} label={`Copy the ${f.name} link`} />
              </li>
            ))}
          </ul>
          {!links.files.some((f) => f.name === 'bundle.zip') && (
            <p className="muted small">
              This version has no bundle zip: it was deployed without one (by an older Edgepack, or the bundle
              could not be made then).
            </p>
          )}
        </>
      )}
    </section>
  );
}
