#!/usr/bin/env node
// Builds better-sqlite3 for the installed Electron's ABI, once, into .cache/electron-native/<electron-version>/.
// node_modules keeps its Node build (the CLI, the web harness and the tests use it); the Electron main process
// passes this copy to the core as `sqliteNativeBinding`. Packaged apps do not need it (electron-builder rebuilds).
//   node scripts/electron-native.mjs [--force]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const force = process.argv.includes('--force');

const electronVersion = require('electron/package.json').version;
const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = require('better-sqlite3/package.json').version;
const outDir = path.join(root, '.cache', 'electron-native', electronVersion);
const target = path.join(outDir, 'better_sqlite3.node');
const stampFile = path.join(outDir, 'stamp.json');
const stamp = {
  electron: electronVersion,
  betterSqlite3: sqliteVersion,
  arch: process.arch,
  platform: process.platform,
};

function fail(message, hint) {
  console.error(`electron-native: ${message}`);
  console.error(`  ${hint}`);
  process.exit(1);
}

const current = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : '';
if (!force && fs.existsSync(target) && current === JSON.stringify(stamp)) {
  console.log(
    `electron-native: better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} is up to date.`,
  );
  process.exit(0);
}

// Build in a copy so node_modules/better-sqlite3/build (Node's ABI) is never touched.
const work = path.join(outDir, 'better-sqlite3-src');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
for (const entry of ['binding.gyp', 'package.json', 'src', 'deps']) {
  const from = path.join(sqliteDir, entry);
  if (!fs.existsSync(from)) fail(`${from} is missing.`, 'Reinstall dependencies with `npm ci`.');
  fs.cpSync(from, path.join(work, entry), { recursive: true });
}

console.log(
  `electron-native: building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.arch})…`,
);
const env = { ...process.env };
// A nodedir (set for building against the local Node) would point node-gyp at Node's headers instead of Electron's.
for (const key of Object.keys(env))
  if (/^npm_config_(nodedir|target|runtime|disturl)$/i.test(key)) delete env[key];
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const result = spawnSync(
  process.execPath,
  [
    nodeGyp,
    'rebuild',
    '--release',
    `--target=${electronVersion}`,
    `--arch=${process.arch}`,
    '--runtime=electron',
    '--dist-url=https://electronjs.org/headers',
    `--devdir=${path.join(root, '.cache', 'electron-native', 'headers')}`,
  ],
  { cwd: work, env, stdio: 'inherit' },
);
if (result.status !== 0) {
  fs.rmSync(work, { recursive: true, force: true });
  fail(
    `node-gyp failed (exit ${result.status ?? result.signal}).`,
    'It needs Electron’s headers from https://electronjs.org/headers (network) and a C++ toolchain ' +
      '(python3, make, a C++20 compiler). The CLI and the web harness (`npm run dev:web`) do not need this step.',
  );
}
const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
if (!fs.existsSync(built)) fail(`node-gyp finished but ${built} is missing.`, 'Run again with --force.');
fs.copyFileSync(built, target);
fs.writeFileSync(stampFile, JSON.stringify(stamp));
fs.rmSync(work, { recursive: true, force: true });
console.log(`electron-native: wrote ${path.relative(root, target)}`);
