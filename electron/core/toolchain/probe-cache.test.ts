import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolchainStatus } from '../../contract';
import { createCore, type CoreWithServices } from '../index';

let home: string;
let core: CoreWithServices;
const open = (toolchains = 'no-toolchains') =>
  createCore({ home, toolchainsDir: path.join(home, toolchains) });

beforeEach(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-probe-'));
  core = await open();
});
afterEach(async () => {
  await core.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const checked = (c: CoreWithServices) =>
  new Promise<ToolchainStatus>((resolve) => {
    const off = c.on('toolchain:checked', (status) => {
      off();
      resolve(status);
    });
  });

describe('the toolchain check at start-up', () => {
  it('answers at once from the last report of the same environment and refreshes it in the background', async () => {
    const fresh = checked(core);
    const first = await core.handle('toolchain:status', {});
    expect(first).toEqual({ report: null, probedAt: null, refreshing: true });
    const pushed = await fresh;
    expect(pushed.refreshing).toBe(false);
    expect(pushed.report?.ok).toBe(false);
    expect(pushed.report?.environment.path).toContain(path.join(home, 'no-toolchains'));

    await core.close();
    core = await open(); // the next start of the app
    const again = checked(core);
    const second = await core.handle('toolchain:status', {});
    expect(second.report).toEqual(pushed.report);
    expect(second.probedAt).not.toBeNull();
    expect((await again).report?.ok).toBe(false);
  });

  it('never shows the report of another environment', async () => {
    const fresh = checked(core);
    await core.handle('toolchain:status', {});
    await fresh;
    await core.close();
    core = await open('other-toolchains');
    const other = checked(core);
    expect((await core.handle('toolchain:status', {})).report).toBeNull();
    await other;
  });
});
