import { useEffect, useMemo } from 'react';
import { Differences } from '../components/playground/Differences';
import { ImageDropZone } from '../components/playground/ImageDropZone';
import { ImageList } from '../components/playground/ImageList';
import { ModelSlotCard } from '../components/playground/ModelSlotCard';
import { RunStatus } from '../components/playground/RunStatus';
import { Thresholds } from '../components/playground/Thresholds';
import { Viewer } from '../components/playground/Viewer';
import { compareResults } from '../lib/preview-diff';
import { useApp } from '../store/context';

/** Drop images on an exported model and see what it sees, timed; two exports side by side. */
export function PlaygroundPage() {
  const loadChoices = useApp((s) => s.loadOnnxChoices);
  const compare = useApp((s) => s.compare);
  const setCompare = useApp((s) => s.setCompare);
  const images = useApp((s) => s.images);
  const selectedId = useApp((s) => s.selectedImageId);
  const a = useApp((s) => s.slots.a);
  const b = useApp((s) => s.slots.b);
  const image = images.find((i) => i.id === selectedId) ?? null;
  const resultA = image?.path ? a.results[image.path] : undefined;
  const resultB = image?.path ? b.results[image.path] : undefined;
  const diff = useMemo(
    () => (compare && resultA && resultB ? compareResults(resultA, resultB) : null),
    [compare, resultA, resultB],
  );
  const unmatchedA = useMemo(() => new Set(diff?.kind === 'detections' ? diff.onlyA : []), [diff]);
  const unmatchedB = useMemo(() => new Set(diff?.kind === 'detections' ? diff.onlyB : []), [diff]);

  useEffect(() => {
    void loadChoices();
  }, [loadChoices]);

  return (
    <div className="page playground">
      <header className="page-header">
        <div>
          <h1>Playground</h1>
          <p className="muted">
            What an exported model sees: drop images, move the thresholds, compare two exports.
          </p>
        </div>
        {!compare && (
          <button type="button" onClick={() => setCompare(true)}>
            Compare two models
          </button>
        )}
      </header>
      <div className={compare ? 'slots slots-two' : 'slots'}>
        <ModelSlotCard slot="a" />
        {compare && <ModelSlotCard slot="b" />}
      </div>
      <ImageDropZone />
      <RunStatus />
      {images.length > 0 && (
        <div className="playground-body">
          <ImageList />
          <div className="playground-main">
            <Thresholds />
            {image && (
              <div className={compare ? 'viewers viewers-two' : 'viewers'}>
                <Viewer slot="a" image={image} unmatched={unmatchedA} maxWidth={compare ? 520 : 900} />
                {compare && <Viewer slot="b" image={image} unmatched={unmatchedB} maxWidth={520} />}
              </div>
            )}
            {diff && <Differences diff={diff} />}
          </div>
        </div>
      )}
    </div>
  );
}
