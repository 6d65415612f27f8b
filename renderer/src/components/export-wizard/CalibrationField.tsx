import { useApp } from '../../store/context';
import { ErrorDetails } from '../ErrorDetails';
import { FileButton } from '../FileButton';

/** INT8's calibration folder: typed, or chosen in a dialog (desktop) / uploaded as images (web harness). */
export function CalibrationField() {
  const calibDir = useApp((s) => s.calibDir);
  const calibImages = useApp((s) => s.calibImages);
  const busy = useApp((s) => s.calibBusy);
  const error = useApp((s) => s.calibError);
  const canPick = useApp((s) => s.canPickFolder);
  const canUpload = useApp((s) => s.canUploadFolder);
  const setCalibDir = useApp((s) => s.setCalibDir);
  const pick = useApp((s) => s.pickCalibrationFolder);
  const upload = useApp((s) => s.uploadCalibrationImages);

  return (
    <div className="field calibration">
      <label className="field">
        <span className="field-label">Calibration folder</span>
        <input
          type="text"
          className="path-input"
          placeholder="empty: Ultralytics’ sample photos"
          value={calibDir}
          aria-describedby="calib-help"
          onChange={(e) => setCalibDir(e.target.value)}
        />
      </label>
      <span className="row-actions">
        {canPick && (
          <button type="button" onClick={() => void pick()}>
            Choose folder…
          </button>
        )}
        {canUpload && (
          <FileButton
            inputLabel="Calibration images"
            accept="image/*"
            multiple
            disabled={busy}
            onFiles={upload}
          >
            {busy ? 'Uploading…' : 'Upload images…'}
          </FileButton>
        )}
      </span>
      <span id="calib-help" className="muted small">
        {calibImages !== null
          ? `${calibImages} image${calibImages === 1 ? '' : 's'} uploaded for calibration.`
          : calibDir.trim()
            ? 'Images like the ones the model will see; 32 or more give steadier INT8 scales.'
            : 'No folder: calibrated on Ultralytics’ two sample photos, with a warning on the result. 32 or more of your own images are better.'}
      </span>
      {error && <ErrorDetails error={error} />}
    </div>
  );
}
