import { describe, expect, it } from 'vitest';
import type { RemovalPlan } from '../../../electron/contract';
import { createAppStore } from './index';
import { scriptedHost } from './scripted-host';

const plan: RemovalPlan = {
  subject: 'model pets',
  exports: [{ id: 'job-1', version: 1 }],
  files: 2,
  bytes: 748,
  endpoints: [
    { id: 'd-1', name: 'pets-v1', status: 'active', exportVersion: 1, endpointUrl: 'http://x/v1/infer/d-1' },
  ],
  running: null,
  summary: '1 export and 2 files (748 B)',
};

describe('removing a model', () => {
  it('asks the core what goes before anything is removed, and removes nothing when kept', async () => {
    const { host, calls } = scriptedHost({ 'models:removal': () => plan });
    const store = createAppStore(host);
    await store.getState().askRemoval('model', 'model-1');
    expect(store.getState().removal).toMatchObject({ kind: 'model', id: 'model-1', plan, busy: false });
    store.getState().cancelRemoval();
    expect(store.getState().removal).toBeNull();
    expect(calls.map(([channel]) => channel)).toEqual(['models:removal']);
  });

  it('keeps a refusal in the dialog (not behind it), and goes ahead with the endpoints choice', async () => {
    let refuse = true;
    const { host, calls } = scriptedHost({
      'models:removal': () => plan,
      'deploy:list': () => [],
      'models:remove': () => {
        if (refuse)
          throw {
            code: 'PLATFORM_UNREACHABLE',
            message: 'The platform does not answer.',
            hint: 'Try again.',
          };
        return { removed: true, endpoints: [{ id: 'd-1', name: 'pets-v1', status: 'deleted' }] };
      },
    });
    const store = createAppStore(host);
    await store.getState().askRemoval('model', 'model-1');
    await store.getState().confirmRemoval('delete');
    expect(store.getState().removal?.error?.code).toBe('PLATFORM_UNREACHABLE');
    expect(store.getState().notice).toBeNull();

    refuse = false;
    await store.getState().confirmRemoval('delete');
    expect(calls.filter(([c]) => c === 'models:remove').map(([, r]) => r)).toEqual([
      { id: 'model-1', endpoints: 'delete' },
      { id: 'model-1', endpoints: 'delete' },
    ]);
    expect(store.getState().removal).toBeNull();
    expect(store.getState().notice?.text).toBe(
      'Removed model pets: 1 export and 2 files (748 B). On the platform: pets-v1 is deleted.',
    );
  });
});
