import type { PreviewDifference } from '../../lib/preview-diff';

/** What changes between the two models on this image. */
export function Differences({ diff }: { diff: PreviewDifference }) {
  const same = diff.onlyA.length === 0 && diff.onlyB.length === 0 && (diff.sameTop ?? true);
  return (
    <section className="card differences" aria-label="Differences">
      <h3>Differences between A and B</h3>
      {diff.kind === 'classes' ? (
        <p>
          {diff.sameTop ? 'Same top class.' : 'The top classes differ.'} Largest confidence change{' '}
          {(diff.maxConfidenceDelta * 100).toFixed(2)} points.
        </p>
      ) : (
        <ul className="diff-figures">
          <li>
            <strong>{diff.matched}</strong> found by both (mean IoU {diff.meanIou.toFixed(3)})
          </li>
          <li>
            <strong>{diff.onlyA.length}</strong> only in A · <strong>{diff.onlyB.length}</strong> only in B
            (dashed)
          </li>
          <li>
            confidence change: max <strong>{diff.maxConfidenceDelta.toFixed(3)}</strong>, mean{' '}
            {diff.meanConfidenceDelta.toFixed(3)}
          </li>
        </ul>
      )}
      {same && <p className="muted small">Both models agree on this image.</p>}
    </section>
  );
}
