import { IMGSZ_POLICY, type FormatCapability } from '../../../../electron/contract';
import { takesOption, type ExportDraft } from '../../lib/export-plan';
import { imgszProblem, imgszWarning } from '../../lib/validation';
import { CalibrationField } from './CalibrationField';
import { PrecisionField } from './PrecisionField';
import { ValidationDataField } from './ValidationDataField';

/**
 * Image size, the options the chosen formats take, the job's precision and (INT8) its calibration images. A size that
 * is not a multiple of the model's stride is allowed: the trainer rounds it up, and this says so in its words.
 */
export function OptionsStep({
  draft,
  chosen,
  stride,
  onChange,
}: {
  draft: ExportDraft;
  chosen: FormatCapability[];
  /** The model's largest stride (its card), else the one the trainers assume. */
  stride: number;
  onChange: (d: ExportDraft) => void;
}) {
  const problem = imgszProblem(draft.imgsz);
  const warning = imgszWarning(draft.imgsz, stride);
  return (
    <div className="form">
      <label className="field">
        <span className="field-label">Image size</span>
        <input
          type="number"
          min={IMGSZ_POLICY.minimum}
          max={IMGSZ_POLICY.maximum}
          step={stride}
          value={draft.imgsz}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby="imgsz-help"
          onChange={(e) => onChange({ ...draft, imgsz: e.target.value })}
        />
        <span
          id="imgsz-help"
          className={problem ? 'field-error' : warning ? 'field-warning' : 'muted small'}
          role={warning ? 'note' : undefined}
        >
          {problem ??
            warning ??
            `Square input in pixels, a multiple of the model stride ${stride}; the exported model is fixed at this size.`}
        </span>
      </label>
      {takesOption(chosen, 'simplify') && (
        <label className="toggle">
          <input
            type="checkbox"
            checked={draft.simplify}
            onChange={(e) => onChange({ ...draft, simplify: e.target.checked })}
          />
          <span>
            Simplify graph <span className="muted small">— fold constants and fuse operators (onnxslim)</span>
          </span>
        </label>
      )}
      <PrecisionField
        chosen={chosen}
        value={draft.precision}
        onChange={(precision) => onChange({ ...draft, precision })}
      />
      {draft.precision === 'int8' && <CalibrationField />}
      <ValidationDataField
        value={draft.validationData}
        onChange={(validationData) => onChange({ ...draft, validationData })}
      />
      <label className="field">
        <span className="field-label">Version tag (optional)</span>
        <input
          type="text"
          maxLength={64}
          placeholder="e.g. release-candidate"
          value={draft.versionTag}
          onChange={(e) => onChange({ ...draft, versionTag: e.target.value })}
        />
      </label>
    </div>
  );
}
