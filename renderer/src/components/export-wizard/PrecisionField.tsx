import type { FormatCapability } from '../../../../electron/contract';
import { PRECISION_LABEL, PRECISIONS, precisionChoice, type Precision } from '../../lib/export-plan';

const WHAT: Record<Precision, string> = {
  fp32: 'full precision, the reference',
  fp16: 'half-size weights; the speed-up depends on the target',
  int8: 'smaller and usually faster; calibrated on images, checked against FP32',
};

/** FP32 / FP16 / INT8 for the whole job; a precision a chosen format does not offer is disabled, saying which. */
export function PrecisionField({
  chosen,
  value,
  onChange,
}: {
  chosen: FormatCapability[];
  value: Precision;
  onChange: (p: Precision) => void;
}) {
  return (
    <fieldset className="field precision" role="radiogroup" aria-label="Precision">
      <legend className="field-label">Precision</legend>
      {PRECISIONS.map((p) => {
        const choice = precisionChoice(p, chosen);
        const whyId = `precision-why-${p}`;
        return (
          <label key={p} className={choice.allowed ? 'toggle' : 'toggle toggle-disabled'}>
            <input
              type="radio"
              name="precision"
              value={p}
              checked={value === p}
              disabled={!choice.allowed}
              aria-describedby={whyId}
              onChange={() => onChange(p)}
            />
            <span>
              {PRECISION_LABEL[p]}{' '}
              <span id={whyId} className="muted small">
                — {choice.reason ?? WHAT[p]}
              </span>
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
