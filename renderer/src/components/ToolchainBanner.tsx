import { useApp } from '../store/context';
import { ErrorDetails } from './ErrorDetails';
import { ProgressBar } from './ProgressBar';

/** Shown while the export toolchain is missing or broken, with the button that sets it up. */
export function ToolchainBanner() {
  const doctor = useApp((s) => s.doctor);
  const ensuring = useApp((s) => s.ensuringToolchain);
  const progress = useApp((s) => s.toolchainProgress);
  const lines = useApp((s) => s.toolchainLines);
  const error = useApp((s) => s.toolchainError);
  const ensure = useApp((s) => s.ensureToolchain);

  if (!ensuring && !error && (!doctor || doctor.ok)) return null;

  return (
    <section className="banner" aria-label="Export toolchain">
      <div className="banner-text">
        <h2>{ensuring ? 'Setting up the export toolchain…' : 'The export toolchain is not ready'}</h2>
        {!ensuring && doctor && (
          <ul className="problems">
            {doctor.problems.map((p) => (
              <li key={p.message}>
                {p.message} <span className="muted">Fix: {p.fix}</span>
              </li>
            ))}
          </ul>
        )}
        {!ensuring && error && <ErrorDetails error={error} />}
        {ensuring && (
          <>
            <ProgressBar label="Toolchain setup progress" fraction={progress?.fraction ?? null} />
            <p className="muted">
              {progress ? `${progress.stage}: ` : ''}
              {lines[lines.length - 1] ?? 'Creating the Python environment…'}
            </p>
          </>
        )}
      </div>
      {!ensuring && (
        <button type="button" className="button-primary" onClick={() => void ensure()}>
          Set up toolchain
        </button>
      )}
    </section>
  );
}
