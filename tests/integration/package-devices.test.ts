/**
 * `edgepack package --target ios|android|all` and `edgepack packages list|delete` on a real export of the fixture
 * detect model to CoreML and TFLite: each zip unzipped and checked as a person would open it (every Swift file parsed
 * by the Swift suite's tree-sitter checker, the Gradle project by the Kotlin suite's static checker, the model and
 * metadata.json where the wrappers look); and the bad input: an ONNX-only export (the iOS and Android packages are
 * refused naming the export that would make them, nothing is left), a package moved away (listed missing, rebuilt),
 * two builds of the same package at once and an export deleted while its package builds (through the core itself).
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core';
import { AppError } from '../../electron/core/errors';
// @ts-expect-error: a plain .mjs module of the Kotlin suite, without types
import { checkAndroidPackage } from '../../native-runtimes/kotlin/gradle-check.mjs';
import { cli, fixture, freshHome, removeHomes, repo } from './helpers';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-devices-'));
afterAll(() => {
  removeHomes();
  fs.rmSync(scratch, { recursive: true, force: true });
});

function unzipTo(zip: string): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'unzipped-'));
  const r = spawnSync('unzip', ['-q', zip, '-d', dir], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return dir;
}
const filesUnder = (dir: string, ext: string) =>
  (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f));
const runtimesPython = () =>
  spawnSync(process.execPath, ['scripts/runtimes-python.mjs'], { cwd: repo, encoding: 'utf8' }).stdout.trim();

const home = freshHome();
let mobile: { id: string; modelId: string };
let onnxOnly: { id: string; modelId: string };
const packagesDir = () => path.join(home, 'packages');
const rows = (exportId: string) => {
  const db = new Database(path.join(home, 'edgepack.db'), { readonly: true });
  try {
    return db.prepare('SELECT target, path FROM packages WHERE export_id = ?').all(exportId) as {
      target: string;
      path: string;
    }[];
  } finally {
    db.close();
  }
};

beforeAll(() => {
  const made = cli(home, ['export', fixture('models/detect.pt'), '--format', 'coreml,tflite', '--json']);
  expect(made.code, made.stderr + made.stdout).toBe(0);
  mobile = { id: made.json.id, modelId: made.json.modelId };
  const onnx = cli(home, ['export', mobile.modelId, '--format', 'onnx', '--json']);
  expect(onnx.code, onnx.stderr + onnx.stdout).toBe(0);
  onnxOnly = { id: onnx.json.id, modelId: onnx.json.modelId };
}, 600_000);

describe('the iOS package of a CoreML export', () => {
  let dir: string;
  beforeAll(() => {
    const built = cli(home, ['package', mobile.id, '--target', 'ios', '--json']);
    expect(built.code, built.stderr + built.stdout).toBe(0);
    expect(built.json).toMatchObject({ target: 'ios', formats: ['coreml'], runtimes: ['swift'] });
    expect(path.basename(built.json.path)).toBe('detect-v1-ios.zip');
    dir = unzipTo(built.json.path);
  });

  it('is a Swift package with the model and metadata.json as resources, and the SwiftUI example', () => {
    const resources = path.join(dir, 'EdgepackModel/Sources/EdgepackModel/Resources');
    const metadata = JSON.parse(fs.readFileSync(path.join(resources, 'metadata.json'), 'utf8'));
    const modelFile = metadata.formats.coreml.model_file as string;
    expect(fs.statSync(path.join(resources, modelFile, 'Manifest.json')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'EdgepackModel/Package.swift'), 'utf8')).toContain(
      'resources: [.copy("Resources")]',
    );
    for (const file of [
      'ExampleApp.swift',
      'DetectionView.swift',
      'PhotoDetector.swift',
      'BoxesOverlay.swift',
    ])
      expect(fs.existsSync(path.join(dir, 'ExampleApp', file)), file).toBe(true);
    for (const target of ['EdgepackCore', 'EdgepackRuntime', 'EdgepackModel'])
      expect(
        filesUnder(path.join(dir, 'EdgepackModel/Sources', target), '.swift').length,
        target,
      ).toBeGreaterThan(0);
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(`export ${mobile.id}`);
    expect(readme).toMatch(/Nothing here was compiled/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).target).toBe('ios');
  });

  it("parses every Swift file with the Swift suite's tree-sitter checker", () => {
    const swift = filesUnder(dir, '.swift');
    expect(swift.length).toBeGreaterThan(20);
    const r = spawnSync(
      runtimesPython(),
      [path.join(repo, 'native-runtimes/swift/check_swift.py'), 'parse', ...swift],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

describe('the Android package of a TFLite export', () => {
  it("is a Gradle project the Kotlin suite's checker passes, the model and metadata.json in the app's assets", () => {
    const built = cli(home, ['package', mobile.id, '--target', 'android', '--json']);
    expect(built.code, built.stderr + built.stdout).toBe(0);
    expect(built.json).toMatchObject({ target: 'android', formats: ['tflite'], runtimes: ['kotlin'] });
    const dir = unzipTo(built.json.path);
    expect(checkAndroidPackage(dir)).toEqual([]);
    expect(fs.statSync(path.join(dir, 'app/src/main/assets/edgepack/model.tflite')).size).toBeGreaterThan(
      1000,
    );
    // The checker fails the same project without its model.
    fs.rmSync(path.join(dir, 'app/src/main/assets/edgepack/model.tflite'));
    expect(checkAndroidPackage(dir).join('\n')).toMatch(/model\.tflite .* is missing/);
  });
});

describe('--target all and packages list/delete', () => {
  it('builds every target the export can make in one run, and says which it skipped and why', () => {
    const all = cli(home, ['package', mobile.id, '--target', 'all', '--json']);
    expect(all.code, all.stderr + all.stdout).toBe(0);
    expect(all.json.built.map((b: { target: string }) => b.target)).toEqual(
      expect.arrayContaining(['bundle', 'ios', 'android']),
    );
    const some = cli(home, ['package', onnxOnly.id, '--target', 'all', '--json']);
    expect(some.code, some.stderr + some.stdout).toBe(0);
    expect(some.json.built.map((b: { target: string }) => b.target)).toContain('bundle');
    expect(some.json.skipped.map((s: { target: string }) => s.target)).toEqual(
      expect.arrayContaining(['ios', 'android']),
    );
  });

  it('lists a package moved away as missing; a rebuild puts it back', () => {
    const [ios] = cli(home, ['packages', 'list', '--export', mobile.id, '--json']).json.filter(
      (p: { target: string }) => p.target === 'ios',
    );
    fs.renameSync(ios.path, path.join(scratch, 'moved-away.zip'));
    const listed = cli(home, ['packages', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.json.find((p: { id: string }) => p.id === ios.id)).toMatchObject({ missing: true });
    expect(cli(home, ['packages', 'list']).stdout).toMatch(/missing: moved or deleted; build it again/);
    const rebuilt = cli(home, ['package', mobile.id, '--target', 'ios', '--json']);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    const after = cli(home, ['packages', 'list', '--export', mobile.id, '--json']).json;
    expect(after.filter((p: { target: string }) => p.target === 'ios')).toEqual([
      expect.objectContaining({ id: rebuilt.json.id, missing: false }),
    ]);
  });

  it('deletes a package only when told to (no terminal: says what it would remove); its file and its row; an unknown id is refused', () => {
    const built = cli(home, ['package', mobile.id, '--target', 'android', '--json']).json;
    const asked = cli(home, ['packages', 'delete', built.id, '--json']);
    expect(asked.code).not.toBe(0);
    expect(asked.json.error.code).toBe('CONFIRMATION_NEEDED');
    expect(asked.json.error.message).toContain(built.path);
    expect(fs.existsSync(built.path)).toBe(true);
    const deleted = cli(home, ['packages', 'delete', built.id, '--yes', '--json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(fs.existsSync(built.path)).toBe(false);
    expect(rows(mobile.id).some((r) => r.path === built.path)).toBe(false);
    const unknown = cli(home, ['packages', 'delete', 'no-such-package', '--yes', '--json']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.json.error.code).toBe('PACKAGE_NOT_FOUND');
  });
});

describe('bad input', () => {
  it.each([
    ['ios', 'coreml', 'CoreML'],
    ['android', 'tflite', 'TFLite'],
  ])(
    '%s of an ONNX-only export is refused naming the export to make; nothing is left',
    (target, format, title) => {
      const before = rows(onnxOnly.id).length;
      const r = cli(home, ['package', onnxOnly.id, '--target', target, '--json']);
      expect(r.code).not.toBe(0);
      expect(r.json.error.code).toBe('PACKAGE_NEEDS_FORMAT');
      expect(r.json.error.message).toContain(`built from a ${title} model`);
      expect(r.json.error.hint).toContain(`edgepack export ${onnxOnly.modelId} --format ${format}`);
      expect(rows(onnxOnly.id).length).toBe(before);
      const zips = fs.readdirSync(packagesDir(), { recursive: true }) as string[];
      expect(zips.filter((f) => f.endsWith(`detect-v2-${target}.zip`))).toEqual([]);
    },
  );

  it('refuses a second build of the same package while one runs, and keeps nothing of an export deleted meanwhile', async () => {
    const core = await createCore({ home });
    try {
      const first = core.services.packages.build(mobile.id, 'ios');
      await expect(core.services.packages.build(mobile.id, 'ios')).rejects.toMatchObject({
        code: 'PACKAGE_BUILDING',
      });
      // Another target of the same export is not held up.
      await expect(core.services.packages.build(mobile.id, 'bundle')).resolves.toMatchObject({
        target: 'bundle',
      });
      await expect(first).resolves.toMatchObject({ target: 'ios' });

      const building = core.services.packages.build(onnxOnly.id, 'bundle');
      core.services.exports.delete(onnxOnly.id);
      const error = await building.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('EXPORT_DELETED');
      expect((error as AppError).message).toMatch(/was deleted while its bundle package was being built/);
      const left = (fs.readdirSync(packagesDir(), { recursive: true }) as string[]).filter((f) =>
        f.startsWith(`${onnxOnly.modelId}/v2`),
      );
      expect(left.filter((f) => f.endsWith('.zip'))).toEqual([]);
    } finally {
      await core.close();
    }
  });
});
