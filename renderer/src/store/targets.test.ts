import { describe, expect, it } from 'vitest';
import type { RemoteTarget, TargetsAddRequest } from '../../../electron/contract';
import { createAppStore } from './index';
import { scriptedHost } from './scripted-host';

const target: RemoteTarget = {
  name: 'kind',
  kind: 'k8s',
  context: 'kind-edgepack',
  namespace: 'edgepack',
  bucket: 'edgepack-exports',
  s3Endpoint: null,
  s3Region: null,
  gpu: false,
  image: 'edgepack-trainer:0.1.0',
  kubeconfig: null,
  createdAt: '2026-12-05T21:00:00.000Z',
};
const request: TargetsAddRequest = {
  kind: 'k8s',
  name: 'kind',
  context: 'kind-edgepack',
  namespace: 'edgepack',
  bucket: 'edgepack-exports',
};

function targetsHost() {
  let stored: RemoteTarget[] = [];
  return scriptedHost({
    'targets:list': () => stored,
    'targets:add': (r: TargetsAddRequest) => {
      if (r.context !== 'kind-edgepack')
        throw {
          code: 'KUBE_CONTEXT_NOT_FOUND',
          message: `Context "${r.context}" is not in ~/.kube/config; its contexts: kind-edgepack.`,
          hint: 'Give one of those contexts.',
        };
      stored = [target];
      return target;
    },
    'targets:remove': ({ name }: { name: string }) => {
      stored = stored.filter((t) => t.name !== name);
      return { removed: true, name };
    },
  });
}

describe('targets slice (Settings → Compute targets)', () => {
  it('adds a target and lists it; removing it lists none', async () => {
    const { host } = targetsHost();
    const store = createAppStore(host);
    await store.getState().loadTargets();
    expect(store.getState().remoteTargets).toEqual([]);
    expect(await store.getState().addTarget(request)).toBe(true);
    expect(store.getState().remoteTargets).toEqual([target]);
    await store.getState().removeTarget('kind');
    expect(store.getState().remoteTargets).toEqual([]);
    expect(store.getState().targetsError).toBeNull();
  });

  it('a malformed field is refused here with the core’s own error, before the core is asked', async () => {
    const { host, calls } = targetsHost();
    const store = createAppStore(host);
    expect(await store.getState().addTarget({ ...request, bucket: 'B' })).toBe(false);
    expect(store.getState().targetsError?.code).toBe('BUCKET_NAME_INVALID');
    expect(calls.map(([channel]) => channel)).not.toContain('targets:add');
  });

  it("the core's refusal (an unknown context) is kept to show beside the form", async () => {
    const { host } = targetsHost();
    const store = createAppStore(host);
    expect(await store.getState().addTarget({ ...request, context: 'prod' })).toBe(false);
    expect(store.getState().targetsError).toMatchObject({
      code: 'KUBE_CONTEXT_NOT_FOUND',
      message: expect.stringContaining('its contexts: kind-edgepack'),
    });
  });
});
