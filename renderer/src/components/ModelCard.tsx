import type { ModelRecord } from '../../../electron/contract';
import { formatBytes, formatDate, formatImgsz } from '../lib/format';
import { modelDetailRows } from '../lib/model-details';
import { OnnxFacts } from './OnnxFacts';

const frameworkNames: Record<string, string> = { ultralytics: 'Ultralytics YOLO', onnx: 'ONNX' };

/** Everything Edgepack learned about a dropped checkpoint. */
export function ModelCard({
  model,
  onExport,
  onRemove,
}: {
  model: ModelRecord;
  onExport: () => void;
  onRemove: () => void;
}) {
  const details = modelDetailRows(model.details);
  return (
    <article className="card model-card" aria-label={`Model ${model.name}`}>
      <header className="card-header">
        <div>
          <h2>{model.name}</h2>
          <p className="muted path" title={model.storedPath} aria-label="Kept at">
            Kept at {model.storedPath}
          </p>
        </div>
        <div className="row">
          <button type="button" className="button-ghost" onClick={onRemove}>
            Remove
          </button>
          <button type="button" className="button-primary" onClick={onExport}>
            Export this model
          </button>
        </div>
      </header>
      <dl className="facts">
        <div>
          <dt>Framework</dt>
          <dd>{frameworkNames[model.framework] ?? model.framework}</dd>
        </div>
        <div>
          <dt>Task</dt>
          <dd>{model.task ?? '—'}</dd>
        </div>
        <div>
          <dt>Input size</dt>
          <dd>{formatImgsz(model.imgsz)}</dd>
        </div>
        <div>
          <dt>File size</dt>
          <dd>{formatBytes(model.sizeBytes)}</dd>
        </div>
        <div>
          <dt>Classes</dt>
          <dd>{model.classNames.length}</dd>
        </div>
        <div>
          <dt>Added</dt>
          <dd>{formatDate(model.createdAt)}</dd>
        </div>
        <div className="fact-wide">
          <dt>SHA-256</dt>
          <dd>
            <code className="hash">{model.sha256}</code>
          </dd>
        </div>
        {details.map(({ label, value }) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {model.framework === 'onnx' && <OnnxFacts model={model} />}
      <section aria-label="Class names">
        <h3>Class names</h3>
        <ul className="chips">
          {model.classNames.map((name, index) => (
            <li key={`${index}-${name}`} className="chip">
              <span className="chip-index">{index}</span> {name}
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
