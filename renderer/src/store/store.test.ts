import { describe, expect, it } from 'vitest';
import type { ExportJob } from '../../../electron/contract';
import { createAppStore } from './index';
import { scriptedHost } from './scripted-host';
import { jobsOfModel } from './job-merge';

function job(overrides: Partial<ExportJob>): ExportJob {
  return {
    id: 'job-1',
    modelId: 'model-1',
    version: 1,
    versionTag: null,
    isDefault: false,
    formats: ['onnx'],
    status: 'pending',
    exportConfig: {},
    optimizationConfig: {},
    checkpointPath: '/data/models/model-1/detect.pt',
    checkpointSha256: 'ab'.repeat(32),
    outputDir: null,
    results: [],
    modelSizeBytes: null,
    progress: { stage: '', fraction: 0 },
    error: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

describe('exports store', () => {
  it('keeps a finished job when the create response arrives after the completion event', async () => {
    const completed = job({
      status: 'completed',
      progress: { stage: 'done', fraction: 1 },
      modelSizeBytes: 12_000,
    });
    const { host } = scriptedHost({
      'exports:create': () => {
        // The event stream reports completion before the create call returns its (older) pending snapshot.
        store.getState().applyJob(completed);
        return job({ status: 'pending' });
      },
    });
    const store = createAppStore(host);
    await store.getState().createExport({ modelId: 'model-1', formats: ['onnx'] });
    expect(store.getState().jobs['job-1']?.status).toBe('completed');
    expect(store.getState().wizardOpen).toBe(false);
  });

  it('does not bring a deleted export back when an update sent before the delete arrives after it', async () => {
    const cancelled = job({ status: 'cancelled' });
    const { host } = scriptedHost({ 'exports:delete': () => ({ deleted: true }) });
    const store = createAppStore(host);
    store.getState().applyJob(cancelled);
    await store.getState().deleteExport('job-1');
    store.getState().applyJob(cancelled); // the late event
    expect(store.getState().jobs['job-1']).toBeUndefined();
  });

  it('moves the Default badge: setting one default clears the model’s previous one', async () => {
    const { host } = scriptedHost({
      'exports:setDefault': () => job({ id: 'job-2', version: 2, status: 'completed', isDefault: true }),
    });
    const store = createAppStore(host);
    store.getState().applyJob(job({ id: 'job-1', version: 1, status: 'completed', isDefault: true }));
    store.getState().applyJob(job({ id: 'job-2', version: 2, status: 'completed' }));
    store.getState().applyJob(job({ id: 'other', modelId: 'model-2', status: 'completed', isDefault: true }));

    await store.getState().setDefaultExport('job-2');

    const rows = jobsOfModel(store.getState().jobs, 'model-1');
    expect(rows.map((r) => [r.version, r.isDefault])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(store.getState().jobs['other']?.isDefault).toBe(true);
  });

  it('shows a refused export in the wizard itself (not behind it), with its hint, and keeps the wizard open', async () => {
    const { host } = scriptedHost({
      'exports:create': () => {
        throw {
          code: 'EXPORT_ALREADY_RUNNING',
          message: 'An export of this model is already running (v1).',
          hint: 'Wait for it to finish or cancel it.',
        };
      },
    });
    const store = createAppStore(host);
    store.getState().openWizard();
    const created = await store.getState().createExport({ modelId: 'model-1', formats: ['onnx'] });
    expect(created).toBeNull();
    expect(store.getState().wizardOpen).toBe(true);
    expect(store.getState().wizardError).toEqual({
      code: 'EXPORT_ALREADY_RUNNING',
      message: 'An export of this model is already running (v1).',
      hint: 'Wait for it to finish or cancel it.',
    });
    expect(store.getState().notice).toBeNull();
    store.getState().closeWizard();
    expect(store.getState().wizardError).toBeNull();
  });
});

describe('models store', () => {
  it('keeps the path of a refused unsafe checkpoint so the person can trust it and retry', async () => {
    let attempts = 0;
    const { host, calls } = scriptedHost({
      'models:add': (request) => {
        attempts += 1;
        if (!(request as { trustUnsafe?: boolean }).trustUnsafe) {
          throw {
            code: 'UNSAFE_PICKLE',
            message: 'The pickle imports os.system.',
            hint: 'Only trust files you made.',
          };
        }
        return {
          id: 'model-1',
          name: 'detect',
          sourcePath: '/uploads/detect.pt',
          storedPath: '/data/models/model-1/detect.pt',
          framework: 'ultralytics',
          task: 'detect',
          classNames: ['a'],
          imgsz: [64, 64],
          sha256: 'cd'.repeat(32),
          sizeBytes: 10,
          details: {},
          createdAt: '2025-01-01T00:00:00.000Z',
        };
      },
    });
    const store = createAppStore(host);
    await store.getState().addCheckpointFile(new File(['x'], 'detect.pt'));
    expect(store.getState().addFailure?.error.code).toBe('UNSAFE_PICKLE');
    expect(store.getState().models).toEqual([]);

    await store.getState().trustAndRetry();
    expect(attempts).toBe(2);
    expect(calls.at(-1)).toEqual(['models:add', { path: '/uploads/detect.pt', trustUnsafe: true }]);
    expect(store.getState().addFailure).toBeNull();
    expect(store.getState().selectedModelId).toBe('model-1');
  });
});
