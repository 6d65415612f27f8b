import type { FormatCapability } from '../../../../electron/contract';
import { takesOption, type ExportDraft } from '../../lib/export-plan';
import { imgszProblem } from '../../lib/validation';
import { CalibrationField } from './CalibrationField';
import { PrecisionField } from './PrecisionField';

/** Image size, the options the chosen formats take, the job's precision and (INT8) its calibration images. */
export function OptionsStep({
  draft,
  chosen,
  onChange,
}: {
  draft: ExportDraft;
  chosen: FormatCapability[];
  onChange: (d: ExportDraft) => void;
}) {
  const problem = imgszProblem(draft.imgsz);
  return (
    <div className="form">
      <label className="field">
        <span className="field-label">Image size</span>
        <input
          type="number"
          min={32}
          max={4096}
          step={32}
          value={draft.imgsz}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby="imgsz-help"
          onChange={(e) => onChange({ ...draft, imgsz: e.target.value })}
        />
        <span id="imgsz-help" className={problem ? 'field-error' : 'muted small'}>
          {problem ?? 'Square input in pixels; the exported model is fixed at this size.'}
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
