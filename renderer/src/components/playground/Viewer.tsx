import { useEffect, useRef, useState } from 'react';
import { isDetection, type PreviewResult } from '../../../../electron/contract';
import { canvasToPng } from '../../lib/canvas-png';
import { drawResult, fitScale } from '../../lib/preview-draw';
import { ErrorDetails } from '../ErrorDetails';
import { useApp } from '../../store/context';
import { imageUrl } from '../../store/preview';
import type { PreviewImage, SlotId } from '../../store/types';
import { TimingTable } from './TimingTable';

const images = new Map<string, Promise<HTMLImageElement>>();

/** Loads (once) the dropped file for drawing; EXIF orientation is applied, as the core applies it. */
function loadImage(url: string): Promise<HTMLImageElement> {
  let pending = images.get(url);
  if (!pending) {
    pending = new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error('the browser cannot display this image'));
      img.src = url;
    });
    images.set(url, pending);
    if (images.size > 50) images.delete(images.keys().next().value!);
  }
  return pending;
}

interface ViewerProps {
  slot: SlotId;
  image: PreviewImage;
  /** Predictions the other model did not find, drawn dashed. */
  unmatched?: ReadonlySet<number>;
  maxWidth: number;
}

/** One model's view of the selected image: the drawing, the timings, the list, and "save annotated image". */
export function Viewer({ slot, image, unmatched, maxWidth }: ViewerProps) {
  const state = useApp((s) => s.slots[slot]);
  const result = image.path ? state.results[image.path] : undefined;
  const failure = image.error ?? (image.path ? state.failures[image.path] : undefined);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawError, setDrawError] = useState<string | null>(null);
  const url = imageUrl(image.id);

  useEffect(() => {
    if (!result || !canvas.current || !url) return;
    let cancelled = false;
    loadImage(url).then(
      (img) => {
        if (cancelled || !canvas.current) return;
        const scale = fitScale(result.image.width, result.image.height, maxWidth, 640);
        canvas.current.width = Math.round(result.image.width * scale);
        canvas.current.height = Math.round(result.image.height * scale);
        drawResult(canvas.current.getContext('2d')!, img, result, { scale, unmatched });
        setDrawError(null);
      },
      (error: Error) => !cancelled && setDrawError(error.message),
    );
    return () => {
      cancelled = true;
    };
  }, [result, url, maxWidth, unmatched]);

  const save = async () => {
    if (!result || !url) return;
    const img = await loadImage(url);
    const scale = fitScale(result.image.width, result.image.height, 8192, 8192);
    const full = document.createElement('canvas');
    full.width = Math.round(result.image.width * Math.min(1, scale));
    full.height = Math.round(result.image.height * Math.min(1, scale));
    drawResult(full.getContext('2d')!, img, result, { scale: Math.min(1, scale), unmatched });
    const blob = canvasToPng(full);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${image.name.replace(/\.[^.]+$/, '')}-${slot}-annotated.png`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };

  return (
    <figure className="viewer" aria-label={`Predictions ${slot.toUpperCase()}`}>
      <figcaption>
        <span className="slot-letter">{slot.toUpperCase()}</span> {state.label ?? 'No model'}
      </figcaption>
      {failure ? (
        <div className="panel-error" role="alert">
          <ErrorDetails error={failure} />
        </div>
      ) : !result ? (
        <p className="muted viewer-waiting">{state.model ? 'Predicting…' : 'Choose a model above.'}</p>
      ) : (
        <>
          <canvas
            ref={canvas}
            className="viewer-canvas"
            data-predictions={result.predictions.length}
            data-masks={result.predictions.filter((p) => isDetection(p) && p.mask).length}
            data-keypoints={result.predictions.reduce(
              (n, p) => n + ((isDetection(p) && p.keypoints?.length) || 0),
              0,
            )}
          />
          {drawError && (
            <p className="muted small">
              {image.name}: {drawError}; the predictions are listed below.
            </p>
          )}
          {result.notices.map((n) => (
            <p key={n.code} className="notice notice-info small">
              {n.message}
            </p>
          ))}
          <TimingTable result={result} />
          <PredictionList result={result} unmatched={unmatched} />
          <button type="button" onClick={() => void save()}>
            Save annotated image
          </button>
        </>
      )}
    </figure>
  );
}

function PredictionList({ result, unmatched }: { result: PreviewResult; unmatched?: ReadonlySet<number> }) {
  if (result.task === 'classify') {
    return (
      <table className="table predictions" aria-label="Top classes">
        <tbody>
          {result.predictions.map((c) => (
            <tr key={c.class_id}>
              <td>{c.class}</td>
              <td className="numeric">{(c.confidence * 100).toFixed(1)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (result.predictions.length === 0) return <p className="muted">Nothing found at these thresholds.</p>;
  return (
    <table className="table predictions" aria-label="Detections">
      <thead>
        <tr>
          <th>Class</th>
          <th className="numeric">Confidence</th>
          <th>Box (x1, y1, x2, y2)</th>
        </tr>
      </thead>
      <tbody>
        {result.predictions
          .filter(isDetection)
          .slice(0, 100)
          .map((p, i) => (
            <tr key={i} className={unmatched?.has(i) ? 'unmatched' : undefined}>
              <td>
                {p.class}
                {p.keypoints ? ` · ${p.keypoints.length} keypoints` : ''}
                {unmatched?.has(i) ? ' · only here' : ''}
              </td>
              <td className="numeric">{p.confidence.toFixed(3)}</td>
              <td className="numeric">{p.bbox.map((v) => Math.round(v)).join(', ')}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
