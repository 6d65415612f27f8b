import type { CapabilityMatrix, ExportFormat } from '../../../../electron/contract';
import { cardFacts } from '../../lib/export-plan';
import { byCardOrder, formatText } from '../../lib/formats';

const CONVERTER_TEXT = {
  installed: 'installed',
  'first use': 'installs on first use',
  missing: 'not installed',
};
const BUILD_TEXT = { here: 'builds here', deferred: 'deferred build', no: 'cannot build here' };
const CHECK_TEXT = { parity: 'parity-checked here', structural: 'structural check only' };

/** One card per format in the matrix, for the model's task; several can be chosen for one job. */
export function FormatCards({
  matrix,
  task,
  chosen,
  onToggle,
}: {
  matrix: CapabilityMatrix;
  task: string | null;
  chosen: ExportFormat[];
  onToggle: (id: ExportFormat) => void;
}) {
  return (
    <div className="format-grid" role="group" aria-label="Formats">
      {byCardOrder(matrix.formats).map((format) => {
        const id = format.id as ExportFormat;
        const facts = cardFacts(format, task, matrix.toolchainReady);
        const text = formatText(id);
        const picked = chosen.includes(id);
        const whyId = `format-why-${id}`;
        return (
          <button
            key={id}
            type="button"
            role="checkbox"
            aria-checked={picked}
            aria-label={format.label}
            aria-describedby={facts.why ? whyId : undefined}
            className={picked ? 'format-card format-card-selected' : 'format-card'}
            disabled={!facts.selectable}
            onClick={() => onToggle(id)}
          >
            <span className="format-card-head">
              <span className="format-name">{format.label}</span>
              {facts.quality ? (
                <span className={`badge badge-quality-${facts.quality}`}>{facts.quality}</span>
              ) : (
                <span className="badge badge-neutral">{facts.supported ? 'unknown' : 'unsupported'}</span>
              )}
            </span>
            <span className="format-summary">{text.summary}</span>
            <span className="muted small">{text.runsOn}</span>
            <span className="format-facts small">
              <span>converter {CONVERTER_TEXT[facts.converter]}</span> ·{' '}
              <span>{BUILD_TEXT[facts.build]}</span> · <span>{CHECK_TEXT[facts.check]}</span>
            </span>
            <span className="muted small">
              precisions: {format.precisions.map((p) => p.toUpperCase()).join(' / ')}
            </span>
            {facts.why && (
              <span id={whyId} className="format-why small">
                {facts.why}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}
