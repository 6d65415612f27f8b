import { useState } from 'react';
import { isDetection, type Deployment } from '../../../../electron/contract';
import { useApp } from '../../store/context';
import { ServerTimes } from './ServerTimes';

const COLOURS = ['#e4572e', '#29335c', '#17bebb', '#f3a712', '#669bbc', '#8338ec'];

/** Sends one image to the live endpoint with the key, as any client would, and draws what comes back. */
export function EndpointPlayground({
  deployment,
  apiKey,
}: {
  deployment: Deployment;
  apiKey: string | null;
}) {
  const test = useApp((s) => s.endpointTests[deployment.id]);
  const run = useApp((s) => s.testDeployment);
  const [pastedKey, setPastedKey] = useState('');
  const [confidence, setConfidence] = useState(0.5);
  const key = apiKey ?? pastedKey;
  const result = test?.result ?? null;
  // A classifier answers classes, not boxes: no Box column of dashes.
  const boxes = result?.predictions.some(isDetection) ?? false;

  return (
    <section className="endpoint-playground" aria-label="Test playground">
      <h4>Test playground</h4>
      {!apiKey && (
        <label>
          API key
          <input
            type="password"
            value={pastedKey}
            placeholder="paste the key (or regenerate one)"
            onChange={(e) => setPastedKey(e.target.value)}
            autoComplete="off"
          />
        </label>
      )}
      <div className="row">
        <label>
          Confidence {confidence.toFixed(2)}
          <input
            type="range"
            min={0.05}
            max={0.95}
            step={0.05}
            value={confidence}
            onChange={(e) => setConfidence(Number(e.target.value))}
          />
        </label>
        <label>
          Test image
          <input
            type="file"
            accept="image/*"
            disabled={!key || test?.running}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void run(deployment.id, file, key, confidence);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      {test?.running && <p className="muted">Sending {test.imageName} to the endpoint…</p>}
      {test?.error && (
        <div className="error-details" role="alert">
          <p className="error-message">
            {test.error.code}: {test.error.message}
          </p>
          {test.error.hint && <p className="error-hint">{test.error.hint}</p>}
        </div>
      )}
      {result && test?.imageUrl && (
        <div className="endpoint-result">
          <div className="endpoint-image">
            <img src={test.imageUrl} alt={`Sent: ${test.imageName}`} />
            {result.image &&
              result.predictions.map((p, i) => {
                if (!isDetection(p)) return null;
                const [x1, y1, x2, y2] = p.bbox;
                const { width, height } = result.image!;
                return (
                  <span
                    key={i}
                    className="endpoint-box"
                    style={{
                      left: `${(x1 / width) * 100}%`,
                      top: `${(y1 / height) * 100}%`,
                      width: `${((x2 - x1) / width) * 100}%`,
                      height: `${((y2 - y1) / height) * 100}%`,
                      borderColor: COLOURS[p.class_id % COLOURS.length],
                    }}
                  >
                    <span style={{ background: COLOURS[p.class_id % COLOURS.length] }}>
                      {p.class} {p.confidence.toFixed(2)}
                    </span>
                  </span>
                );
              })}
          </div>
          <div>
            <p className="muted small">
              {result.predictions.length} {boxes ? 'objects' : 'classes'} · HTTP {result.status} · model v
              {result.modelVersion} · <ServerTimes result={result} />
            </p>
            <table className="table" aria-label="Endpoint predictions">
              <thead>
                <tr>
                  <th scope="col">Class</th>
                  <th scope="col">Confidence</th>
                  {boxes && <th scope="col">Box (x1, y1, x2, y2)</th>}
                </tr>
              </thead>
              <tbody>
                {result.predictions.map((p, i) => (
                  <tr key={i}>
                    <td>{p.class}</td>
                    <td>{p.confidence.toFixed(3)}</td>
                    {isDetection(p) && <td>{p.bbox.map((v) => Math.round(v)).join(', ')}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
