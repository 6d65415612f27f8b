import { describe, expect, it } from 'vitest';
import type { AccuracyGate } from '../../../electron/contract';
import { createAppStore } from './index';
import { scriptedHost } from './scripted-host';

const failed: AccuracyGate = {
  maxDropPoints: 5,
  validationId: 'val-1',
  failures: [{ format: 'onnx', precision: 'int8', dropPoints: 26.5, override: null }],
};
const overridden: AccuracyGate = {
  ...failed,
  failures: [{ ...failed.failures[0]!, override: { at: '2026-01-01T00:00:00.000Z', via: 'app' } }],
};

describe('the accuracy threshold in the app', () => {
  it('saves the threshold, then reloads the export’s failed formats; an override is recorded as made from the app', async () => {
    let threshold: number | null = null;
    const { host, calls } = scriptedHost({
      'settings:accuracyThreshold': () => ({ maxDropPoints: threshold }),
      'settings:setAccuracyThreshold': (r: { maxDropPoints: number | null }) => {
        threshold = r.maxDropPoints;
        return { maxDropPoints: threshold };
      },
      'exports:accuracyGate': () =>
        threshold === null ? { ...failed, maxDropPoints: null, failures: [] } : failed,
      'exports:overrideAccuracy': () => overridden,
    });
    const store = createAppStore(host);
    await store.getState().loadAccuracyThreshold();
    expect(store.getState().maxDropPoints).toBeNull();
    await store.getState().setAccuracyThreshold(5, 'job-1');
    expect(store.getState().maxDropPoints).toBe(5);
    expect(store.getState().accuracyGates['job-1']).toEqual(failed);
    await store.getState().overrideAccuracy('job-1', 'onnx');
    expect(store.getState().accuracyGates['job-1']).toEqual(overridden);
    expect(calls.find(([c]) => c === 'exports:overrideAccuracy')?.[1]).toEqual({
      id: 'job-1',
      format: 'onnx',
    });
  });

  it('shows a refused override on the export’s accuracy section', async () => {
    const refusal = {
      code: 'ACCURACY_NOT_FAILED',
      message: 'onnx of this export has not failed on accuracy',
      hint: '',
    };
    const { host } = scriptedHost({
      'exports:overrideAccuracy': () => {
        throw refusal;
      },
    });
    const store = createAppStore(host);
    await store.getState().overrideAccuracy('job-1', 'onnx');
    expect(store.getState().validationErrors['job-1']).toEqual(refusal);
  });
});
