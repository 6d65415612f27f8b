#!/usr/bin/env node
// `npm run test:py [-- pytest args]`: the trainers' pytest suite in the toolchain environment.
import { spawnSync } from 'node:child_process';
import { toolchainPython } from './toolchain-python.mjs';

const args = process.argv.slice(2);
const r = spawnSync(toolchainPython(), ['-m', 'pytest', '-q', 'trainers/tests', ...args], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
