import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * better-sqlite3 in node_modules is built for Node's ABI; under Electron the core needs the copy that
 * scripts/electron-native.mjs builds against Electron's headers. Packaged apps were rebuilt by electron-builder,
 * so they need nothing.
 */
export function sqliteBindingForElectron(opts: {
  appPath: string;
  electronVersion: string;
  isPackaged: boolean;
}): string | undefined {
  if (opts.isPackaged) return undefined;
  const file = path.join(
    opts.appPath,
    '.cache',
    'electron-native',
    opts.electronVersion,
    'better_sqlite3.node',
  );
  if (!existsSync(file)) {
    throw Object.assign(
      new Error(`The SQLite module for Electron ${opts.electronVersion} is not built (${file}).`),
      {
        code: 'ELECTRON_NATIVE_MISSING',
        hint: 'Run `node scripts/electron-native.mjs` (npm run dev and npm start do this first), then start again.',
      },
    );
  }
  return file;
}
