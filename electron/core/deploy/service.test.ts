import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../platform/test-support/harness';
import { createCore, type CoreWithServices } from '../index';
import { endpointName } from './views';

let platform: TestPlatform;
let home: string;
let core: CoreWithServices;

beforeAll(async () => {
  platform = await startTestPlatform();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-deploy-settings-'));
  core = await createCore({ home, toolchainsDir: path.join(home, 'no-toolchains') });
});
afterAll(async () => {
  await core?.close();
  await platform?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('platform settings', () => {
  it('refuses a token the platform does not accept when it is saved, and stores nothing', async () => {
    const refused = core.services.deploy.configure({
      endpoint: platform.url,
      token: 'epk_acct_wrong0000000000',
    });
    await expect(refused).rejects.toMatchObject({ code: 'ACCOUNT_TOKEN_INVALID' });
    expect(await core.services.deploy.settings()).toMatchObject({ endpoint: null, hasToken: false });
  });

  it('refuses a platform that does not answer, by name', async () => {
    const refused = core.services.deploy.configure({
      endpoint: 'http://127.0.0.1:9',
      token: platform.token,
    });
    await expect(refused).rejects.toMatchObject({ code: 'PLATFORM_UNREACHABLE' });
    expect(await core.services.deploy.settings()).toMatchObject({ endpoint: null, hasToken: false });
  });

  it('stores a token the platform accepts, and checks it again when only the URL changes', async () => {
    const saved = await core.services.deploy.configure({
      endpoint: `${platform.url}/`,
      token: platform.token,
    });
    expect(saved).toMatchObject({ endpoint: platform.url, hasToken: true });
    await expect(core.services.deploy.configure({ endpoint: 'http://127.0.0.1:9' })).rejects.toMatchObject({
      code: 'PLATFORM_UNREACHABLE',
    });
    expect((await core.services.deploy.settings()).endpoint).toBe(platform.url);
  });
});

describe('endpoint names', () => {
  it('are the model’s name and the export version', () => {
    expect(endpointName('pets.pt', 3)).toBe('pets-v3');
    expect(endpointName('yolo11n-seg.onnx', 1)).toBe('yolo11n-seg-v1');
    expect(endpointName('x'.repeat(200), 12)).toHaveLength(100);
  });
});
