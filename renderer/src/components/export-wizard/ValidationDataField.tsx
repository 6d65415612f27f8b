import { useApp } from '../../store/context';

/** Optional labelled data: the job then measures each format's accuracy on it (and the checkpoint's) after export. */
export function ValidationDataField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const canPick = useApp((s) => s.canPickFolder);
  const pick = useApp((s) => s.pickDatasetFolder);
  return (
    <div className="field">
      <label className="field">
        <span className="field-label">Accuracy on your data (optional)</span>
        <input
          type="text"
          className="path-input"
          placeholder="data.yaml, or a folder with images/ and labels/ (class folders for classification)"
          value={value}
          aria-describedby="validation-data-help"
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      {canPick && (
        <span className="row-actions">
          <button type="button" onClick={() => void pick().then((p) => p && onChange(p))}>
            Choose folder…
          </button>
        </span>
      )}
      <span id="validation-data-help" className="muted small">
        mAP (or top-1) of each format and of the original, as `yolo val` computes them; the labels are checked
        first.
      </span>
    </div>
  );
}
