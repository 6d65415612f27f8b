// What ONNX Runtime's usage telemetry (on by default from 1.29 on Linux and macOS) leaves behind when it runs: a
// device id and an event database under $HOME/.cache/Microsoft/DeveloperTools/.onnxruntime, and /tmp/mat-debug-<pid>.log.
// The runtimes' suites and the app's tests run a program with a fresh HOME and look for them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * What ONNX Runtime takes for a CI machine, where it keeps its telemetry quiet: a person's desktop has none of them,
 * so the programs under test run without them (else a check for traces could not fail on CI).
 */
export const CI_MARKERS = [
  'CI',
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'JENKINS_URL',
  'TRAVIS',
  'TF_BUILD',
  'BUILDKITE',
  'CIRCLECI',
  'APPVEYOR',
  'CODEBUILD_BUILD_ID',
  'TEAMCITY_VERSION',
  'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI',
  'ORT_RUNNING_UNIT_TESTS',
];

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
 * Runs `cmd args` as on a person's desktop (no CI_MARKERS) with a fresh HOME, and `env` on top of this process's
 * environment (a value of undefined removes the variable); returns the run and the telemetry traces it left.
 */
export function runWithFreshHome(cmd, args, env = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-telemetry-home-'));
  try {
    const desktop = Object.fromEntries(CI_MARKERS.map((name) => [name, undefined]));
    const merged = { ...process.env, ...desktop, HOME: home, ...env };
    for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: merged, maxBuffer: 64 * 1024 * 1024 });
    return { r, traces: onnxRuntimeTelemetryTraces(home, r.pid).map((p) => p.replace(home, '$HOME')) };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
