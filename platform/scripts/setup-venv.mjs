#!/usr/bin/env node
// Creates (or reuses) the platform's Python tool environment, .cache/platform-venv, from platform/requirements.txt.
// Reused while the requirements file is unchanged (its sha256 is stored in the venv). Prints the interpreter path last.
//   node platform/scripts/setup-venv.mjs [--quiet]
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function platformVenv({ quiet = false } = {}) {
  const requirements = path.join(repo, 'platform', 'requirements.txt');
  const venv = process.env.EDGEPACK_PLATFORM_VENV ?? path.join(repo, '.cache', 'platform-venv');
  const python = path.join(venv, 'bin', 'python');
  const marker = path.join(venv, '.requirements-sha256');
  const hash = createHash('sha256').update(fs.readFileSync(requirements)).digest('hex');
  if (fs.existsSync(python) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === hash)
    return python;

  const log = (line) => quiet || console.error(`[platform-venv] ${line}`);
  const run = (cmd, args) => {
    log(`${cmd} ${args.join(' ')}`);
    const r = spawnSync(cmd, args, { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`"${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal}).`);
  };
  fs.rmSync(venv, { recursive: true, force: true });
  // The tritonserver Python-backend stub embeds CPython 3.8-3.13; a 3.11 interpreter is what CI and dev boxes have.
  run(process.env.EDGEPACK_PYTHON ?? 'python3', ['-m', 'venv', venv]);
  run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
  fs.writeFileSync(marker, `${hash}\n`);
  log(`ready: ${venv}`);
  return python;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(platformVenv({ quiet: process.argv.includes('--quiet') }));
  } catch (error) {
    console.error(`[platform-venv] ${error.message}`);
    process.exit(1);
  }
}
