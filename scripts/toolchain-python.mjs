// Ensures the trainers' toolchain environment (plus the dev tools: pytest, ruff) exists — through the CLI, i.e. the
// same code path the app uses — and returns its Python interpreter.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export function toolchainPython() {
  const r = spawnSync(process.execPath, ['bin/edgepack.mjs', 'doctor', '--fix', '--dev', '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    console.error(`edgepack doctor --fix printed no JSON report (exit ${r.status}):\n${r.stdout}`);
    process.exit(1);
  }
  if (r.status !== 0 || !report.ok) {
    console.error('The toolchain environment is not ready:', JSON.stringify(report, null, 2));
    process.exit(1);
  }
  return path.join(report.environment.path, 'bin', 'python');
}
