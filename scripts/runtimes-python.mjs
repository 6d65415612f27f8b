// The runtime wrappers' own Python environment: a venv at <cache>/edgepack/runtimes-<12 hex of sha256(requirements)>
// holding native-runtimes/requirements-test.txt and nothing of Edgepack's toolchain (no torch, no Ultralytics), so the
// Python wrapper is tested as a person who unzips a bundle runs it. Made once, reused while the file is unchanged.
// `cacheRoot()` is where every runtime suite caches what it sets up (the C++ suite: ONNX Runtime headers, its build).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requirements = path.join(repo, 'native-runtimes/requirements-test.txt');

export function cacheRoot() {
  if (process.env.EDGEPACK_RUNTIMES_CACHE) return process.env.EDGEPACK_RUNTIMES_CACHE;
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'edgepack');
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** The interpreter of the wrappers' environment, made (or remade after a change of the requirements) first. */
export function runtimesPython() {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(requirements)).digest('hex').slice(0, 12);
  const venv = path.join(cacheRoot(), `runtimes-${hash}`);
  const python = path.join(venv, 'bin', 'python');
  const ready = path.join(venv, '.edgepack-ready');
  if (fs.existsSync(ready)) return python;
  fs.rmSync(venv, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  console.error(`Creating the runtime wrappers' Python environment at ${venv}`);
  run(process.env.EDGEPACK_PYTHON || 'python3', ['-m', 'venv', venv]);
  run(python, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', requirements]);
  fs.writeFileSync(ready, `${hash}\n`);
  return python;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(runtimesPython());
