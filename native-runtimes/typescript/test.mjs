#!/usr/bin/env node
// The reference runtime's conformance suite (run by `npm run test:runtimes`): vitest's `conformance` project, i.e.
// every vector of native-runtimes/conformance/ through the reference (conformance.test.ts) and reference.ts, the
// command the other runtimes' suites ask for the reference's answers (reference.test.ts). Needs only node_modules.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const vitest = path.join(repo, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', '--project', 'conformance'], {
  cwd: repo,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
