/**
 * The "done when": `edgepack export <trained test checkpoint> --format onnx --json` through the real CLI and
 * the real trainer, for every task; the ONNX runs in onnxruntime-node, metadata.json validates against the schema,
 * the parity figures are there. Then versions, the default, --out, and delete, as a person would use them.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNames } from '../../electron/core/models/onnx-metadata';
import { readOnnxSummary } from '../../native-runtimes/typescript/onnx-proto';
import { cli, fixture, freshHome, manifest, modelFixtures, removeHomes, repo } from './helpers';

const schema = JSON.parse(
  fs.readFileSync(path.join(repo, 'resources', 'schemas', 'metadata.schema.json'), 'utf8'),
);
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validateMetadata = ajv.compile(schema);

afterAll(removeHomes);

/** A fixture photo, resized to the model input and laid out as NCHW float32 in [0, 1]. */
async function imageTensor(shape: number[]): Promise<ort.Tensor> {
  const [, , h, w] = shape as [number, number, number, number];
  const image = manifest.images.find((i) => i.startsWith('shapes')) ?? manifest.images[0]!;
  const { data } = await sharp(fixture(path.join('images', image)))
    .removeAlpha()
    .resize(w, h, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const chw = new Float32Array(3 * h * w);
  for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) chw[c * h * w + i] = data[i * 3 + c]! / 255;
  return new ort.Tensor('float32', chw, [1, 3, h, w]);
}

describe.each(modelFixtures.map((e) => [e.expect.task!, e] as const))(
  'exporting the %s test checkpoint to ONNX',
  (task, entry) => {
    const home = freshHome();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let job: any;

    beforeAll(() => {
      const run = cli(home, ['export', fixture(entry.file), '--format', 'onnx', '--json']);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      job = run.json;
    });

    it('completes, passes parity, and keeps the files in the data folder', () => {
      expect(job).toMatchObject({
        status: 'completed',
        version: 1,
        isDefault: true,
        formats: ['onnx'],
        error: null,
      });
      const onnx = job.results[0];
      expect(onnx).toMatchObject({ format: 'onnx', status: 'passed' });
      expect(onnx.path).toBe(path.join(home, 'exports', job.modelId, 'v1', 'model.onnx'));
      expect(fs.statSync(onnx.path).size).toBe(onnx.bytes);
      expect(job.modelSizeBytes).toBe(onnx.bytes);
      expect(fs.readdirSync(path.join(home, 'exports', '.staging'))).toEqual([]);
    });

    it('reports parity figures against the PyTorch model', () => {
      const parity = job.results[0].parity;
      expect(parity.passed).toBe(true);
      expect(parity.images).toBeGreaterThan(0);
      expect(parity.max_abs).toBeLessThan(1e-2);
      expect(typeof parity.mean_abs).toBe('number');
      if (task === 'classify') expect(parity.top1_agreement).toBe(1);
      else expect(parity.box_match).toBeGreaterThanOrEqual(0.95);
      expect(job.results[0].latencyMs).toBeGreaterThan(0);
    });

    it('writes a metadata.json that validates against the schema in the repo', () => {
      const metadata = JSON.parse(fs.readFileSync(job.metadataPath, 'utf8'));
      const valid = validateMetadata(metadata);
      expect(validateMetadata.errors ?? [], JSON.stringify(validateMetadata.errors, null, 2)).toEqual([]);
      expect(valid).toBe(true);
      expect(metadata).toMatchObject({ format: 'onnx', task, names: entry.expect.names });
    });

    it('produces an ONNX model that runs in onnxruntime-node with the outputs metadata.json declares', async () => {
      const metadata = JSON.parse(fs.readFileSync(job.metadataPath, 'utf8'));
      const session = await ort.InferenceSession.create(job.results[0].path);
      try {
        expect(session.inputNames).toEqual([metadata.input.name]);
        const outputs = await session.run({ [metadata.input.name]: await imageTensor(metadata.input.shape) });
        for (const declared of metadata.outputs as { name: string; shape: (number | string)[] }[]) {
          const tensor = outputs[declared.name]!;
          expect(tensor.dims.length).toBe(declared.shape.length);
          declared.shape.forEach((d, i) => typeof d === 'number' && expect(tensor.dims[i]).toBe(d));
          expect(Array.from(tensor.data as Float32Array).every(Number.isFinite)).toBe(true);
        }
      } finally {
        await session.release();
      }
    });

    it("embeds Ultralytics' keys in the ONNX metadata_props (names, imgsz, task)", () => {
      const { metadata } = readOnnxSummary(fs.readFileSync(job.results[0].path));
      expect(metadata['task']).toBe(task);
      expect(parseNames(metadata['names'])).toEqual(entry.expect.names);
      expect(metadata['imgsz']).toBeDefined();
    });

    it('can add the exported ONNX as a model of its own, with the same card, kept as it is as export v1', () => {
      const other = freshHome();
      const added = cli(other, ['models', 'add', job.results[0].path, '--json']);
      expect(added.code, added.stdout).toBe(0);
      expect(added.json).toMatchObject({ framework: 'onnx', task, classNames: entry.expect.names });
      expect(added.json.imgsz).toHaveLength(2);
      // Usable as it is: its export v1 is the same file, and predicts what the exported file predicts.
      const [kept] = cli(other, ['exports', 'list', '--json']).json;
      expect(kept).toMatchObject({
        modelId: added.json.id,
        version: 1,
        status: 'completed',
        formats: ['onnx'],
      });
      expect(fs.readFileSync(kept.results[0].path)).toEqual(fs.readFileSync(job.results[0].path));
      const image = fixture('images/shapes-1.png');
      const viaExport = cli(other, ['predict', kept.id, image, '--json']).json.results[0].predictions;
      const viaFile = cli(other, ['predict', job.results[0].path, image, '--json']).json.results[0]
        .predictions;
      expect(viaExport).toEqual(viaFile);
    });

    it('recorded the model card the way the manifest describes it', () => {
      const models = cli(home, ['models', 'list', '--json']).json;
      expect(models).toHaveLength(1);
      expect(models[0]).toMatchObject({
        id: job.modelId,
        framework: 'ultralytics',
        task,
        classNames: entry.expect.names,
        imgsz: entry.expect.imgsz,
      });
    });
  },
);

describe('versions, the default export, --out and delete', () => {
  const home = freshHome();
  const detect = modelFixtures.find((e) => e.expect.task === 'detect')!;

  it('numbers exports per model, keeps one default, copies with --out and deletes files', () => {
    const first = cli(home, ['export', fixture(detect.file), '--format', 'onnx', '--json']).json;
    expect(first).toMatchObject({ version: 1, status: 'completed', isDefault: true });

    const out = path.join(home, 'picked-folder');
    const second = cli(home, [
      'export',
      first.modelId,
      '--format',
      'onnx',
      '--imgsz',
      '128',
      '--tag',
      'small',
      '--out',
      out,
      '--json',
    ]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json).toMatchObject({
      version: 2,
      versionTag: 'small',
      isDefault: false,
      exportConfig: { imgsz: 128 },
    });
    expect(fs.readdirSync(out).sort()).toEqual(['metadata.json', 'model.onnx']);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8')).input.shape).toEqual([
      1, 3, 128, 128,
    ]);

    const listed = cli(home, ['exports', 'list', '--model', first.modelId, '--json']).json;
    expect(listed.map((j: { version: number }) => j.version)).toEqual([2, 1]);

    expect(cli(home, ['exports', 'set-default', second.json.id, '--json']).json).toMatchObject({
      version: 2,
      isDefault: true,
    });
    const afterSwitch = cli(home, ['exports', 'list', '--json']).json;
    expect(
      afterSwitch
        .filter((j: { isDefault: boolean }) => j.isDefault)
        .map((j: { version: number }) => j.version),
    ).toEqual([2]);

    const deleted = cli(home, ['exports', 'delete', second.json.id, '--yes', '--json']);
    expect(deleted.json).toEqual({ deleted: true, id: second.json.id, defaultId: first.id, endpoints: [] });
    expect(fs.existsSync(path.join(home, 'exports', first.modelId, 'v2'))).toBe(false);
    expect(fs.existsSync(out)).toBe(true); // what the person copied out is theirs
    const shown = cli(home, ['exports', 'show', first.id, '--json']).json;
    expect(shown).toMatchObject({
      version: 1,
      isDefault: true,
      metadataPath: path.join(home, 'exports', first.modelId, 'v1', 'metadata.json'),
    });

    const third = cli(home, ['export', first.modelId, '--format', 'onnx', '--imgsz', '96', '--json']).json;
    expect(third.version).toBe(3); // a deleted version's number is never handed out again
  });

  it('prints a readable summary without --json', () => {
    const models = cli(home, ['models', 'list', '--json']).json;
    const text = cli(home, ['exports', 'list', '--model', models[0].id]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/VERSION\s+FORMAT\s+SIZE\s+STATUS\s+CREATED/);
    expect(text.stdout).toMatch(/v1\s+onnx\s+[\d.]+ (KB|MB)\s+completed/);
  });
});
