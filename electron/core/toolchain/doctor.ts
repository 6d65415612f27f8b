import fs from 'node:fs';
import type { DoctorReport } from '../../contract';
import { edgepackVersion } from '../version';
import { devPins, isMarkedReady, type ToolchainLocation } from './environment';
import { probePython, type PythonInfo } from './python';
import { sandboxStatus } from './sandbox';
import { checkPins, verifyImports } from './verify';

export const FIX_COMMAND = 'npx edgepack doctor --fix';

export interface DoctorInput {
  location: ToolchainLocation;
  python: string;
  configDir: string;
  /** Also require the dev tools (pytest, ruff) from trainers/requirements/dev.txt. */
  dev?: boolean;
}

/** What is installed, what is missing, and for each problem the command that fixes it. Never changes anything. */
export async function runDoctor({
  location,
  python,
  configDir,
  dev = false,
}: DoctorInput): Promise<DoctorReport> {
  const problems: DoctorReport['problems'] = [];
  const fix = location.external
    ? `Unset EDGEPACK_VENV (then run \`${FIX_COMMAND}\`), or repair the environment at ${location.path}`
    : FIX_COMMAND;
  const pythonInfo: PythonInfo = await probePython(python);
  const exists = fs.existsSync(location.path);
  const marked = location.external || isMarkedReady(location);
  const packages = exists ? await checkPins(location) : null;

  let healthy = false;
  if (!exists) {
    problems.push({
      message: `The ${location.framework} toolchain environment is not installed (${location.path}).`,
      fix,
    });
  } else if (!marked) {
    problems.push({
      message: `The ${location.framework} toolchain environment at ${location.path} is incomplete (its installation did not finish).`,
      fix,
    });
  } else if (!packages) {
    problems.push({ message: `The environment's Python (${location.python}) does not run.`, fix });
  } else if (packages.some((p) => !p.ok)) {
    for (const p of packages.filter((p) => !p.ok)) {
      problems.push({
        message: p.installed
          ? `${p.name} ${p.installed} is installed; ${p.required} is required.`
          : `${p.name} ${p.required} is missing.`,
        fix,
      });
    }
  } else {
    const importFailure = await verifyImports(location, configDir);
    if (importFailure) {
      problems.push({ message: `The environment cannot import its packages: ${importFailure}`, fix });
    } else {
      healthy = true;
    }
  }

  if (!healthy && !pythonInfo.ok && !location.external) {
    problems.unshift({
      message: pythonInfo.problem ?? 'Python was not found.',
      fix: 'Install Python 3.10–3.13 with venv (Debian: `apt-get install python3 python3-venv`), or set EDGEPACK_PYTHON to one',
    });
  }
  if (dev && healthy) {
    const missing = ((await checkPins(location, devPins(location))) ?? []).filter((p) => !p.ok);
    if (missing.length > 0) {
      problems.push({
        message: `The development tools are not installed in the toolchain environment (${missing.map((p) => `${p.name}==${p.required}`).join(', ')}).`,
        fix: location.external ? fix : `${FIX_COMMAND} --dev`,
      });
    }
  }

  return {
    edgepack: edgepackVersion(),
    ok: problems.length === 0,
    python: { path: pythonInfo.path, version: pythonInfo.version, ok: pythonInfo.ok },
    environment: {
      framework: location.framework,
      path: location.path,
      requirementsHash: location.requirementsHash,
      exists,
      healthy,
    },
    packages:
      packages ??
      location.pins.map((pin) => ({ name: pin.name, required: pin.version, installed: null, ok: false })),
    problems,
    sandbox: sandboxStatus(),
  };
}
