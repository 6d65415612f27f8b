/**
 * A bundle as a person uses it: `edgepack package <export-id> --target bundle` of real detect and classify exports,
 * unzipped into a folder of its own; the Python wrapper run from `runtimes/python/` (its own venv: no Edgepack, no
 * Ultralytics) and the C++ example built from `runtimes/cpp/` with CMake, both finding the model and metadata.json
 * at the bundle's root by default, print on real photos the predictions `edgepack predict --json` prints; and the
 * bundle's own conformance vectors pass with the Python checker it ships. Conf 0.01: the fixture models, trained on
 * synthetic shapes, find little on photos at their default 0.25.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM helper without types
import { cacheRoot, runtimesPython } from '../../scripts/runtimes-python.mjs';
// @ts-expect-error -- plain ESM helper without types
import { onnxruntimeRoot } from '../../native-runtimes/cpp/onnxruntime-sdk.mjs';
import { cli, fixture, freshHome, removeHomes, repo } from './helpers';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-bundle-runs-'));
afterAll(() => {
  removeHomes();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const photos = ['bus.jpg', 'zidane.jpg'].map((name) =>
  path.join(repo, 'native-runtimes/typescript/test-images', name),
);
const home = freshHome();

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  expect(r.status, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The predictions of each photo, in order, from a document with `results[i].predictions`. */
const predictionsOf = (stdout: string): unknown[] =>
  (JSON.parse(stdout) as { results: { predictions: unknown }[] }).results.map((r) => r.predictions);

describe.each(['detect', 'classify'])('an unzipped bundle of the %s fixture', (task) => {
  let bundle: string;
  let expected: unknown[];

  beforeAll(() => {
    const exported = cli(home, ['export', fixture(`models/${task}.pt`), '--format', 'onnx', '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    const zip = cli(home, ['package', exported.json.id, '--target', 'bundle', '--out', scratch, '--json']);
    expect(zip.code, zip.stderr).toBe(0);
    bundle = path.join(scratch, task);
    fs.mkdirSync(bundle);
    run('unzip', ['-q', zip.json.path, '-d', bundle], scratch);
    const predicted = cli(home, ['predict', exported.json.id, ...photos, '--conf', '0.01', '--json']);
    expect(predicted.code, predicted.stderr).toBe(0);
    expected = predicted.json.results.map((r: { predictions: unknown }) => r.predictions);
    expect(expected.flat().length).toBeGreaterThan(0);
  });

  it('the Python example prints what edgepack predict --json prints', () => {
    const cwd = path.join(bundle, 'runtimes/python');
    const stdout = run(runtimesPython(), ['example.py', ...photos, '--conf', '0.01', '--json'], cwd);
    expect(predictionsOf(stdout)).toEqual(expected);
  });

  it("the bundle's own conformance vectors pass with its Python checker", () => {
    const cwd = path.join(bundle, 'runtimes/python');
    const stdout = run(runtimesPython(), ['check_conformance.py'], cwd);
    expect(stdout).toMatch(/PASS/);
    expect(stdout).not.toMatch(/FAIL/);
  });

  it('the C++ example, built from the bundle with CMake, prints what edgepack predict --json prints', () => {
    const source = path.join(bundle, 'runtimes/cpp');
    const build = path.join(bundle, 'build');
    const sdk = onnxruntimeRoot(cacheRoot(), repo, path.join(scratch, `onnxruntime-sdk-${task}`));
    run(
      'cmake',
      ['-S', source, '-B', build, `-DONNXRUNTIME_ROOT=${sdk}`, '-DCMAKE_BUILD_TYPE=Release'],
      bundle,
    );
    run('cmake', ['--build', build, '-j', '2', '--target', 'example'], bundle);
    const stdout = run(path.join(build, 'example'), [...photos, '--conf', '0.01', '--json'], source);
    expect(predictionsOf(stdout)).toEqual(expected);
  });
});
