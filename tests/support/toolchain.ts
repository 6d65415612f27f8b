// The trainers' toolchain, for the benchmarks (scripts/bench, platform/bench) and the platform's integration tests:
// its environment, made by the CLI exactly as the app makes it, Ultralytics' offline settings and a cached benchmark
// checkpoint. Run from the repository root.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

interface DoctorReport {
  ok?: boolean;
  environment?: { path: string; exists: boolean };
  error?: { message: string; hint: string };
}

/**
 * The toolchain environment: used as it is when `doctor` finds it ready; made by the CLI exactly as the app makes it
 * (`doctor --fix`) only when it does not exist yet — an existing one, perhaps in use by others, is never repaired
 * from here: what is wrong with it is reported instead.
 */
export function toolchainEnvPath(): string {
  const report = doctorReport([]);
  if (report.ok && report.environment) return report.environment.path;
  if (report.error || report.environment?.exists !== false)
    throw new Error(
      `toolchain not ready (see \`edgepack doctor\`): ${JSON.stringify(report.error ?? report)}`,
    );
  const fixed = doctorReport(['--fix']);
  if (!fixed.ok || !fixed.environment) throw new Error(`toolchain not ready: ${JSON.stringify(fixed)}`);
  return fixed.environment.path;
}

function doctorReport(extra: string[]): DoctorReport {
  const r = spawnSync(process.execPath, ['bin/edgepack.mjs', 'doctor', ...extra, '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(r.stdout) as DoctorReport;
}

/** Ultralytics' offline settings, so that neither side of a benchmark touches the network. */
export function offlineEnv(home: string): Record<string, string> {
  return {
    YOLO_OFFLINE: 'true',
    YOLO_AUTOINSTALL: 'false',
    ULTRALYTICS_SKIP_REQUIREMENTS_CHECKS: '1',
    YOLO_CONFIG_DIR: path.join(home, 'ultralytics-config'),
  };
}

/**
 * A full-size YOLO11n detection checkpoint built from Ultralytics' yaml (no download), cached in .cache/bench.
 * Its weights are untrained: the benchmark measures export cost, which depends on architecture, not on weights.
 */
export function benchCheckpoint(venv: string): string {
  const file = path.resolve('.cache/bench/yolo11n-untrained.pt');
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const code = `import torch; torch.manual_seed(0)\nfrom ultralytics import YOLO\nYOLO('yolo11n.yaml').save(${JSON.stringify(file)})`;
  const r = spawnSync(path.join(venv, 'bin', 'python'), ['-c', code], {
    env: { ...process.env, ...offlineEnv(path.resolve('.cache/bench')) },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`could not build the benchmark checkpoint:\n${r.stderr}`);
  return file;
}
