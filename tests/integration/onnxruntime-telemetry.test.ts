/**
 * The app runs ONNX Runtime without its usage telemetry (on by default from 1.29 on Linux and macOS: uploads to
 * Microsoft, a device id under ~/.cache/Microsoft, /tmp/mat-debug-<pid>.log): `edgepack models add` of an ONNX file
 * (its card's session) and `edgepack predict` (the preview's worker session), each with a fresh HOME. A person's own
 * ORT_DISABLE_TELEMETRY=0 is kept, and then the device id appears — the traces this test looks for are real.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyDetector } from '../../electron/core/preview/test-support';
// @ts-expect-error -- plain ESM helper without types
import { runWithFreshHome } from '../../tests/support/onnxruntime-telemetry.mjs';
import { fixture, freshHome, removeHomes, repo } from './helpers';

const bin = path.join(repo, 'bin', 'edgepack.mjs');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-telemetry-'));
const model = path.join(scratch, 'tiny-detector.onnx');
fs.writeFileSync(model, tinyDetector());
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
  removeHomes();
});

type Traced = { r: { status: number | null; stdout: string; stderr: string }; traces: string[] };
const edgepack = (args: string[], env: Record<string, string | undefined>): Traced =>
  runWithFreshHome(process.execPath, [bin, ...args], { EDGEPACK_HOME: freshHome(), ...env });

describe('ONNX Runtime telemetry', () => {
  it.each([
    ['models add', ['models', 'add', model, '--json']],
    ['predict', ['predict', model, fixture('images/shapes-1.png'), '--json']],
  ])('stays off in %s', (_name, args) => {
    const run = edgepack(args, { ORT_DISABLE_TELEMETRY: undefined });
    expect(run.r.status, run.r.stderr).toBe(0);
    expect(run.traces).toEqual([]);
  });

  it("keeps a person's own ORT_DISABLE_TELEMETRY=0 (and then ONNX Runtime's device id appears)", () => {
    const run = edgepack(['models', 'add', model, '--json'], { ORT_DISABLE_TELEMETRY: '0' });
    expect(run.r.status, run.r.stderr).toBe(0);
    expect(run.traces).toContain('$HOME/.cache/Microsoft/DeveloperTools/.onnxruntime/deviceid');
  });
});
