import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Host } from '../host';
import { createAccuracyGateSlice } from './accuracy-gate';
import { createCalibrationSlice } from './calibration';
import { createCapabilitiesSlice } from './capabilities';
import { createDeploySlice } from './deploy';
import { createExportsSlice } from './exports';
import { createModelsSlice } from './models';
import { createPackagesSlice } from './packages';
import { createPreviewSlice } from './preview';
import { createRemovalSlice } from './removal';
import { createTargetsSlice } from './targets';
import { createToolchainSlice } from './toolchain';
import { createUiSlice } from './ui';
import { createValidationSlice } from './validation';
import type { AppState } from './types';

export type { AppState, Page } from './types';
export type AppStore = StoreApi<AppState>;

export function createAppStore(host: Host): AppStore {
  return createStore<AppState>()((set, get) => {
    const context = { set, get, host };
    return {
      ...createUiSlice(context),
      ...createModelsSlice(context),
      ...createRemovalSlice(context),
      ...createExportsSlice(context),
      ...createToolchainSlice(context),
      ...createCapabilitiesSlice(context),
      ...createCalibrationSlice(context),
      ...createPreviewSlice(context),
      ...createDeploySlice(context),
      ...createPackagesSlice(context),
      ...createValidationSlice(context),
      ...createAccuracyGateSlice(context),
      ...createTargetsSlice(context),
    };
  });
}

/** Feeds the core's events into the store; returns the unsubscribe function. */
export function connectEvents(store: AppStore, host: Host): () => void {
  const { applyJob, applyProgress, appendLog, applyToolchainProgress, applyToolchainStatus } =
    store.getState();
  const { applyPreviewItem, applyPreviewProgress, applyPreviewFinished } = store.getState();
  const { applyPackageProgress } = store.getState();
  const offs = [
    host.on('exports:updated', (job) => applyJob(job)),
    host.on('exports:progress', ({ jobId, stage, fraction }) => applyProgress(jobId, stage, fraction)),
    host.on('exports:log', ({ jobId, line }) => appendLog(jobId, line)),
    host.on('toolchain:progress', (progress) => applyToolchainProgress(progress)),
    host.on('toolchain:checked', (status) => applyToolchainStatus(status)),
    host.on('preview:item', (item) => applyPreviewItem(item)),
    host.on('preview:progress', (progress) => applyPreviewProgress(progress)),
    host.on('preview:finished', (finished) => applyPreviewFinished(finished)),
    host.on('packages:progress', (progress) => applyPackageProgress(progress)),
    host.on('exports:validationProgress', ({ exportId, stage, fraction }) =>
      store.getState().applyValidationProgress(exportId, stage, fraction),
    ),
  ];
  if (host.onReconnect) {
    offs.push(
      host.onReconnect(() => {
        const { loadModels, loadExports, selectedModelId } = store.getState();
        void loadModels();
        if (selectedModelId) void loadExports(selectedModelId);
      }),
    );
  }
  return () => offs.forEach((off) => off());
}
