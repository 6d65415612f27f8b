import { useEffect, useMemo } from 'react';
import { ActiveExport } from '../components/ActiveExport';
import { CreateExportWizard } from '../components/CreateExportWizard';
import { DeploySection } from '../components/deploy/DeploySection';
import { EndedExport } from '../components/export-summary/EndedExport';
import { ExportDetail } from '../components/ExportDetail';
import { ExportHistoryTable } from '../components/ExportHistoryTable';
import { formatImgsz } from '../lib/format';
import { isFinished, jobsOfModel } from '../store/job-merge';
import { useApp } from '../store/context';

export function ExportPage() {
  const models = useApp((s) => s.models);
  const selectedId = useApp((s) => s.selectedModelId);
  const allJobs = useApp((s) => s.jobs);
  const loadExports = useApp((s) => s.loadExports);
  const wizardOpen = useApp((s) => s.wizardOpen);
  const openWizard = useApp((s) => s.openWizard);
  const detailJobId = useApp((s) => s.detailJobId);
  const showPage = useApp((s) => s.showPage);
  const endedJobId = useApp((s) => s.endedJobId);

  const model = models.find((m) => m.id === selectedId) ?? null;
  const jobs = useMemo(() => jobsOfModel(allJobs, selectedId), [allJobs, selectedId]);
  const active = jobs.find((job) => !isFinished(job.status)) ?? null;
  const detailJob = detailJobId ? (allJobs[detailJobId] ?? null) : null;
  const ended = endedJobId && !active ? allJobs[endedJobId] : undefined;

  useEffect(() => {
    if (selectedId) void loadExports(selectedId);
  }, [selectedId, loadExports]);

  if (!model) {
    return (
      <div className="page">
        <header className="page-header">
          <h1>Export</h1>
        </header>
        <div className="empty">
          <p>No model selected.</p>
          <button type="button" className="button-primary" onClick={() => showPage('models')}>
            Add a model
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Export</h1>
          <p className="muted">
            <strong>{model.name}</strong> · {model.task ?? model.framework} · {formatImgsz(model.imgsz)} ·{' '}
            {model.classNames.length} classes
          </p>
        </div>
        <button type="button" className="button-primary" onClick={openWizard} disabled={!!active}>
          New export
        </button>
      </header>
      {active && <ActiveExport job={active} />}
      {ended?.modelId === model.id && <EndedExport job={ended} />}
      <section className="panel" aria-label="Exports">
        <header className="panel-header">
          <h2>History</h2>
          <span className="muted small">{jobs.length === 1 ? '1 export' : `${jobs.length} exports`}</span>
        </header>
        <ExportHistoryTable jobs={jobs} />
      </section>
      <DeploySection jobs={jobs} />
      {wizardOpen && <CreateExportWizard model={model} />}
      {detailJob && <ExportDetail job={detailJob} />}
    </div>
  );
}
