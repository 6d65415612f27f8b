import { useEffect, useState } from 'react';
import { useApp } from '../../store/context';

/** The global setting: fail a format whose accuracy drops more than N points below the PyTorch original. */
export function AccuracyThreshold({ exportId }: { exportId: string }) {
  const stored = useApp((s) => s.maxDropPoints);
  const load = useApp((s) => s.loadAccuracyThreshold);
  const save = useApp((s) => s.setAccuracyThreshold);
  // null: the person has not typed since the last save, the field shows the stored threshold.
  const [typed, setTyped] = useState<string | null>(null);
  useEffect(() => void load(), [load]);
  const text = typed ?? (stored === null || stored === undefined ? '' : String(stored));
  const points = text.trim() === '' ? null : Number(text);
  const invalid = points !== null && (!Number.isFinite(points) || points < 0 || points > 100);
  return (
    <form
      className="row-actions threshold"
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid) void save(points, exportId).then(() => setTyped(null));
      }}
    >
      <label htmlFor={`max-drop-${exportId}`}>Fail a format whose accuracy drops more than</label>
      <input
        id={`max-drop-${exportId}`}
        type="number"
        min={0}
        max={100}
        step={0.1}
        className="points-input"
        placeholder="off"
        value={text}
        onChange={(e) => setTyped(e.target.value)}
        aria-invalid={invalid}
      />
      <span>points below the PyTorch original</span>
      <button type="submit" disabled={invalid || points === (stored ?? null)}>
        Save threshold
      </button>
      {invalid && (
        <span className="error-text">Give points between 0 and 100, or leave it empty for no threshold.</span>
      )}
    </form>
  );
}
