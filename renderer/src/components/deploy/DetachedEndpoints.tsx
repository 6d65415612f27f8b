import './deploy.css';
import { useEffect } from 'react';
import { useApp } from '../../store/context';
import { EndpointCard } from './EndpointCard';

/**
 * Endpoints still on the platform whose export was removed (deactivated first, as the person chose): kept in sight
 * here, with their card, so they can be reactivated or deleted — never lost track of.
 */
export function DetachedEndpoints() {
  const all = useApp((s) => s.deployments);
  const loadDeployments = useApp((s) => s.loadDeployments);
  useEffect(() => {
    void loadDeployments();
  }, [loadDeployments]);
  const detached = Object.values(all).filter((d) => d.exportId === null && d.status !== 'deleted');
  if (detached.length === 0) return null;
  return (
    <section className="panel" aria-label="Endpoints without an export">
      <header className="panel-header">
        <h2>Endpoints without an export</h2>
        <span className="muted small">
          Their export was removed; they are still on the platform. Reactivate or delete them here.
        </span>
      </header>
      {detached.map((d) => (
        <EndpointCard key={d.id} deployment={d} />
      ))}
    </section>
  );
}
