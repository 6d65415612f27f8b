/**
 * Every command's --json, end to end with the real toolchain, in one data folder: each answer is checked against its
 * JSON Schema in resources/schemas/cli/ and for camelCase keys by `cli()` (cli-json.ts); here, what the schemas cannot
 * say (values that must agree across commands). `deploy` and `deployments` are run against the platform by
 * deploy.test.ts, through the same checks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, fixture, freshHome, removeHomes, repo } from './helpers';

const { version } = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
  version: string;
};
const home = freshHome();
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-cli-json-'));
afterAll(() => {
  removeHomes();
  fs.rmSync(out, { recursive: true, force: true });
});

describe('every command with --json, checked against its schema', () => {
  it("version and doctor report Edgepack's own version with the toolchain's", () => {
    const versionRun = cli(home, ['version', '--json']);
    expect(versionRun.code).toBe(0);
    expect(versionRun.json.edgepack.version).toBe(version);
    expect(versionRun.json.toolchain).toMatchObject({ ready: true, python: expect.stringMatching(/^3\./) });
    expect(Object.keys(versionRun.json.toolchain.packages)).toEqual(
      expect.arrayContaining(['ultralytics', 'torch', 'onnxruntime']),
    );

    const doctor = cli(home, ['doctor', '--json']);
    expect(doctor.code).toBe(0);
    expect(doctor.json.edgepack).toEqual(versionRun.json.edgepack);
    for (const p of doctor.json.packages) {
      if (versionRun.json.toolchain.packages[p.name])
        expect(p.installed).toBe(versionRun.json.toolchain.packages[p.name]);
    }
    expect(cli(home, ['doctor']).stdout.split('\n')[0]).toBe(
      `edgepack     ${version} (Node ${process.versions.node}, ${process.platform}-${process.arch})`,
    );
  });

  it('capabilities, models, export, exports, predict, then removing it all', () => {
    expect(cli(home, ['capabilities', '--json']).json.toolchainReady).toBe(true);

    const added = cli(home, ['models', 'add', fixture('models/detect.pt'), '--json']);
    expect(added.code, added.stderr).toBe(0);
    // The model card's facts are camelCase like the rest (the trainer reports ultralytics_version).
    expect(added.json.details).toMatchObject({ ultralyticsVersion: expect.any(String), stride: 32 });
    const { alreadyAdded, ...record } = added.json;
    expect(alreadyAdded).toBe(false);
    expect(cli(home, ['models', '--json']).json).toEqual([record]);
    expect(cli(home, ['models', 'list', '--json']).json).toEqual([record]);
    expect(cli(home, ['models', 'show', added.json.id.slice(0, 8), '--json']).json).toEqual(record);
    // The same file again: the model already there, said so.
    expect(cli(home, ['models', 'add', fixture('models/detect.pt'), '--json']).json).toEqual({
      ...record,
      alreadyAdded: true,
    });

    const exported = cli(home, ['export', added.json.id, '--format', 'onnx', '--out', out, '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.json).toMatchObject({
      status: 'completed',
      model: { id: added.json.id, name: 'detect' },
      copiedTo: expect.arrayContaining([path.join(out, 'model.onnx')]),
    });
    const id = exported.json.id;
    const listed = cli(home, ['exports', '--json']).json;
    expect(listed.map((j: { id: string }) => j.id)).toEqual([id]);
    expect(cli(home, ['exports', 'list', '--model', added.json.id, '--json']).json).toEqual(listed);
    const shown = cli(home, ['exports', 'show', id, '--log', '--json']).json;
    expect(shown).toMatchObject({ id, metadataPath: exported.json.metadataPath });
    expect(shown.log).toEqual(cli(home, ['exports', 'log', id, '--json']).json);
    expect(cli(home, ['exports', 'set-default', id, '--json']).json).toMatchObject({ id, isDefault: true });
    expect(cli(home, ['exports', 'cancel', id, '--json']).json).toMatchObject({ id, status: 'completed' });

    fs.writeFileSync(path.join(out, 'not-an-image.png'), 'not a PNG');
    const predicted = cli(home, [
      'predict',
      id,
      fixture('images/shapes-1.png'),
      path.join(out, 'not-an-image.png'),
      '--save',
      path.join(out, 'annotated'),
      '--json',
    ]);
    // One image fails: its result is the error, the others are predicted (exit 3).
    expect(predicted.code, predicted.stderr).toBe(3);
    expect(predicted.json.summary).toMatchObject({ images: 2, predicted: 1, failed: 1, cancelled: false });
    expect(predicted.json.saved).toHaveLength(1);

    // Without a terminal to ask, nothing goes unless --yes says so; the refusal names what would go.
    const unasked = cli(home, ['exports', 'delete', id, '--json']);
    expect(unasked.code).toBe(1);
    expect(unasked.json.error).toMatchObject({
      code: 'CONFIRMATION_NEEDED',
      message: expect.stringMatching(/^Removing export v1 of detect takes 1 export and \d+ files \(/),
      hint: expect.stringContaining('--yes'),
    });
    expect(cli(home, ['exports', 'show', id, '--json']).json).toMatchObject({ id });
    expect(cli(home, ['exports', 'delete', id, '--yes', '--json']).json).toEqual({
      deleted: true,
      id,
      defaultId: null,
      endpoints: [],
    });
    expect(cli(home, ['models', 'remove', added.json.id, '--json']).code).toBe(1);
    expect(cli(home, ['models', 'remove', added.json.id, '--yes', '--json']).json).toEqual({
      removed: true,
      id: added.json.id,
      endpoints: [],
    });
    expect(cli(home, ['models', '--json']).json).toEqual([]);
  });
});
