import { describe, expect, it } from 'vitest';
import type { ExportValidation } from '../../../electron/contract';
import { connectEvents, createAppStore } from './index';
import { scriptedHost } from './scripted-host';

const run: ExportValidation = {
  id: 'val-1',
  exportId: 'job-1',
  dataset: '/data/data.yaml',
  task: 'detect',
  images: 6,
  status: 'completed',
  rows: [],
  error: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

const mismatch = {
  code: 'CLASS_NAMES_MISMATCH',
  message: "The dataset's class names differ from the model's: 0: dataset 'round' vs model 'circle'.",
  hint: 'If class i means the same thing in both, confirm to continue (--accept-names).',
};

describe('validating an export from the app', () => {
  it('asks again with the names accepted only when the person confirms, and keeps the run', async () => {
    let release: () => void = () => undefined;
    const { host, calls, emit } = scriptedHost({
      'exports:validations': () => [],
      'exports:validate': (r: { acceptNames?: boolean }) => {
        if (!r.acceptNames) throw mismatch;
        return new Promise((resolve) => (release = () => resolve(run)));
      },
    });
    const store = createAppStore(host);
    connectEvents(store, host);
    await store.getState().validateExport('job-1', '/data/data.yaml');
    expect(store.getState().validationErrors['job-1']).toEqual(mismatch);
    expect(store.getState().validating['job-1']).toBeUndefined();

    const accepted = store.getState().validateExport('job-1', '/data/data.yaml', true);
    emit('exports:validationProgress', { exportId: 'job-1', stage: 'validate', fraction: 0.5 });
    expect(store.getState().validating['job-1']).toEqual({ stage: 'validate', fraction: 0.5 });
    release();
    await accepted;
    expect(calls.filter(([c]) => c === 'exports:validate').map(([, r]) => r)).toEqual([
      { id: 'job-1', data: '/data/data.yaml' },
      { id: 'job-1', data: '/data/data.yaml', acceptNames: true },
    ]);
    expect(store.getState().validations['job-1']).toEqual([run]);
    expect(store.getState().validationErrors['job-1']).toBeNull();
    expect(store.getState().validating['job-1']).toBeUndefined();
  });
});
