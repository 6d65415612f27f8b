import { describe, expect, it } from 'vitest';
import type { Deployment, DeploySettings } from '../../../electron/contract';
import { createAppStore } from './index';
import { scriptedHost, type Answers } from './scripted-host';

const deployment: Deployment = {
  id: 'dep-1',
  exportId: 'job-1',
  name: 'detect-v1',
  platformUrl: 'http://127.0.0.1:8080',
  endpointUrl: 'http://127.0.0.1:8080/v1/infer/dep-1',
  keyPrefix: 'epk_live_abcd…',
  status: 'active',
  tier: 'free',
  rateLimitPerMinute: 10,
  usage: { requestCount: 0, lastRequestAt: null, totalInferenceTimeMs: 0, averageInferenceTimeMs: null },
  curl: 'curl … $EDGEPACK_KEY …',
  error: null,
  history: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** A host answering the deploy channels from a tiny in-memory platform; it records what the store asked. */
function platformHost(validToken: string) {
  let settings: DeploySettings = { endpoint: null, hasToken: false, storage: 'file' };
  let token: string | null = null;
  const answers: Answers = {
    'deploy:settings': () => settings,
    'deploy:configure': (r: { endpoint: string; token?: string }) => {
      token = r.token ?? token;
      settings = { endpoint: r.endpoint, hasToken: token !== null, storage: 'file' };
      return settings;
    },
    'deploy:create': () => {
      if (token !== validToken)
        throw {
          code: 'ACCOUNT_TOKEN_INVALID',
          message: 'Platform: the token is not valid.',
          hint: 'Give it.',
        };
      return {
        deployment,
        apiKey: 'epk_live_' + 'k'.repeat(32),
        curl: 'curl …',
        bundle: { status: 'skipped', code: 'BUNDLE_TOO_LARGE', message: 'too large', hint: 'raise it' },
      };
    },
    'deploy:downloads': (r: { id: string }) => {
      if (r.id !== 'dep-1')
        throw { code: 'DEPLOYMENT_NOT_FOUND', message: `No deployment ${r.id}.`, hint: '' };
      return {
        version: 1,
        expiresAt: '2026-01-01T01:00:00.000Z',
        files: [{ name: 'bundle.zip', url: 'http://s3/bundle.zip', sizeBytes: 10, sha256: 'ab'.repeat(32) }],
      };
    },
  };
  const { host, calls } = scriptedHost(answers);
  return { host, asked: () => calls.map(([channel]) => channel) };
}

describe('deploy slice', () => {
  it('asks for the platform first, then deploys the export that was waiting and shows its key', async () => {
    const { host, asked } = platformHost('epk_acct_right');
    const store = createAppStore(host);
    await store.getState().deployExport('job-1');
    expect(store.getState().deploySetupFor).toBe('job-1');
    expect(asked()).not.toContain('deploy:create');

    expect(await store.getState().saveDeploySettings('http://127.0.0.1:8080', 'epk_acct_right')).toBe(true);
    const s = store.getState();
    expect(s.deploySetupFor).toBeNull();
    expect(s.deployments['dep-1']?.status).toBe('active');
    expect(s.revealedKeys['dep-1']).toBe('epk_live_' + 'k'.repeat(32));
    expect(s.deployingExportId).toBeNull();
  });

  it('sends a refused token back to the settings with the platform’s words, deploying nothing', async () => {
    const { host } = platformHost('epk_acct_right');
    const store = createAppStore(host);
    await store.getState().saveDeploySettings('http://127.0.0.1:8080', 'epk_acct_wrong');
    await store.getState().deployExport('job-1');
    const s = store.getState();
    expect(s.deploySetupFor).toBe('job-1');
    expect(s.deployError?.code).toBe('ACCOUNT_TOKEN_INVALID');
    expect(s.deployments).toEqual({});
    expect(s.revealedKeys).toEqual({});
  });

  it('keeps what happened to the bundle on deploy, and loads download links on demand (an error stays on the card)', async () => {
    const { host, asked } = platformHost('epk_acct_right');
    const store = createAppStore(host);
    await store.getState().saveDeploySettings('http://127.0.0.1:8080', 'epk_acct_right');
    await store.getState().deployExport('job-1');
    expect(store.getState().deployedBundles['dep-1']).toMatchObject({
      status: 'skipped',
      code: 'BUNDLE_TOO_LARGE',
    });
    expect(asked()).not.toContain('deploy:downloads');

    await store.getState().loadDeploymentDownloads('dep-1');
    expect(store.getState().endpointDownloads['dep-1']).toMatchObject({
      loading: false,
      error: null,
      downloads: { version: 1, files: [{ name: 'bundle.zip', sizeBytes: 10 }] },
    });
    await store.getState().loadDeploymentDownloads('dep-2');
    expect(store.getState().endpointDownloads['dep-2']).toMatchObject({
      loading: false,
      downloads: null,
      error: { code: 'DEPLOYMENT_NOT_FOUND' },
    });
  });
});
