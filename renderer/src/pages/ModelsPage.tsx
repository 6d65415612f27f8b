import { AddStatus } from '../components/AddStatus';
import { DetachedEndpoints } from '../components/deploy/DetachedEndpoints';
import { DropZone } from '../components/DropZone';
import { ModelCard } from '../components/ModelCard';
import { ModelList } from '../components/ModelList';
import { useApp } from '../store/context';

export function ModelsPage() {
  const models = useApp((s) => s.models);
  const selectedId = useApp((s) => s.selectedModelId);
  const showPage = useApp((s) => s.showPage);
  const askRemoval = useApp((s) => s.askRemoval);
  const selected = models.find((m) => m.id === selectedId) ?? null;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Models</h1>
          <p className="muted">
            Add a trained checkpoint or an ONNX model; Edgepack inspects it and keeps a copy in its data
            folder.
          </p>
        </div>
      </header>
      <DropZone />
      <AddStatus />
      {models.length > 0 && (
        <div className="models-layout">
          <ModelList />
          {selected && (
            <ModelCard
              model={selected}
              onExport={() => showPage('exports')}
              onRemove={() => void askRemoval('model', selected.id)}
            />
          )}
        </div>
      )}
      <DetachedEndpoints />
    </div>
  );
}
