#!/usr/bin/env node
// `npm test`: every gate a change must pass, in the order a newcomer would hit them.
// The toolchain environment (with the dev tools) is created first, through the same code the app uses.
import { spawnSync } from 'node:child_process';
import { toolchainPython } from './toolchain-python.mjs';

const only = process.argv.slice(2);
const run = (name, cmd, args, env = {}) => {
  if (only.length && !only.includes(name)) return true;
  console.log(`\n=== ${name}: ${[cmd, ...args].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  console.log(
    `=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return ok;
};

const python = toolchainPython();
// Every Python source ruff holds to the trainers' rules (each folder's ruff.toml extends trainers/pyproject.toml).
const pythonSources = ['trainers', 'tests/fixtures', 'native-runtimes/python', 'native-runtimes/docker'];
const steps = [
  ['eslint', 'npx', ['eslint', '.']],
  ['prettier', 'npx', ['prettier', '--check', '.']],
  ['ruff', python, ['-m', 'ruff', 'check', ...pythonSources]],
  ['ruff-format', python, ['-m', 'ruff', 'format', '--check', ...pythonSources]],
  ['typecheck-node', 'npx', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']],
  ['typecheck-web', 'npx', ['tsc', '-p', 'tsconfig.web.json', '--noEmit']],
  ['pytest', python, ['-m', 'pytest', '-q', 'trainers/tests']],
  ['unit', 'npx', ['vitest', 'run', '--project', 'unit']],
  ['integration', 'npx', ['vitest', 'run', '--project', 'integration']],
  ['e2e', 'npx', ['vitest', 'run', '--project', 'e2e']],
  ['runtimes', process.execPath, ['native-runtimes/test-all.mjs']],
];

const failed = steps.filter(([name, cmd, args]) => !run(name, cmd, args)).map(([name]) => name);
console.log(failed.length ? `\nFAILED steps: ${failed.join(', ')}` : '\nAll test steps passed.');
process.exit(failed.length ? 1 : 0);
