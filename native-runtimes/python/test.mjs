#!/usr/bin/env node
// The Python wrapper's suite (`npm run test:runtimes -- python`): pytest in the wrappers' own environment
// (scripts/runtimes-python.mjs: no torch, no Ultralytics), on the conformance vectors and on the fixture models
// exported through the CLI to ONNX, OpenVINO and LiteRT. The exports are cached under
// <cache>/edgepack/python-wrapper/ keyed by the fixture's SHA-256 and the toolchain's requirements, so a machine
// makes them once (the toolchain must exist: `npx edgepack doctor --fix`; the LiteRT converter's environment is made
// by the CLI on first use).
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import envPaths from 'env-paths';
import { runtimesPython } from '../../scripts/runtimes-python.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const TASKS = ['detect', 'segment', 'classify', 'pose'];
const FORMATS = 'onnx,openvino,tflite';

function cacheRoot() {
  const base =
    process.env.EDGEPACK_RUNTIMES_CACHE ??
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'edgepack');
  return path.join(base, 'python-wrapper');
}

/** The toolchains the CLI exports with: the person's (EDGEPACK_TOOLCHAINS, else <data home>/toolchains). */
function toolchainsDir() {
  if (process.env.EDGEPACK_TOOLCHAINS) return process.env.EDGEPACK_TOOLCHAINS;
  const home = process.env.EDGEPACK_HOME ?? envPaths('Edgepack', { suffix: '' }).data;
  return path.join(home, 'toolchains');
}

function exportKey(checkpoint) {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(checkpoint)).update(FORMATS);
  const requirements = path.join(repo, 'trainers/requirements');
  for (const name of fs.readdirSync(requirements).sort())
    hash.update(fs.readFileSync(path.join(requirements, name)));
  return hash.digest('hex').slice(0, 16);
}

/** One fixture exported to every format through the real CLI, into the cache (made once, atomically). */
function exportFixture(task) {
  const checkpoint = path.join(repo, 'tests/fixtures/models', `${task}.pt`);
  const target = path.join(cacheRoot(), `${task}-${exportKey(checkpoint)}`);
  if (fs.existsSync(path.join(target, 'metadata.json'))) return Promise.resolve([task, target]);
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const scratch = fs.mkdtempSync(path.join(cacheRoot(), `.${task}-`));
  const out = path.join(scratch, 'export');
  const env = {
    ...process.env,
    EDGEPACK_HOME: path.join(scratch, 'home'),
    EDGEPACK_TOOLCHAINS: toolchainsDir(),
  };
  const args = ['bin/edgepack.mjs', 'export', checkpoint, '--format', FORMATS, '--out', out, '--json'];
  console.log(`Exporting the ${task} fixture to ${FORMATS} (cached in ${target})`);
  return new Promise((resolve, reject) => {
    // Quiet unless it fails: the export's progress lines would bury the test results.
    const child = spawn(process.execPath, args, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = '';
    child.stdout.on('data', (chunk) => (printed += chunk));
    child.stderr.on('data', (chunk) => (printed += chunk));
    child.on('close', (code) => {
      if (code !== 0 || !fs.existsSync(path.join(out, 'metadata.json'))) {
        fs.rmSync(scratch, { recursive: true, force: true });
        reject(new Error(`export of ${task}.pt failed (exit ${code}):\n${printed.slice(-4000)}`));
        return;
      }
      fs.renameSync(out, target);
      fs.rmSync(scratch, { recursive: true, force: true });
      resolve([task, target]);
    });
  });
}

const python = runtimesPython();
let exportsByTask;
try {
  exportsByTask = Object.fromEntries(await Promise.all(TASKS.map(exportFixture)));
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
const r = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', path.join(here, 'tests')], {
  cwd: repo,
  stdio: 'inherit',
  env: { ...process.env, EDGEPACK_PYTHON_WRAPPER_EXPORTS: JSON.stringify(exportsByTask) },
});
process.exit(r.status ?? 1);
