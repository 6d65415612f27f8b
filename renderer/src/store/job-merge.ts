import type { ExportJob, JobStatus } from '../../../electron/contract';

const stageOf: Record<JobStatus, number> = {
  pending: 0,
  running: 1,
  completed: 2,
  partial: 2,
  failed: 2,
  cancelled: 2,
};

export const isFinished = (status: JobStatus) => stageOf[status] === 2;

/**
 * The job to keep when a response and an event describe the same job: a create/get response can arrive after
 * the event saying the job already moved on, and must not move it back.
 */
export function newerJob(existing: ExportJob | undefined, incoming: ExportJob): ExportJob {
  if (!existing) return incoming;
  return stageOf[incoming.status] >= stageOf[existing.status] ? incoming : existing;
}

/** A model's exports, newest version first. */
export function jobsOfModel(jobs: Record<string, ExportJob>, modelId: string | null): ExportJob[] {
  if (!modelId) return [];
  return Object.values(jobs)
    .filter((job) => job.modelId === modelId)
    .sort((a, b) => b.version - a.version);
}

/** Caps a job's in-memory log so a chatty exporter cannot grow the renderer without bound. */
export const MAX_LOG_LINES = 5000;
export function appendLine(lines: string[] | undefined, line: string): string[] {
  const next = [...(lines ?? []), line];
  return next.length > MAX_LOG_LINES ? next.slice(next.length - MAX_LOG_LINES) : next;
}
