import type { ExportJob } from '../../../../electron/contract';
import { useApp } from '../../store/context';

/** "Deploy" in an export row: offered once the export has a finished ONNX model, which is what the platform serves. */
export function DeployButton({ job, label }: { job: ExportJob; label: string }) {
  const deployExport = useApp((s) => s.deployExport);
  const deploying = useApp((s) => s.deployingExportId === job.id);
  const onnx = job.results.find((r) => r.format === 'onnx');
  const deployable = !!onnx?.path && (onnx.status === 'passed' || onnx.status === 'failed_parity');
  if (!job.formats.includes('onnx')) return null;
  return (
    <button
      type="button"
      className="button-link"
      aria-label={`Deploy ${label}`}
      disabled={!deployable || deploying}
      title={deployable ? 'Deploy to the Edgepack platform' : 'Needs a finished ONNX export'}
      onClick={() => void deployExport(job.id)}
    >
      {deploying ? 'Deploying…' : 'Deploy'}
    </button>
  );
}
