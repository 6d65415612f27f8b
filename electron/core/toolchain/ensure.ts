import fs from 'node:fs';
import path from 'node:path';
import type { ToolchainProgress } from '../../contract';
import { AppError } from '../errors';
import { devPins, isMarkedReady, writeReadyMarker, type ToolchainLocation } from './environment';
import { runCommand } from './exec';
import { withLock } from './lock';
import { PipProgressParser } from './pip-progress';
import { probePython } from './python';
import { checkPins, verifyImports } from './verify';
import { FIX_COMMAND } from './doctor';

export interface EnsureInput {
  location: ToolchainLocation;
  python: string;
  configDir: string;
  dev?: boolean;
  onProgress: (progress: ToolchainProgress) => void;
}

/**
 * Makes the environment if it is not marked ready: a fresh venv, `pip install -r` the pinned requirements, a verify
 * import, then the ready marker. A folder without the marker is a half-made environment and is rebuilt. With `dev`,
 * the dev tools are installed into the same environment.
 */
export async function ensureToolchain(input: EnsureInput): Promise<void> {
  const { location, onProgress } = input;
  const report = (stage: ToolchainProgress['stage'], fraction: number, line?: string) =>
    onProgress({ framework: location.framework, stage, fraction, ...(line ? { line } : {}) });

  if (location.external) return ensureExternal(input);
  fs.mkdirSync(path.dirname(location.path), { recursive: true });
  await withLock(
    `${location.path}.lock`,
    () => report('venv', 0, 'Waiting for another Edgepack process that is installing the toolchain'),
    async () => {
      try {
        if (!isMarkedReady(location)) {
          await build(input, report);
          removeStaleEnvironments(location, report);
        }
        if (input.dev) await installDev(input, report);
        report('ready', 1, `Toolchain ready: ${location.path}`);
      } catch (error) {
        report('failed', 1, (error as Error).message);
        throw error;
      }
    },
  );
}

type Report = (stage: ToolchainProgress['stage'], fraction: number, line?: string) => void;

async function build({ location, python, configDir }: EnsureInput, report: Report): Promise<void> {
  const pythonInfo = await probePython(python);
  if (!pythonInfo.ok) {
    throw new AppError(
      'TOOLCHAIN_PYTHON_UNAVAILABLE',
      pythonInfo.problem ?? `Python was not found (${python}).`,
      'Install Python 3.10–3.13 with venv (Debian: `apt-get install python3 python3-venv`), or set EDGEPACK_PYTHON to one.',
    );
  }
  if (fs.existsSync(location.path)) {
    report('venv', 0.01, `Removing an incomplete environment at ${location.path}`);
    fs.rmSync(location.path, { recursive: true, force: true });
  }
  report(
    'venv',
    0.02,
    `Creating a virtual environment with Python ${pythonInfo.version} at ${location.path}`,
  );
  const venv = await runCommand(python, ['-m', 'venv', location.path], { timeoutMs: 300_000 });
  if (venv.code !== 0) throw installFailed('create the virtual environment', venv.stderr || venv.stdout);

  const parser = new PipProgressParser(location.pins.length);
  report('install', 0.05, `Installing ${location.requirementsFile}`);
  const pip = await runCommand(
    location.python,
    [
      '-m',
      'pip',
      'install',
      '--progress-bar',
      'off',
      '--disable-pip-version-check',
      '-r',
      location.requirementsFile,
    ],
    {
      onLine: (line) => {
        const { fraction, milestone } = parser.push(line);
        if (milestone) report('install', 0.05 + fraction * 0.85, milestone);
      },
    },
  );
  if (pip.code !== 0) throw installFailed('install the pinned packages', pip.stderr || pip.stdout);

  report('verify', 0.92, 'Checking the installed versions and imports');
  const packages = (await checkPins(location)) ?? [];
  const wrong = packages.filter((p) => !p.ok);
  if (packages.length === 0 || wrong.length > 0) {
    throw new AppError(
      'TOOLCHAIN_VERIFY_FAILED',
      `The toolchain environment does not have the pinned versions: ${wrong.map((p) => `${p.name} ${p.installed ?? 'missing'} (want ${p.required})`).join(', ') || 'its Python does not run'}.`,
      `Run \`${FIX_COMMAND}\` again; if it repeats, check which package index pip uses (pip config list).`,
    );
  }
  const importFailure = await verifyImports(location, configDir);
  if (importFailure) {
    throw new AppError(
      'TOOLCHAIN_VERIFY_FAILED',
      `The new toolchain environment cannot import its packages: ${importFailure}`,
      `Run \`${FIX_COMMAND}\` again; the environment is rebuilt from scratch.`,
    );
  }
  writeReadyMarker(location, {
    requirementsHash: location.requirementsHash,
    python: pythonInfo.version ?? '',
    packages: Object.fromEntries(packages.map((p) => [p.name, p.installed ?? ''])),
    createdAt: new Date().toISOString(),
  });
}

async function installDev({ location }: EnsureInput, report: Report): Promise<void> {
  const missing = ((await checkPins(location, devPins(location))) ?? []).filter((p) => !p.ok);
  if (missing.length === 0) return;
  report('install', 0.95, `Installing the development tools (${location.devRequirementsFile})`);
  const pip = await runCommand(location.python, [
    '-m',
    'pip',
    'install',
    '--progress-bar',
    'off',
    '--disable-pip-version-check',
    '-r',
    location.devRequirementsFile,
  ]);
  if (pip.code !== 0) throw installFailed('install the development tools', pip.stderr || pip.stdout);
}

async function ensureExternal({ location, configDir, dev }: EnsureInput): Promise<void> {
  const packages = await checkPins(location);
  const wrong = packages?.filter((p) => !p.ok) ?? [];
  const devMissing = dev ? ((await checkPins(location, devPins(location))) ?? []).filter((p) => !p.ok) : [];
  const importFailure = packages && wrong.length === 0 ? await verifyImports(location, configDir) : null;
  if (!packages || wrong.length > 0 || devMissing.length > 0 || importFailure) {
    throw new AppError(
      'TOOLCHAIN_EXTERNAL_BROKEN',
      `EDGEPACK_VENV points at ${location.path}, which Edgepack does not manage and which is not usable` +
        (importFailure
          ? `: ${importFailure}`
          : `: ${[...wrong, ...devMissing].map((p) => p.name).join(', ') || 'its Python does not run'}`),
      `Unset EDGEPACK_VENV and run \`${FIX_COMMAND}\` to let Edgepack make its own environment.`,
    );
  }
}

/**
 * Environments for older pins of the same framework (several GB each) are removed once the new one is ready,
 * unless another process holds one's lock.
 */
function removeStaleEnvironments(location: ToolchainLocation, report: Report): void {
  const dir = path.dirname(location.path);
  const pattern = new RegExp(`^${location.framework}-[0-9a-f]{12}$`);
  for (const entry of fs.readdirSync(dir)) {
    const stale = path.join(dir, entry);
    if (!pattern.test(entry) || stale === location.path || fs.existsSync(`${stale}.lock`)) continue;
    report('ready', 1, `Removing the environment for older pins: ${stale}`);
    fs.rmSync(stale, { recursive: true, force: true });
  }
}

function installFailed(what: string, output: string): AppError {
  const tail = output.trim().split('\n').slice(-12).join('\n');
  return new AppError(
    'TOOLCHAIN_INSTALL_FAILED',
    `Could not ${what}:\n${tail}`,
    `Check that PyPI (or your pip index) is reachable, then run \`${FIX_COMMAND}\` again; a half-made environment is rebuilt.`,
  );
}
