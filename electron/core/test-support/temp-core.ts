import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createCore, type CoreWithServices } from '../index';

export interface TempCore {
  readonly home: string;
  readonly core: CoreWithServices;
  /** Closes the core and opens it again on the same data folder (the next start of the app). */
  reopen(toolchains?: string): Promise<CoreWithServices>;
}

/**
 * A core on a fresh data folder for each test, closed and removed after it. Its toolchains folder is empty: these
 * tests cover what works (and what is refused) without the Python toolchain.
 */
export function useTempCore(prefix: string): TempCore {
  let home = '';
  let core: CoreWithServices | null = null;
  const open = (toolchains = 'no-toolchains') =>
    createCore({ home, toolchainsDir: path.join(home, toolchains) });
  beforeEach(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    core = await open();
  });
  afterEach(async () => {
    await core?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });
  return {
    get home() {
      return home;
    },
    get core() {
      return core!;
    },
    async reopen(toolchains) {
      await core?.close();
      core = await open(toolchains);
      return core;
    },
  };
}
