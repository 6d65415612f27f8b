import type { CapabilityMatrix, ExportFormat, FormatCapability } from '../../../../electron/contract';
import type { CardFacts } from '../../lib/export-plan';
import { byCardOrder, formatText } from '../../lib/formats';

const CONVERTER_TEXT = {
  installed: 'installed',
  'first use': 'installs on first use',
  missing: 'not installed',
};
const BUILD_TEXT = { here: 'builds here', deferred: 'deferred build', no: 'cannot build here' };
const CHECK_TEXT = { parity: 'parity-checked here', structural: 'structural check only' };

/** One card per format in the matrix, with what it says for this model; several can be chosen for one job. */
export function FormatCards({
  matrix,
  factsOf,
  chosen,
  onToggle,
}: {
  matrix: CapabilityMatrix;
  factsOf: (format: FormatCapability) => CardFacts;
  chosen: ExportFormat[];
  onToggle: (id: ExportFormat) => void;
}) {
  return (
    <div className="format-grid" role="group" aria-label="Formats">
      {byCardOrder(matrix.formats).map((format) => {
        const id = format.id as ExportFormat;
        const facts = factsOf(format);
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
              <span className="format-name">
                <span
                  className="format-tick"
                  aria-hidden="true"
                  data-testid={picked ? 'format-tick' : undefined}
                >
                  {picked ? '✓' : ''}
                </span>
                {format.label}
              </span>
              {facts.asIs ? (
                <span className="badge badge-neutral">as it is</span>
              ) : facts.quality ? (
                <span className={`badge badge-quality-${facts.quality}`}>{facts.quality}</span>
              ) : (
                <span className="badge badge-neutral">{facts.supported ? 'unknown' : 'unsupported'}</span>
              )}
            </span>
            <span className="format-summary">{text.summary}</span>
            <span className="muted small">{text.runsOn}</span>
            {facts.asIs ? (
              <span className="format-facts small">kept as it is · no conversion</span>
            ) : (
              <span className="format-facts small">
                <span>converter {CONVERTER_TEXT[facts.converter]}</span> ·{' '}
                <span>{BUILD_TEXT[facts.build]}</span> · <span>{CHECK_TEXT[facts.check]}</span>
              </span>
            )}
            {!facts.asIs && (
              <span className="muted small">
                precisions: {format.precisions.map((p) => p.toUpperCase()).join(' / ')}
              </span>
            )}
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
