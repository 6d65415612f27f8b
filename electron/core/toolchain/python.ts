import { runCommand } from './exec';

export interface PythonInfo {
  path: string | null;
  version: string | null;
  ok: boolean;
  problem: string | null;
}

/** Versions the pinned toolchain (torch 2.14, Ultralytics 8.4) has wheels for. */
export const SUPPORTED_PYTHON = { min: [3, 10], max: [3, 13] } as const;

/** Finds the interpreter and its version; `ok` when it can create venvs and the pinned wheels support it. */
export async function probePython(python: string): Promise<PythonInfo> {
  const code = 'import sys, venv, ensurepip; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])';
  const r = await runCommand(python, ['-c', code], { timeoutMs: 30_000 });
  if (r.code !== 0) {
    const missingModule = /No module named '?(venv|ensurepip)/.exec(r.stderr);
    return {
      path: null,
      version: null,
      ok: false,
      problem: missingModule
        ? `${python} cannot create virtual environments (module ${missingModule[1]} is missing).`
        : `Python was not found (${python}).`,
    };
  }
  const [executable, version] = r.stdout.trim().split('\n');
  const [major, minor] = (version ?? '').split('.').map(Number);
  const supported =
    major === SUPPORTED_PYTHON.min[0] &&
    (minor ?? 0) >= SUPPORTED_PYTHON.min[1] &&
    (minor ?? 0) <= SUPPORTED_PYTHON.max[1];
  return {
    path: executable ?? python,
    version: version ?? null,
    ok: supported,
    problem: supported
      ? null
      : `Python ${version} is not supported by the toolchain (needs ${SUPPORTED_PYTHON.min.join('.')}–${SUPPORTED_PYTHON.max.join('.')}).`,
  };
}

/** Installed distributions of a venv's interpreter (normalised name → version), via importlib.metadata. */
export async function installedPackages(venvPython: string): Promise<Record<string, string> | null> {
  const code =
    'import json, importlib.metadata as m\n' +
    'print(json.dumps({d.metadata["Name"]: d.version for d in m.distributions() if d.metadata["Name"]}))';
  const r = await runCommand(venvPython, ['-c', code], { timeoutMs: 60_000 });
  if (r.code !== 0) return null;
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, string>;
  } catch {
    return null;
  }
}
