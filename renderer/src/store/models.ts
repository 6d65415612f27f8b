import { toErrorShape } from '../host';
import { formatDate } from '../lib/format';
import type { ModelsSlice, SliceContext } from './types';

export function createModelsSlice({ set, get, host }: SliceContext): ModelsSlice {
  return {
    models: [],
    modelsLoaded: false,
    selectedModelId: null,
    adding: null,
    addFailure: null,

    async loadModels() {
      try {
        const models = await host.invoke('models:list', {});
        set((s) => ({
          models,
          modelsLoaded: true,
          selectedModelId:
            s.selectedModelId && models.some((m) => m.id === s.selectedModelId)
              ? s.selectedModelId
              : (models[0]?.id ?? null),
        }));
      } catch (error) {
        set({ modelsLoaded: true });
        const e = toErrorShape(error);
        get().notify({ kind: 'error', text: e.message, hint: e.hint });
      }
    },

    async addCheckpointFile(file) {
      if (get().adding) return;
      set({ adding: { fileName: file.name, stage: 'uploading' }, addFailure: null });
      let path: string;
      try {
        path = await host.fileToPath(file);
      } catch (error) {
        set({ adding: null, addFailure: { fileName: file.name, path: null, error: toErrorShape(error) } });
        return;
      }
      await get().addCheckpointPath(path, file.name);
    },

    async addCheckpointPath(path, fileName, trustUnsafe) {
      set({ adding: { fileName, stage: 'inspecting' }, addFailure: null });
      try {
        const { alreadyAdded, ...model } = await host.invoke(
          'models:add',
          trustUnsafe ? { path, trustUnsafe } : { path },
        );
        set((s) => ({
          adding: null,
          models: alreadyAdded ? s.models : [model, ...s.models.filter((m) => m.id !== model.id)],
          selectedModelId: model.id,
        }));
        if (alreadyAdded) {
          get().notify({
            kind: 'info',
            text: `${fileName} is already in your models, as ${model.name} (the same file, added ${formatDate(model.createdAt)}); it is selected.`,
          });
        }
      } catch (error) {
        set({ adding: null, addFailure: { fileName, path, error: toErrorShape(error) } });
      }
    },

    async pickCheckpoint() {
      if (!host.pickCheckpoint) return false;
      try {
        const path = await host.pickCheckpoint();
        if (path) await get().addCheckpointPath(path, path.split(/[\\/]/).pop() ?? path);
      } catch (error) {
        set({ addFailure: { fileName: '', path: null, error: toErrorShape(error) } });
      }
      return true;
    },

    async trustAndRetry() {
      const failure = get().addFailure;
      if (failure?.path) await get().addCheckpointPath(failure.path, failure.fileName, true);
    },

    dismissAddFailure: () => set({ addFailure: null }),

    selectModel: (id) => set({ selectedModelId: id }),

    /** Removes it (the core refuses while endpoints exist unless `endpoints` says what to do); throws what failed. */
    async removeModel(id, endpoints = 'refuse') {
      const outcome = await host.invoke('models:remove', { id, endpoints });
      set((s) => {
        const models = s.models.filter((m) => m.id !== id);
        const jobs = Object.fromEntries(Object.entries(s.jobs).filter(([, job]) => job.modelId !== id));
        return {
          models,
          jobs,
          selectedModelId: s.selectedModelId === id ? (models[0]?.id ?? null) : s.selectedModelId,
        };
      });
      return outcome;
    },
  };
}
