import { barFractions, type SummaryRow } from '../../lib/export-summary';
import { formatBytes, formatMs } from '../../lib/format';

interface Bar {
  label: string;
  value: string;
  fraction: number | null;
  reference?: boolean;
}

function BarGroup({ title, bars }: { title: string; bars: Bar[] }) {
  return (
    <figure className="bar-group" aria-label={title}>
      <figcaption>{title}</figcaption>
      {bars.map((bar) => (
        <div className="bar-row" key={bar.label}>
          <span className="bar-label">{bar.label}</span>
          <span className="bar-track">
            {bar.fraction !== null && (
              <span
                className={bar.reference ? 'bar bar-reference' : 'bar'}
                style={{ width: `${Math.max(bar.fraction * 100, 1)}%` }}
              />
            )}
          </span>
          <span className="bar-value">{bar.value}</span>
        </div>
      ))}
    </figure>
  );
}

/** Size and CPU latency of each format side by side, PyTorch's latency as the reference bar. */
export function SizeLatencyChart({
  rows,
  referenceMs,
  name,
}: {
  rows: SummaryRow[];
  referenceMs: number | null;
  name: (format: string) => string;
}) {
  const sizes = barFractions(rows.map((r) => r.bytes));
  const latencies = barFractions([...rows.map((r) => r.latencyMs), referenceMs]);
  const sizeBars: Bar[] = rows.map((r, i) => ({
    label: name(r.format),
    value: formatBytes(r.bytes),
    fraction: sizes[i] ?? null,
  }));
  const latencyBars: Bar[] = rows.map((r, i) => ({
    label: name(r.format),
    value: formatMs(r.latencyMs),
    fraction: latencies[i] ?? null,
  }));
  if (referenceMs !== null)
    latencyBars.push({
      label: 'PyTorch',
      value: formatMs(referenceMs),
      fraction: latencies[rows.length] ?? null,
      reference: true,
    });
  return (
    <div className="size-latency-chart">
      <BarGroup title="Size" bars={sizeBars} />
      <BarGroup title="CPU latency (batch 1)" bars={latencyBars} />
    </div>
  );
}
