/**
 * `edgepack doctor` against toolchain environments that are missing, half-made or broken: each named, each with the
 * command that fixes it; exports refuse to start until it is fixed. The healthy shared environment is checked too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, fixture, freshHome, removeHomes, repo } from './helpers';
import { locateToolchain } from '../../electron/core/toolchain/environment';

const scratch: string[] = [];
afterAll(() => {
  removeHomes();
  scratch.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

/** An empty toolchains folder and where the environment would go in it. */
function emptyToolchains() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-toolchains-'));
  scratch.push(dir);
  const location = locateToolchain({ toolchainsDir: dir, resourcesDir: repo, python: 'python3' });
  return { dir, envPath: location.path, hash: location.requirementsHash };
}

describe('edgepack doctor', () => {
  it('reports a healthy environment with every pinned version', () => {
    const run = cli(freshHome(), ['doctor', '--json']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json).toMatchObject({
      ok: true,
      python: { ok: true },
      environment: { exists: true, healthy: true },
    });
    expect(run.json.packages.length).toBeGreaterThan(5);
    for (const p of run.json.packages) expect(p.installed).toBe(p.required);
    expect(run.json.problems).toEqual([]);
  });

  it('names a missing environment and the command that makes it; exports refuse until then', () => {
    const { dir, envPath } = emptyToolchains();
    const env = { EDGEPACK_TOOLCHAINS: dir };
    const home = freshHome();
    const run = cli(home, ['doctor', '--json'], env);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({
      ok: false,
      environment: { path: envPath, exists: false, healthy: false },
    });
    expect(run.json.problems).toEqual([
      { message: expect.stringContaining('not installed'), fix: 'npx edgepack doctor --fix' },
    ]);
    const text = cli(home, ['doctor'], env);
    expect(text.stdout).toMatch(/fix: npx edgepack doctor --fix/);

    const exported = cli(home, ['export', fixture('models/detect.pt'), '--format', 'onnx', '--json'], env);
    expect(exported.json.error).toMatchObject({
      code: 'TOOLCHAIN_NOT_READY',
      hint: expect.stringContaining('doctor --fix'),
    });
  });

  it('calls a half-made environment (an interrupted install) incomplete', () => {
    const { dir, envPath } = emptyToolchains();
    fs.mkdirSync(path.join(envPath, 'lib'), { recursive: true });
    const run = cli(freshHome(), ['doctor', '--json'], { EDGEPACK_TOOLCHAINS: dir });
    expect(run.json.ok).toBe(false);
    expect(run.json.environment).toMatchObject({ exists: true, healthy: false });
    expect(run.json.problems[0]).toEqual({
      message: expect.stringContaining('incomplete'),
      fix: 'npx edgepack doctor --fix',
    });
  });

  it('lists each missing package of a broken environment with the fix', () => {
    const { dir, envPath, hash } = emptyToolchains();
    expect(spawnSync('python3', ['-m', 'venv', '--without-pip', envPath]).status).toBe(0);
    // Marked ready (as after a good install), then broken: the packages are gone.
    fs.writeFileSync(path.join(envPath, '.edgepack-ready.json'), JSON.stringify({ requirementsHash: hash }));
    const run = cli(freshHome(), ['doctor', '--json'], { EDGEPACK_TOOLCHAINS: dir });
    expect(run.json.ok).toBe(false);
    expect(run.json.packages.find((p: { name: string }) => p.name === 'torch')).toMatchObject({
      installed: null,
      ok: false,
    });
    expect(run.json.problems).toContainEqual({
      message: expect.stringMatching(/^torch .* is missing/),
      fix: 'npx edgepack doctor --fix',
    });
  });

  it('doctor --fix without a usable Python says which Python to install', () => {
    const { dir } = emptyToolchains();
    const run = cli(freshHome(), ['doctor', '--fix', '--json'], {
      EDGEPACK_TOOLCHAINS: dir,
      EDGEPACK_PYTHON: path.join(dir, 'no-python-here'),
    });
    expect(run.code).toBe(1);
    expect(run.json.error).toMatchObject({
      code: 'TOOLCHAIN_PYTHON_UNAVAILABLE',
      hint: expect.stringContaining('EDGEPACK_PYTHON'),
    });
  });
});
