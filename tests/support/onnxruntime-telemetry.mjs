// What ONNX Runtime's usage telemetry (on by default from 1.29 on Linux and macOS) leaves behind when it runs: a
// device id and an event database under $HOME/.cache/Microsoft/DeveloperTools/.onnxruntime, and /tmp/mat-debug-<pid>.log.
// The runtimes' suites and the app's tests run a program with a fresh HOME and look for them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The telemetry files a process with this HOME and pid left (empty: telemetry was off). */
export function onnxRuntimeTelemetryTraces(home, pid) {
  const found = [];
  const store = path.join(home, '.cache', 'Microsoft', 'DeveloperTools', '.onnxruntime');
  if (fs.existsSync(store)) found.push(...fs.readdirSync(store).map((name) => path.join(store, name)));
  const debugLog = path.join('/tmp', `mat-debug-${pid}.log`);
  if (fs.existsSync(debugLog)) {
    found.push(debugLog);
    fs.rmSync(debugLog, { force: true });
  }
  return found;
}

/**
 * Runs `cmd args` with a fresh HOME (and `env` on top of this process's environment, where a value of undefined
 * removes the variable); returns the run and the telemetry traces it left.
 */
export function runWithFreshHome(cmd, args, env = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-telemetry-home-'));
  try {
    const merged = { ...process.env, HOME: home, ...env };
    for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: merged, maxBuffer: 64 * 1024 * 1024 });
    return { r, traces: onnxRuntimeTelemetryTraces(home, r.pid).map((p) => p.replace(home, '$HOME')) };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
