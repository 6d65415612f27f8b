// The CLI runs from one esbuild bundle of electron/cli + core + contract and the reference runtime they use
// (native-runtimes/typescript); npm packages stay external. It is rebuilt whenever any TypeScript source it is made
// from is newer than the bundle. Loading one prebuilt file instead of transpiling ~150 modules through tsx on every
// call takes a `edgepack` command from ~1 s to ~0.2 s of start-up.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = ['electron/cli', 'electron/core', 'electron/contract', 'native-runtimes/typescript'].map(
  (d) => path.join(repo, d),
);
const bundle = path.join(repo, '.cache', 'cli', 'edgepack.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function isFresh() {
  try {
    const built = fs.statSync(bundle).mtimeMs;
    return sources.every((dir) => newestSource(dir) < built);
  } catch {
    return false;
  }
}

/** Path of an up-to-date CLI bundle, building it first when a source changed. */
export async function cliBundle() {
  if (isFresh()) return bundle;
  const { build } = await import('esbuild');
  const staging = `${bundle}.${process.pid}.tmp`;
  await build({
    entryPoints: [path.join(repo, 'electron/cli/index.ts')],
    outfile: staging,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  fs.renameSync(staging, bundle); // atomic: concurrent CLI calls never import a half-written bundle
  return bundle;
}
