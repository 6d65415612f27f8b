/**
 * What a person typed is checked before anything starts: `--out` / `--save` that cannot be a folder, numbers out of
 * range, a model path that is a symlink loop. Each is one clear error (naming the path or the range), and nothing is
 * added, exported or stored. Runs the real command line (bin/edgepack.mjs) on a fresh data folder.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..', '..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-preflight-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const checkpoint = path.join(repo, 'tests', 'fixtures', 'models', 'detect.pt');
const images = path.join(repo, 'tests', 'fixtures', 'images');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function edgepack(home: string, args: string[]): { code: number | null; json: any; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(repo, 'bin', 'edgepack.mjs'), ...args, '--json'], {
    cwd: repo,
    // No toolchain anywhere: a check that let the command go on would fail differently.
    env: { ...process.env, EDGEPACK_HOME: home, EDGEPACK_TOOLCHAINS: path.join(root, 'no-toolchains') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, json: JSON.parse(r.stdout || 'null'), stderr: r.stderr };
}

function freshHome(): string {
  return fs.mkdtempSync(path.join(root, 'home-'));
}

/** Nothing was added or exported: no model, no job, no export files. */
function expectNothingStored(home: string): void {
  expect(edgepack(home, ['models', 'list']).json).toEqual([]);
  expect(edgepack(home, ['exports', 'list']).json).toEqual([]);
  expect(fs.existsSync(path.join(home, 'models'))).toBe(false);
  expect(fs.existsSync(path.join(home, 'exports'))).toBe(false);
}

describe('--out and --save are checked before anything starts', () => {
  const file = path.join(root, 'already-a-file');
  fs.writeFileSync(file, 'keep me');

  it('export --out pointing at an existing file: a clear error naming it, nothing added or stored', () => {
    const home = freshHome();
    const r = edgepack(home, ['export', checkpoint, '--format', 'onnx', '--out', file]);
    expect(r.code).toBe(1);
    expect(r.json.error).toEqual({
      code: 'OUTPUT_NOT_A_FOLDER',
      message: expect.stringContaining(`--out ${file} is an existing file, not a folder`),
      hint: expect.stringMatching(/Give --out a folder .*or move the file away/),
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
    expectNothingStored(home);
  });

  it('export --out under a file (it could never be made): says which part is the file', () => {
    const home = freshHome();
    const r = edgepack(home, ['export', checkpoint, '--format', 'onnx', '--out', path.join(file, 'sub')]);
    expect(r.json.error).toMatchObject({
      code: 'OUTPUT_NOT_A_FOLDER',
      message: expect.stringContaining(`${file} is a file, not a folder`),
    });
    expectNothingStored(home);
  });

  it('predict --save pointing at an existing file: refused before any image is read', () => {
    const home = freshHome();
    const r = edgepack(home, ['predict', 'no-such-export', images, '--save', file]);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatchObject({
      code: 'OUTPUT_NOT_A_FOLDER',
      message: expect.stringContaining(`--save ${file}`),
      hint: expect.stringContaining('--save'),
    });
  });
});

describe('numbers out of range get the range and an example', () => {
  it.each([
    ['--imgsz', '99999', 'from 32 to 4096', '--imgsz 640'],
    ['--imgsz', '8', 'from 32 to 4096', '--imgsz 640'],
    ['--opset', '3', 'from 11 to 23', '--opset 17'],
    ['--opset', '99', 'from 11 to 23', '--opset 17'],
  ])('%s %s', (flag, value, range, example) => {
    const home = freshHome();
    const r = edgepack(home, ['export', checkpoint, '--format', 'onnx', flag, value]);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('INVALID_OPTION');
    expect(r.json.error.message).toBe(`${flag} must be a whole number ${range}, not "${value}".`);
    expect(r.json.error.hint).toContain(example);
    expect(r.json.error.hint).not.toMatch(/bug/);
    expectNothingStored(home);
  });
});

describe('a model path that is a symlink loop', () => {
  const loop = path.join(root, 'loop.pt');
  fs.symlinkSync(path.join(root, 'loop-back.pt'), loop);
  fs.symlinkSync(loop, path.join(root, 'loop-back.pt'));

  it.each([
    ['models add', ['models', 'add', loop]],
    ['export', ['export', loop, '--format', 'onnx']],
    ['predict', ['predict', loop, images]],
  ])('%s says it is a loop (ELOOP) and what to do, not "No file at"', (_what, args) => {
    const home = freshHome();
    const r = edgepack(home, args);
    expect(r.code).toBe(1);
    expect(r.json.error).toEqual({
      code: 'SYMLINK_LOOP',
      message: expect.stringContaining(`${loop} is a symbolic link loop (ELOOP`),
      hint: expect.stringContaining(`ls -l ${loop}`),
    });
    expectNothingStored(home);
  });
});
