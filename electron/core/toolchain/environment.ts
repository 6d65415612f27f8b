import fs from 'node:fs';
import path from 'node:path';
import { parsePins, readRequirements, type Pin } from './requirements';

export const FRAMEWORK = 'ultralytics';
const READY_MARKER = '.edgepack-ready.json';

export interface ToolchainLocation {
  framework: string;
  /** The virtual environment folder. */
  path: string;
  /** The venv's interpreter. */
  python: string;
  requirementsFile: string;
  requirementsHash: string;
  pins: Pin[];
  devRequirementsFile: string;
  /** True when EDGEPACK_VENV points at an environment Edgepack did not make (development only). */
  external: boolean;
}

export interface ToolchainSettings {
  toolchainsDir: string;
  resourcesDir: string;
  /** Interpreter used to create environments. */
  python: string;
  /** Development override: use this existing venv instead of making one (EDGEPACK_VENV). */
  externalVenv?: string | undefined;
}

/**
 * Where the framework's environment lives: `<toolchains>/ultralytics-<first 12 hex of sha256(requirements)>`,
 * so changing a pin makes (and uses) a new environment and never mutates one in use.
 */
export function locateToolchain(settings: ToolchainSettings, framework = FRAMEWORK): ToolchainLocation {
  const requirementsFile = path.join(settings.resourcesDir, 'trainers', 'requirements', `${framework}.txt`);
  const { hash, pins } = readRequirements(requirementsFile);
  const envPath = settings.externalVenv
    ? path.resolve(settings.externalVenv)
    : path.join(settings.toolchainsDir, `${framework}-${hash.slice(0, 12)}`);
  return {
    framework,
    path: envPath,
    python: venvPython(envPath),
    requirementsFile,
    requirementsHash: hash,
    pins,
    devRequirementsFile: path.join(settings.resourcesDir, 'trainers', 'requirements', 'dev.txt'),
    external: Boolean(settings.externalVenv),
  };
}

export function venvPython(envPath: string): string {
  return process.platform === 'win32'
    ? path.join(envPath, 'Scripts', 'python.exe')
    : path.join(envPath, 'bin', 'python');
}

export interface ReadyMarker {
  requirementsHash: string;
  python: string;
  packages: Record<string, string>;
  createdAt: string;
}

export function readReadyMarker(location: ToolchainLocation): ReadyMarker | null {
  return readMarker<ReadyMarker>(path.join(location.path, READY_MARKER));
}

/** Ready = the marker written after a verified install names this requirements hash and the interpreter exists. */
export function isMarkedReady(location: ToolchainLocation): boolean {
  const marker = readReadyMarker(location);
  return marker?.requirementsHash === location.requirementsHash && fs.existsSync(location.python);
}

export function writeReadyMarker(location: ToolchainLocation, marker: ReadyMarker): void {
  writeAtomically(path.join(location.path, READY_MARKER), marker);
}

/** The dev tools' pins (pytest, ruff, jsonschema), installed on top of the runtime when tests need them. */
export function devPins(location: ToolchainLocation): Pin[] {
  try {
    return parsePins(fs.readFileSync(location.devRequirementsFile, 'utf8'));
  } catch {
    return [];
  }
}

function readMarker<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Write-then-rename, so a crash leaves either no marker or a whole one. */
function writeAtomically(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}
