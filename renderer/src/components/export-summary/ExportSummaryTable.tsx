import type { ExportJob } from '../../../../electron/contract';
import { formatSpeedup, referenceLatency, summaryRows } from '../../lib/export-summary';
import { formatBytes, formatMs } from '../../lib/format';
import { useApp } from '../../store/context';
import { StatusBadge } from '../StatusBadge';
import { useFormatName } from '../use-format-name';
import { SizeLatencyChart } from './SizeLatencyChart';

/**
 * Every format of an export side by side (status, size, CPU latency, speed-up against PyTorch, parity) with a bar
 * chart of size and latency; each file can be shown in its folder (desktop) or downloaded (web harness).
 */
export function ExportSummaryTable({ job }: { job: ExportJob }) {
  const showFile = useApp((s) => s.showExportFile);
  const inFolder = useApp((s) => s.canShowInFolder);
  const name = useFormatName();
  const rows = summaryRows(job);
  const referenceMs = referenceLatency(job);
  if (rows.length === 0) return null;
  return (
    <div className="export-summary">
      <table className="table" aria-label={`Summary of export v${job.version}`}>
        <thead>
          <tr>
            <th scope="col">Format</th>
            <th scope="col">Status</th>
            <th scope="col">Size</th>
            <th scope="col">CPU latency</th>
            <th scope="col">vs PyTorch</th>
            <th scope="col">Parity</th>
            <th scope="col">
              <span className="visually-hidden">File</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.format} aria-label={name(row.format)}>
              <td>{name(row.format)}</td>
              <td>
                <StatusBadge status={row.status} />
              </td>
              <td>{formatBytes(row.bytes)}</td>
              <td>{formatMs(row.latencyMs)}</td>
              <td>{formatSpeedup(row.speedup)}</td>
              <td>{row.parity}</td>
              <td className="actions">
                {row.hasFile && (
                  <button
                    type="button"
                    className="button-link"
                    aria-label={`${inFolder ? 'Show' : 'Download'} the ${name(row.format)} file`}
                    onClick={() => void showFile(job.id, row.format)}
                  >
                    {inFolder ? 'Show in folder' : 'Download'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <SizeLatencyChart rows={rows} referenceMs={referenceMs} name={name} />
      {referenceMs !== null && (
        <p className="muted small">
          Latency: the median of one inference on this machine&apos;s CPU over the parity images; PyTorch
          measured in the same job.
        </p>
      )}
    </div>
  );
}
