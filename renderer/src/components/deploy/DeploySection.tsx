import './deploy.css';
import { useEffect, useMemo, useState } from 'react';
import type { ExportJob } from '../../../../electron/contract';
import { useApp } from '../../store/context';
import { EndpointCard } from './EndpointCard';
import { PlatformSettings } from './PlatformSettings';

/** The Deploy section of the Export page: the platform, and an endpoint card per deployment of these exports. */
export function DeploySection({ jobs }: { jobs: ExportJob[] }) {
  const settings = useApp((s) => s.deploySettings);
  const all = useApp((s) => s.deployments);
  const setupFor = useApp((s) => s.deploySetupFor);
  const deploying = useApp((s) => s.deployingExportId);
  const loadSettings = useApp((s) => s.loadDeploySettings);
  const loadDeployments = useApp((s) => s.loadDeployments);
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    void loadSettings();
    void loadDeployments();
  }, [loadSettings, loadDeployments]);

  const versions = useMemo(() => new Map(jobs.map((j) => [j.id, j.version])), [jobs]);
  const deployments = Object.values(all)
    .filter((d) => d.exportId && versions.has(d.exportId) && d.status !== 'deleted')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  return (
    <section className="panel" aria-label="Deploy">
      <header className="panel-header">
        <h2>Deploy</h2>
        <span className="muted small">
          {settings?.endpoint ? `Platform ${settings.endpoint}` : 'No platform set'}{' '}
          <button type="button" className="button-link" onClick={() => setEditing(true)}>
            {settings?.endpoint ? 'Change' : 'Set up'}
          </button>
        </span>
      </header>
      {(editing || setupFor) && <PlatformSettings onDone={() => setEditing(false)} />}
      {deploying && <p className="muted">Uploading the export to the platform…</p>}
      {deployments.length === 0 ? (
        <div className="empty">
          <p className="muted">
            No endpoints yet. “Deploy” on a finished ONNX export gives a URL and an API key.
          </p>
        </div>
      ) : (
        deployments.map((d) => <EndpointCard key={d.id} deployment={d} />)
      )}
    </section>
  );
}
