/**
 * `edgepack package <export-id> --target bundle` on real exports of the fixture detect and classify models: the zip's
 * listing (the model, metadata.json, every runtime wrapper whose native-runtimes/<runtime>/ship.json runs the
 * export's format, README.md, manifest.json), the manifest's hashes against the content, the same bytes twice, the
 * record in the database and its removal with the export; and the bad input: an unknown export, one still running,
 * one no wrapper runs, a read-only and a full output folder (a tmpfs in a private mount namespace, as
 * disk-full.test.ts; the full one for the docker target too), which leave no partial zip.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  fixture,
  freshHome,
  jobRows,
  removeHomes,
  repo,
  startCli,
  tmpfsAvailable,
  waitFor,
} from './helpers';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-bundle-'));
afterAll(() => {
  removeHomes();
  fs.rmSync(scratch, { recursive: true, force: true });
});

interface Ship {
  runtime: string;
  formats: string[];
  files: string[];
}
const runtimesDir = path.join(repo, 'native-runtimes');
/** Every runtime wrapper that ships (the tests follow whatever ship.json files exist). */
const ships: Ship[] = fs
  .readdirSync(runtimesDir)
  .filter((name) => fs.existsSync(path.join(runtimesDir, name, 'ship.json')))
  .sort()
  .map((name) => JSON.parse(fs.readFileSync(path.join(runtimesDir, name, 'ship.json'), 'utf8')) as Ship);
const runtimesOf = (format: string) => ships.filter((s) => s.formats.includes(format));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const zipNames = (zip: string) =>
  spawnSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
function unzipTo(zip: string): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'unzipped-'));
  const r = spawnSync('unzip', ['-q', zip, '-d', dir], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return dir;
}

const home = freshHome();
const exported: Record<string, { id: string; modelId: string }> = {};

beforeAll(() => {
  for (const task of ['detect', 'classify']) {
    const run = cli(home, ['export', fixture(`models/${task}.pt`), '--format', 'onnx', '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    exported[task] = { id: run.json.id, modelId: run.json.modelId };
  }
});

describe.each(['detect', 'classify'])('a bundle of the %s fixture exported to ONNX', (task) => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let first: any;
  let zip: string;
  let unzipped: string;
  const outA = path.join(scratch, `${task}-a`);
  const outB = path.join(scratch, `${task}-b`);

  beforeAll(() => {
    expect(
      runtimesOf('onnx').map((s) => s.runtime),
      'a runtime wrapper that runs ONNX (native-runtimes/<runtime>/ship.json listing onnx) must exist',
    ).not.toEqual([]);
    const run = cli(home, ['package', exported[task]!.id, '--target', 'bundle', '--out', outA, '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    first = run.json;
    zip = first.path;
    unzipped = unzipTo(zip);
  });

  it('holds the model, metadata.json, each wrapper that runs ONNX, README.md and manifest.json', () => {
    expect(path.dirname(zip)).toBe(outA);
    expect(first).toMatchObject({ exportId: exported[task]!.id, target: 'bundle', formats: ['onnx'] });
    expect(first.runtimes).toEqual(runtimesOf('onnx').map((s) => s.runtime));
    const wrappers = runtimesOf('onnx').flatMap((s) => s.files.map((f) => `runtimes/${s.runtime}/${f}`));
    const names = zipNames(zip);
    expect(names.filter((n) => !n.startsWith('conformance/'))).toEqual([
      ...['README.md', 'metadata.json', 'model.onnx', ...wrappers].sort(),
      'manifest.json',
    ]);
    expect(first.entries).toBe(names.length);
    for (const s of runtimesOf('onnx')) {
      for (const file of s.files) {
        expect(fs.readFileSync(path.join(unzipped, 'runtimes', s.runtime, file))).toEqual(
          fs.readFileSync(path.join(runtimesDir, s.runtime, file)),
        );
      }
    }
    const readme = fs.readFileSync(path.join(unzipped, 'README.md'), 'utf8');
    for (const s of runtimesOf('onnx')) expect(readme).toContain(`runtimes/${s.runtime}/`);
    expect(readme).toContain('manifest.json');
  });

  it("manifest.json: every other file's size and sha256 (checked against the content), versions, export, formats", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(unzipped, 'manifest.json'), 'utf8'));
    const metadata = JSON.parse(fs.readFileSync(path.join(unzipped, 'metadata.json'), 'utf8'));
    const { version } = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      edgepack_version: version,
      export_id: exported[task]!.id,
      metadata_schema_version: metadata.schema_version,
      task,
      formats: ['onnx'],
    });
    const listed = manifest.files.map((f: { path: string }) => f.path);
    expect(listed).toEqual(zipNames(zip).filter((n) => n !== 'manifest.json'));
    for (const file of manifest.files) {
      const bytes = fs.readFileSync(path.join(unzipped, file.path));
      expect({ path: file.path, size: bytes.length, sha256: sha256(bytes) }).toEqual(file);
    }
    expect(sha256(fs.readFileSync(path.join(unzipped, 'model.onnx')))).toBe(
      sha256(fs.readFileSync(path.join(home, 'exports', exported[task]!.modelId, 'v1', 'model.onnx'))),
    );
  });

  it('is byte-identical when built again (other folder, other time), and its record has its size and sha256', () => {
    const again = cli(home, ['package', exported[task]!.id, '--out', outB, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const bytes = fs.readFileSync(zip);
    expect(fs.readFileSync(again.json.path).equals(bytes)).toBe(true);
    expect(again.json.sha256).toBe(sha256(bytes));
    expect(first).toMatchObject({ sizeBytes: bytes.length, sha256: sha256(bytes) });
    expect(fs.readdirSync(outA)).toEqual([path.basename(zip)]); // no temporary file left beside it
    const db = new Database(path.join(home, 'edgepack.db'), { readonly: true });
    try {
      const rows = db
        .prepare('SELECT path, size, sha256, target FROM packages WHERE export_id = ?')
        .all(exported[task]!.id);
      expect(rows).toEqual(
        expect.arrayContaining([
          { path: zip, size: bytes.length, sha256: sha256(bytes), target: 'bundle' },
          { path: again.json.path, size: bytes.length, sha256: sha256(bytes), target: 'bundle' },
        ]),
      );
    } finally {
      db.close();
    }
  });

  it("carries this model's conformance vectors: real photos, raw outputs, the predictions `edgepack predict` gives", () => {
    const index = path.join(unzipped, 'conformance', 'index.json');
    expect(fs.existsSync(index), 'conformance/index.json in the bundle').toBe(true);
    const cases = (JSON.parse(fs.readFileSync(index, 'utf8')) as { cases: string[] }).cases;
    expect(cases.length).toBeGreaterThanOrEqual(2);
    for (const name of cases) {
      const c = JSON.parse(
        fs.readFileSync(path.join(unzipped, 'conformance', 'cases', name, 'case.json'), 'utf8'),
      );
      expect(c).toMatchObject({ task, model: '..' }); // the bundle's root: model.onnx and metadata.json
      expect(c.predictions.length).toBeGreaterThan(0);
      expect(fs.existsSync(path.join(unzipped, 'conformance', c.image))).toBe(true);
      for (const output of c.outputs) {
        const bytes = fs.readFileSync(path.join(unzipped, 'conformance', output.file));
        expect(sha256(bytes)).toBe(output.sha256);
      }
      const predicted = cli(home, [
        'predict',
        exported[task]!.id,
        path.join(unzipped, 'conformance', c.image),
        ...['--conf', String(c.options.conf), '--iou', String(c.options.iou)],
        ...['--max-det', String(c.options.max_det), '--json'],
      ]);
      expect(predicted.json.results[0].predictions).toEqual(c.predictions);
    }
  });
});

describe('a bundle of an OpenVINO export (no ONNX)', () => {
  it('holds its model folder and the wrappers that run OpenVINO; no vectors, and the README says how to get them', () => {
    expect(
      runtimesOf('openvino').map((s) => s.runtime),
      'a wrapper that runs OpenVINO',
    ).not.toEqual([]);
    const { modelId } = exported['detect']!;
    const made = cli(home, ['export', modelId, '--format', 'openvino', '--json']);
    expect(made.code, made.stderr).toBe(0);
    const run = cli(home, ['package', made.json.id, '--out', path.join(scratch, 'openvino'), '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.json).toMatchObject({
      formats: ['openvino'],
      runtimes: runtimesOf('openvino').map((s) => s.runtime),
    });
    const folder = path.basename(made.json.results[0].path);
    const names = zipNames(run.json.path);
    expect(names.filter((n) => n.startsWith(`${folder}/`)).sort()).toEqual(
      fs
        .readdirSync(made.json.results[0].path)
        .map((f) => `${folder}/${f}`)
        .sort(),
    );
    expect(names.some((n) => n.startsWith('conformance/'))).toBe(false);
    const readme = spawnSync('unzip', ['-p', run.json.path, 'README.md'], { encoding: 'utf8' }).stdout;
    expect(readme).toContain(`\`edgepack export ${modelId} --format onnx,openvino\``);
  });
});

describe('deleting the export', () => {
  it("removes its packages' records and files (a file changed since is left alone)", () => {
    const id = exported['classify']!.id;
    const inHome = cli(home, ['package', id, '--json']);
    expect(inHome.code, inHome.stderr + inHome.stdout).toBe(0);
    expect(inHome.json.path.startsWith(path.join(home, 'packages'))).toBe(true);
    const kept = path.join(scratch, 'classify-b');
    const changed = cli(home, ['package', id, '--out', kept, '--json']).json.path as string;
    fs.appendFileSync(changed, 'changed by the person');
    const deleted = cli(home, ['exports', 'delete', id, '--yes', '--json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(fs.existsSync(inHome.json.path)).toBe(false);
    expect(fs.existsSync(path.join(scratch, 'classify-a', path.basename(changed)))).toBe(false);
    expect(fs.existsSync(changed)).toBe(true);
    const db = new Database(path.join(home, 'edgepack.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM packages WHERE export_id = ?').get(id)).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});

describe('bad input: a clear error, nothing written', () => {
  it('an export id that does not exist', () => {
    const run = cli(home, ['package', '00000000-0000-4000-8000-000000000000', '--json']);
    expect(run.code).toBe(1);
    expect(run.json.error).toMatchObject({
      code: 'EXPORT_NOT_FOUND',
      hint: expect.stringMatching(/exports list/),
    });
  });

  it('an export that has not completed (still running)', async () => {
    const other = freshHome();
    const running = startCli(other, ['export', fixture('models/detect.pt'), '--format', 'onnx', '--json']);
    const row = await waitFor(() => jobRows(other).find((r) => r.status === 'running'), 'the export to run');
    const run = cli(other, ['package', row.id, '--json']);
    running.child.kill('SIGTERM');
    await running.done;
    expect(run.code).toBe(1);
    expect(run.json.error).toMatchObject({
      code: 'EXPORT_NOT_COMPLETED',
      message: expect.stringMatching(/is running; only a completed export/),
      hint: expect.stringMatching(/Wait for it to finish/),
    });
    expect(fs.existsSync(path.join(other, 'packages'))).toBe(false);
  });

  it('an export with no format any runtime wrapper runs: names the export to make', () => {
    const format = ['torchscript', 'openvino', 'onnx'].find((f) => runtimesOf(f).length === 0);
    expect(format, 'a format buildable here that no wrapper runs').toBeDefined();
    const made = cli(home, ['export', exported['detect']!.modelId, '--format', format!, '--json']);
    expect(made.code, made.stderr).toBe(0);
    const run = cli(home, ['package', made.json.id, '--json']);
    expect(run.code).toBe(1);
    const wanted = runtimesOf('onnx').length ? 'onnx' : ships[0]?.formats[0];
    expect(run.json.error).toMatchObject({
      code: 'PACKAGE_NO_RUNTIME',
      message: expect.stringContaining(`has ${format}`),
      hint: `Make an export in a format a wrapper runs, e.g. \`edgepack export ${exported['detect']!.modelId} --format ${wanted}\`, then package that export.`,
    });
  });

  it('an ONNX export of batch 2: its vectors cannot be made (the reference runs one image), says to export batch 1', () => {
    const made = cli(home, [
      'export',
      exported['detect']!.modelId,
      '--format',
      'onnx',
      '--batch',
      '2',
      '--json',
    ]);
    expect(made.code, made.stderr).toBe(0);
    const out = path.join(scratch, 'batch-2');
    const run = cli(home, ['package', made.json.id, '--out', out, '--json']);
    expect(run.code).toBe(1);
    expect(run.json.error).toMatchObject({
      code: 'PACKAGE_BATCH_UNSUPPORTED',
      message: expect.stringContaining('takes batches of 2 images'),
      hint: expect.stringContaining('leave out --batch'),
    });
    expect(fs.existsSync(out)).toBe(false);
  });

  it('an export whose metadata.json is gone: says so, names the file and the export to make', () => {
    const { id, modelId } = exported['detect']!;
    const metadata = path.join(home, 'exports', modelId, 'v1', 'metadata.json');
    const aside = path.join(scratch, 'metadata.json.aside');
    fs.renameSync(metadata, aside);
    try {
      const out = path.join(scratch, 'no-metadata');
      const run = cli(home, ['package', id, '--out', out, '--json']);
      expect(run.code).toBe(1);
      expect(run.json.error).toMatchObject({
        code: 'PACKAGE_NO_METADATA',
        message: expect.stringContaining(metadata),
        hint: `Export the model again (\`edgepack export ${modelId} --format onnx\`) and package the new export.`,
      });
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      fs.renameSync(aside, metadata);
    }
  });

  /** Runs `package --out <mount>/<sub>` after `setup` made <mount>, in a private mount namespace; lists <mount>. */
  function packageInNamespace(setup: (mount: string) => string, sub: string, target = 'bundle') {
    const dir = fs.mkdtempSync(path.join(scratch, 'ns-'));
    const mount = path.join(dir, 'mount');
    fs.mkdirSync(mount);
    const args = [
      'package',
      exported['detect']!.id,
      '--target',
      target,
      '--out',
      path.join(mount, sub),
      '--json',
    ];
    const script = `
set -e
${setup(mount)}
set +e
${JSON.stringify(process.execPath)} bin/edgepack.mjs ${args.map((a) => JSON.stringify(a)).join(' ')} > "${dir}/stdout" 2> "${dir}/stderr"
echo $? > "${dir}/code"
find "${mount}" -mindepth 1 > "${dir}/left"
`;
    const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], {
      cwd: repo,
      env: { ...process.env, EDGEPACK_HOME: home },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
    return {
      code: Number(read('code')),
      json: JSON.parse(read('stdout')),
      stderr: read('stderr'),
      left: read('left').split('\n').filter(Boolean),
    };
  }

  it.skipIf(!tmpfsAvailable(scratch)).each(['', 'new-folder'])(
    'a read-only output folder (--out <read-only>/%s)',
    (sub) => {
      const run = packageInNamespace(
        (m) => `mount --bind "${m}" "${m}"\nmount -o remount,ro,bind "${m}"`,
        sub,
      );
      expect(run.code).toBe(1);
      expect(run.json.error).toMatchObject({
        code: 'OUTPUT_NOT_WRITABLE',
        hint: expect.stringMatching(/folder you can write to/),
      });
      expect(run.left).toEqual([]);
    },
  );

  it.skipIf(!tmpfsAvailable(scratch)).each(['bundle', 'docker'])(
    'a full output folder (a 1 MB tmpfs), --target %s: DISK_FULL, no partial zip',
    (target) => {
      const run = packageInNamespace((m) => `mount -t tmpfs -o size=1m tmpfs "${m}"`, 'bundles', target);
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(/at .*\.mjs:\d+|Node\.js v/);
      expect(run.json.error).toMatchObject({
        code: 'DISK_FULL',
        message: expect.stringContaining(path.join('mount', 'bundles')),
        hint: expect.stringMatching(/Free some space/),
      });
      expect(run.left.map((p) => path.basename(p))).toEqual(['bundles']);
    },
  );
});
