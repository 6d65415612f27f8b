import { toErrorShape } from '../host';
import { appendLine, isFinished, newerJob } from './job-merge';
import type { ExportsSlice, SliceContext } from './types';

export function createExportsSlice({ set, get, host }: SliceContext): ExportsSlice {
  const fail = (error: unknown) => {
    const e = toErrorShape(error);
    get().notify({ kind: 'error', text: e.message, hint: e.hint });
  };
  // Events and answers travel separately (WebSocket vs HTTP, IPC events vs invoke): an update for an export sent
  // before it was deleted can arrive after the delete's answer, and must not bring the row back.
  const deletedIds = new Set<string>();

  return {
    jobs: {},
    logs: {},
    exportsLoadedFor: null,
    detailJobId: null,
    endedJobId: null,
    canShowInFolder: host.canReveal,
    wizardOpen: false,
    wizardError: null,
    submitting: false,
    async loadExports(modelId) {
      try {
        const list = await host.invoke('exports:list', { modelId });
        set((s) => {
          const jobs = Object.fromEntries(
            Object.entries(s.jobs).filter(([, job]) => job.modelId !== modelId),
          );
          for (const job of list) jobs[job.id] = newerJob(s.jobs[job.id], job);
          return { jobs, exportsLoadedFor: modelId };
        });
      } catch (error) {
        fail(error);
      }
    },

    async createExport(request) {
      set({ submitting: true, wizardError: null });
      try {
        const job = await host.invoke('exports:create', request);
        get().applyJob(job);
        set({ submitting: false, wizardOpen: false });
        return job;
      } catch (error) {
        // Said in the wizard itself: a notice would sit behind the modal.
        set({ submitting: false, wizardError: toErrorShape(error) });
        return null;
      }
    },

    async cancelExport(id) {
      try {
        get().applyJob(await host.invoke('exports:cancel', { id }));
      } catch (error) {
        fail(error);
      }
    },

    async setDefaultExport(id) {
      try {
        const job = await host.invoke('exports:setDefault', { id });
        set((s) => {
          const jobs = { ...s.jobs };
          for (const other of Object.values(jobs)) {
            if (other.modelId === job.modelId && other.id !== job.id && other.isDefault) {
              jobs[other.id] = { ...other, isDefault: false };
            }
          }
          jobs[job.id] = job;
          return { jobs };
        });
      } catch (error) {
        fail(error);
      }
    },

    /** Deletes it (the core refuses while endpoints exist unless `endpoints` says what to do); throws what failed. */
    async deleteExport(id, endpoints = 'refuse') {
      const deleted = get().jobs[id];
      const outcome = await host.invoke('exports:delete', { id, endpoints });
      deletedIds.add(id);
      set((s) => {
        const { [id]: _removed, ...jobs } = s.jobs;
        const { [id]: _log, ...logs } = s.logs;
        return { jobs, logs, detailJobId: s.detailJobId === id ? null : s.detailJobId };
      });
      // Deleting the default hands the badge to another export; the core decides which.
      if (deleted?.isDefault) await get().loadExports(deleted.modelId);
      return outcome;
    },

    async revealExport(id) {
      try {
        const { path } = await host.invoke('exports:reveal', { id });
        if (!host.canReveal) get().notify({ kind: 'info', text: `The export is in ${path}` });
      } catch (error) {
        fail(error);
      }
    },

    async showExportFile(id, format) {
      try {
        await host.showExportFile(id, format);
      } catch (error) {
        fail(error);
      }
    },

    dismissEnded: () => set({ endedJobId: null }),

    async openDetail(id) {
      set({ detailJobId: id });
      try {
        const [job, log] = await Promise.all([
          host.invoke('exports:get', { id }),
          host.invoke('exports:log', { id }),
        ]);
        get().applyJob(job);
        set((s) => ({ logs: { ...s.logs, [id]: log } }));
        if (job.status === 'completed' || job.status === 'partial') await get().loadPackages(id);
      } catch (error) {
        fail(error);
      }
    },

    closeDetail: () => set({ detailJobId: null }),
    openWizard: () => {
      get().resetCalibration();
      set({ wizardOpen: true });
      void get().loadCapabilities();
    },
    closeWizard: () => set({ wizardOpen: false, wizardError: null }),

    applyJob: (job) => {
      if (deletedIds.has(job.id)) return;
      set((s) => {
        const before = s.jobs[job.id];
        const next = newerJob(before, job);
        const justEnded = before && !isFinished(before.status) && isFinished(next.status);
        return { jobs: { ...s.jobs, [job.id]: next }, ...(justEnded ? { endedJobId: job.id } : {}) };
      });
    },

    applyProgress: (jobId, stage, fraction) =>
      set((s) => {
        const job = s.jobs[jobId];
        if (!job) return {};
        return { jobs: { ...s.jobs, [jobId]: { ...job, progress: { stage, fraction } } } };
      }),

    appendLog: (jobId, line) =>
      set((s) => ({ logs: { ...s.logs, [jobId]: appendLine(s.logs[jobId], line) } })),
  };
}
