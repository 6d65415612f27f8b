import type { ComparisonRow } from '../../lib/accuracy';
import { chartGeometry } from '../../lib/accuracy-chart';
import { formatMs, formatRate } from '../../lib/format';
import { useFormatName } from '../use-format-name';

/** Accuracy against CPU latency, one labelled point per format/precision; up and to the left is better. */
export function AccuracyChart({
  rows,
  failedFormats,
  accuracyLabel,
}: {
  rows: ComparisonRow[];
  failedFormats: string[];
  accuracyLabel: string;
}) {
  const formatName = useFormatName();
  const g = chartGeometry(rows, failedFormats);
  if (g.points.length === 0) return null;
  const { plot } = g;
  return (
    <svg
      className="accuracy-chart"
      role="img"
      aria-label={`${accuracyLabel} against CPU latency`}
      viewBox={`0 0 ${g.width} ${g.height}`}
      width={g.width}
      height={g.height}
    >
      {g.yTicks.map((t) => (
        <g key={`y${t.label}`} className="tick">
          <line x1={plot.left} x2={plot.right} y1={t.at} y2={t.at} />
          <text x={plot.left - 4} y={t.at + 3} textAnchor="end">
            {t.label}
          </text>
        </g>
      ))}
      {g.xTicks.map((t) => (
        <g key={`x${t.label}`} className="tick">
          <line x1={t.at} x2={t.at} y1={plot.top} y2={plot.bottom} />
          <text x={t.at} y={plot.bottom + 13} textAnchor="middle">
            {t.label}
          </text>
        </g>
      ))}
      <text className="axis-title" x={(plot.left + plot.right) / 2} y={g.height - 4} textAnchor="middle">
        CPU latency (lower is faster)
      </text>
      {g.referenceY !== null && (
        <g className="reference">
          <line x1={plot.left} x2={plot.right} y1={g.referenceY} y2={g.referenceY} />
          <text x={plot.right} y={g.referenceY - 4} textAnchor="end">
            PyTorch original
          </text>
        </g>
      )}
      {g.points.map((p) => (
        <g
          key={`${p.format}-${p.precision}`}
          className={p.failed ? 'point failed' : 'point'}
          data-format={p.format}
        >
          <circle cx={p.x} cy={p.y} r={5}>
            <title>
              {`${formatName(p.format)} ${p.precision.toUpperCase()}: ${accuracyLabel} ${formatRate(p.accuracy)}, ${formatMs(p.latencyMs)}${p.failed ? ' — failed on accuracy' : ''}`}
            </title>
          </circle>
          <text x={p.labelX} y={p.labelY} textAnchor={p.anchor}>
            {`${formatName(p.format)} ${p.precision.toUpperCase()}${p.failed ? ' ✕' : ''}`}
          </text>
        </g>
      ))}
    </svg>
  );
}
