import { useApp } from '../store/context';
import { formatImgsz } from '../lib/format';

export function ModelList() {
  const models = useApp((s) => s.models);
  const selected = useApp((s) => s.selectedModelId);
  const select = useApp((s) => s.selectModel);
  if (models.length === 0) return null;
  return (
    <nav className="model-list" aria-label="Models">
      <h2 className="section-title">Your models</h2>
      <ul>
        {models.map((model) => (
          <li key={model.id}>
            <button
              type="button"
              className={model.id === selected ? 'model-item model-item-selected' : 'model-item'}
              aria-current={model.id === selected ? 'true' : undefined}
              onClick={() => select(model.id)}
            >
              <span className="model-item-name">{model.name}</span>
              <span className="muted">
                {model.task ?? model.framework} · {formatImgsz(model.imgsz)} · {model.classNames.length}{' '}
                classes
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
