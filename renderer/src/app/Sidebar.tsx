import type { Page } from '../store';
import { useApp } from '../store/context';

const PAGES: { id: Page; label: string }[] = [
  { id: 'models', label: 'Models' },
  { id: 'exports', label: 'Export' },
  { id: 'playground', label: 'Playground' },
  { id: 'settings', label: 'Settings' },
];

function ToolchainStatus() {
  const doctor = useApp((s) => s.doctor);
  const checking = useApp((s) => s.checkingToolchain);
  const ultralytics = doctor?.packages.find((p) => p.name.toLowerCase() === 'ultralytics');
  // The last report shows at once; "checking" only before the very first one (the refresh runs quietly).
  const text =
    checking && !doctor ? 'Checking toolchain…' : doctor?.ok ? 'Toolchain ready' : 'Toolchain not ready';
  return (
    <div className="toolchain-status" role="status">
      <span className={doctor?.ok ? 'dot dot-ok' : 'dot dot-warn'} aria-hidden="true" />
      <span>
        {text}
        {doctor?.ok && ultralytics?.installed && (
          <span className="muted small"> · ultralytics {ultralytics.installed}</span>
        )}
      </span>
    </div>
  );
}

export function Sidebar() {
  const page = useApp((s) => s.page);
  const showPage = useApp((s) => s.showPage);
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Edgepack
      </div>
      <nav aria-label="Main">
        <ul>
          {PAGES.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className={page === p.id ? 'nav-item nav-item-current' : 'nav-item'}
                aria-current={page === p.id ? 'page' : undefined}
                onClick={() => showPage(p.id)}
              >
                {p.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <ToolchainStatus />
    </aside>
  );
}
