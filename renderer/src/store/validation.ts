import type { AppErrorShape, ExportValidation } from '../../../electron/contract';
import { toErrorShape } from '../host';
import type { SliceContext } from './types';

/** Accuracy runs of exports on the person's labelled data (one running per export at a time). */
export interface ValidationSlice {
  /** Runs by export id, newest first. */
  validations: Record<string, ExportValidation[]>;
  /** The running validation's progress, by export id. */
  validating: Record<string, { stage: string; fraction: number }>;
  validationErrors: Record<string, AppErrorShape | null>;
  loadValidations(exportId: string): Promise<void>;
  validateExport(exportId: string, data: string, acceptNames?: boolean): Promise<void>;
  cancelValidation(exportId: string): Promise<void>;
  applyValidationProgress(exportId: string, stage: string, fraction: number): void;
  /** A native folder dialog where the host has one (the dataset folder); null when cancelled or unavailable. */
  pickDatasetFolder(): Promise<string | null>;
}

export function createValidationSlice({ set, get, host }: SliceContext): ValidationSlice {
  const setError = (exportId: string, error: AppErrorShape | null) =>
    set((s) => ({ validationErrors: { ...s.validationErrors, [exportId]: error } }));
  const setProgress = (exportId: string, progress: { stage: string; fraction: number } | null) =>
    set((s) => {
      const validating = { ...s.validating };
      if (progress) validating[exportId] = progress;
      else delete validating[exportId];
      return { validating };
    });
  return {
    validations: {},
    validating: {},
    validationErrors: {},

    async loadValidations(exportId) {
      try {
        const list = await host.invoke('exports:validations', { id: exportId });
        set((s) => ({ validations: { ...s.validations, [exportId]: list } }));
      } catch (error) {
        setError(exportId, toErrorShape(error));
      }
    },

    async validateExport(exportId, data, acceptNames) {
      setError(exportId, null);
      setProgress(exportId, { stage: 'starting', fraction: 0 });
      try {
        const run = await host.invoke('exports:validate', {
          id: exportId,
          data,
          ...(acceptNames ? { acceptNames: true } : {}),
        });
        set((s) => ({
          validations: { ...s.validations, [exportId]: [run, ...(s.validations[exportId] ?? [])] },
        }));
      } catch (error) {
        setError(exportId, toErrorShape(error));
        await get().loadValidations(exportId);
      } finally {
        setProgress(exportId, null);
      }
    },

    async cancelValidation(exportId) {
      try {
        await host.invoke('exports:cancelValidation', { id: exportId });
      } catch (error) {
        setError(exportId, toErrorShape(error));
      }
    },

    applyValidationProgress(exportId, stage, fraction) {
      if (get().validating[exportId]) setProgress(exportId, { stage, fraction });
    },

    async pickDatasetFolder() {
      return host.pickFolder ? host.pickFolder('Choose a labelled dataset folder') : null;
    },
  };
}
