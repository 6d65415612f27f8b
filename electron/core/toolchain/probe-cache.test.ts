import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolchainStatus } from '../../contract';
import type { CoreWithServices } from '../index';
import { useTempCore } from '../test-support/temp-core';

const t = useTempCore('edgepack-probe-');

const checked = (c: CoreWithServices) =>
  new Promise<ToolchainStatus>((resolve) => {
    const off = c.on('toolchain:checked', (status) => {
      off();
      resolve(status);
    });
  });

describe('the toolchain check at start-up', () => {
  it('answers at once from the last report of the same environment and refreshes it in the background', async () => {
    const fresh = checked(t.core);
    const first = await t.core.handle('toolchain:status', {});
    expect(first).toEqual({ report: null, probedAt: null, refreshing: true });
    const pushed = await fresh;
    expect(pushed.refreshing).toBe(false);
    expect(pushed.report?.ok).toBe(false);
    expect(pushed.report?.environment.path).toContain(path.join(t.home, 'no-toolchains'));

    const core = await t.reopen(); // the next start of the app
    const again = checked(core);
    const second = await core.handle('toolchain:status', {});
    expect(second.report).toEqual(pushed.report);
    expect(second.probedAt).not.toBeNull();
    expect((await again).report?.ok).toBe(false);
  });

  it('never shows the report of another environment', async () => {
    const fresh = checked(t.core);
    await t.core.handle('toolchain:status', {});
    await fresh;
    const core = await t.reopen('other-toolchains');
    const other = checked(core);
    expect((await core.handle('toolchain:status', {})).report).toBeNull();
    await other;
  });
});
