import type { ToolchainLocation } from './environment';
import { runCommand } from './exec';
import { trainerEnv } from './offline-env';
import { installedPackages } from './python';
import { normalizeName, type Pin } from './requirements';
import type { DoctorReport } from '../../contract';

export type PackageStatus = DoctorReport['packages'][number];

/** PEP 440: `==2.13.0` is met by a local build of it (`2.13.0+cpu`, the CPU torch wheel). */
export function satisfiesPin(installed: string | null, pinned: string): boolean {
  if (installed === null) return false;
  return installed === pinned || (!pinned.includes('+') && installed.split('+')[0] === pinned);
}

/** Each pinned package's installed version against the pin; null when the venv's interpreter cannot run. */
export async function checkPins(
  location: ToolchainLocation,
  pins: Pin[] = location.pins,
): Promise<PackageStatus[] | null> {
  const installed = await installedPackages(location.python);
  if (!installed) return null;
  const byName = new Map(Object.entries(installed).map(([name, version]) => [normalizeName(name), version]));
  return pins.map((pin) => {
    const version = byName.get(normalizeName(pin.name)) ?? null;
    return {
      name: pin.name,
      required: pin.version,
      installed: version,
      ok: satisfiesPin(version, pin.version),
    };
  });
}

// What each environment's exports import (the TFLite one's CPU torch wheel cannot import torchvision: never check it).
const IMPORTS: Record<string, string> = {
  ultralytics: 'torch, torchvision, onnx, onnxruntime, ultralytics',
  tflite: 'torch, litert_torch, ai_edge_litert, ultralytics',
};

/** Imports what an export needs, offline; returns the failure's last line, or null when it all imports. */
export async function verifyImports(location: ToolchainLocation, configDir: string): Promise<string | null> {
  const code = `import ${IMPORTS[location.framework] ?? IMPORTS['ultralytics']}; print("ok")`;
  const r = await runCommand(location.python, ['-c', code], {
    env: trainerEnv(configDir),
    timeoutMs: 180_000,
  });
  if (r.code === 0 && r.stdout.trim().endsWith('ok')) return null;
  const lines = `${r.stderr}`.trim().split('\n').filter(Boolean);
  return lines.at(-1) ?? `the interpreter exited with ${r.code ?? r.signal}`;
}
