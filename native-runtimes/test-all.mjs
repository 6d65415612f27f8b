#!/usr/bin/env node
// `npm run test:runtimes`: every runtime wrapper's own test suite (each `native-runtimes/<runtime>/test.mjs`), each
// running every conformance vector of native-runtimes/conformance/ — one command for all of them.
// `npm run test:runtimes -- python cpp` runs only those.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const runtimes = fs
  .readdirSync(root)
  .filter((name) => fs.existsSync(path.join(root, name, 'test.mjs')))
  .filter((name) => !only.length || only.includes(name))
  .sort();

const failed = [];
for (const name of runtimes) {
  console.log(`\n--- runtime ${name}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, name, 'test.mjs')], { stdio: 'inherit' });
  const ok = r.status === 0;
  console.log(
    `--- runtime ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (!ok) failed.push(name);
}
if (!runtimes.length) {
  console.error('No runtime test suites found (native-runtimes/<runtime>/test.mjs).');
  process.exit(1);
}
console.log(
  failed.length ? `\nFAILED runtimes: ${failed.join(', ')}` : `\nAll runtimes passed: ${runtimes.join(', ')}`,
);
process.exit(failed.length ? 1 : 0);
