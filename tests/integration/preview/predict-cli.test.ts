/**
 * `edgepack predict` as a person uses it: annotated images with --save, a plain ONNX file that says nothing about
 * itself (asked for, then remembered), and the bad inputs of the issue, each a clear {code, message, hint}.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detection, PreviewResult } from '../../../electron/contract';
import { cli, fixture, freshHome, removeHomes, toolchainPython } from '../helpers';
import { exportedOnnx } from './support';

let work: string;
let detect: string;
const shapes = fixture('images/shapes-1.png');

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-predict-'));
  detect = exportedOnnx('detect');
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  removeHomes();
});

function expectClearError(run: ReturnType<typeof cli>, code: string) {
  expect(run.json?.error, run.stdout + run.stderr).toBeDefined();
  expect(run.json.error.code).toBe(code);
  expect(run.json.error.hint.length).toBeGreaterThan(10);
  return run.json.error as { code: string; message: string; hint: string };
}

describe('edgepack predict', () => {
  it('prints predictions with per-stage timings and writes annotated images with --save', async () => {
    const out = path.join(work, 'annotated');
    const run = cli(freshHome(), [
      'predict',
      detect,
      shapes,
      fixture('images/circle.png'),
      '--conf',
      '0.3',
      '--save',
      out,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const [result] = run.json.results as PreviewResult[];
    expect(result!.predictions.length).toBeGreaterThan(0);
    expect(result!.predictions.every((p) => p.confidence > 0.3)).toBe(true);
    expect(result!.timings.inference).toBeGreaterThan(0);
    expect(run.json.saved.map((f: string) => path.basename(f))).toEqual(['shapes-1.png', 'circle.png']);
    const saved = await sharp(path.join(out, 'shapes-1.png')).raw().toBuffer({ resolveWithObject: true });
    const original = await sharp(shapes).raw().toBuffer({ resolveWithObject: true });
    expect([saved.info.width, saved.info.height]).toEqual([original.info.width, original.info.height]);
    // The box outline is drawn on the image: pixels along the first box's top edge changed.
    const [x1, y1, x2] = (result!.predictions[0] as Detection).bbox.map(Math.round) as [
      number,
      number,
      number,
    ];
    const edge = Array.from({ length: x2 - x1 }, (_, i) => ((y1 + 1) * original.info.width + x1 + i) * 3);
    const changed = edge.filter(
      (at) => saved.data[at] !== original.data[at] || saved.data[at + 2] !== original.data[at + 2],
    );
    expect(changed.length / edge.length).toBeGreaterThan(0.8);
  });

  it('runs every image of a folder and reports the ones that fail without stopping', () => {
    const folder = path.join(work, 'mixed');
    fs.mkdirSync(folder);
    fs.copyFileSync(shapes, path.join(folder, 'a.png'));
    fs.writeFileSync(path.join(folder, 'b.jpg'), 'not a jpeg');
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'skipped: not an image name');
    const run = cli(freshHome(), ['predict', detect, folder, '--json']);
    expect(run.code).toBe(3);
    expect(run.json.summary).toMatchObject({ images: 2, predicted: 1, failed: 1 });
    expect(run.json.results[1].error.code).toBe('NOT_AN_IMAGE');
  });

  it('asks what a plain ONNX file does not say, then remembers the answers and matches the exported model', () => {
    const plain = path.join(work, 'plain.onnx');
    const strip = spawnSync(
      toolchainPython(),
      [
        '-c',
        'import onnx,sys; m=onnx.load(sys.argv[1]); del m.metadata_props[:]; onnx.save(m, sys.argv[2])',
        detect,
        plain,
      ],
      { encoding: 'utf8' },
    );
    expect(strip.status, strip.stderr).toBe(0);
    const home = freshHome();
    const asked = cli(home, ['predict', plain, shapes, '--json']);
    expect(asked.code).toBe(1);
    const error = expectClearError(asked, 'MODEL_FACTS_NEEDED');
    expect(error.message).toMatch(/its task, its class names/);
    expect(error.hint).toContain('--task');

    const answered = cli(home, [
      'predict',
      plain,
      shapes,
      '--task',
      'detect',
      '--names',
      'circle,square,triangle',
      '--json',
    ]);
    expect(answered.code, answered.stderr).toBe(0);
    expect(answered.json.model).toMatchObject({
      source: 'answers',
      names: ['circle', 'square', 'triangle'],
      imgsz: [160, 160],
    });
    const remembered = cli(home, ['predict', plain, shapes, '--json']);
    const original = cli(home, ['predict', detect, shapes, '--json']);
    expect(remembered.code).toBe(0);
    const predictionRows = (r: typeof remembered) =>
      ((r.json.results[0] as PreviewResult).predictions as Detection[]).map((p) => [
        p.class,
        p.confidence,
        p.bbox,
      ]);
    expect(predictionRows(remembered)).toEqual(predictionRows(original));
  });
});

describe('edgepack predict: bad input', () => {
  it('a file that is not an image', () => {
    const notes = path.join(work, 'notes.png');
    fs.writeFileSync(notes, 'these are notes');
    const run = cli(freshHome(), ['predict', detect, notes, '--json']);
    expect(run.code).toBe(1);
    expect(run.json.results[0].error).toMatchObject({ code: 'NOT_AN_IMAGE' });
  });

  it('a truncated JPEG', async () => {
    const jpeg = await sharp(shapes).jpeg().toBuffer();
    const truncated = path.join(work, 'truncated.jpg');
    fs.writeFileSync(truncated, jpeg.subarray(0, jpeg.length >> 1));
    const run = cli(freshHome(), ['predict', detect, truncated, '--json']);
    expect(run.json.results[0].error).toMatchObject({ code: 'IMAGE_DECODE_FAILED' });
    expect(run.json.results[0].error.hint).toMatch(/truncated or corrupt/);
  });

  it('a checkpoint or a text file given as the model', () => {
    expect(
      expectClearError(
        cli(freshHome(), ['predict', fixture('models/detect.pt'), shapes, '--json']),
        'NOT_AN_ONNX_MODEL',
      ).hint,
    ).toMatch(/edgepack export/);
    const text = path.join(work, 'model.onnx');
    fs.writeFileSync(text, 'hello');
    expectClearError(cli(freshHome(), ['predict', text, shapes, '--json']), 'NOT_AN_ONNX_MODEL');
  });

  it('nonsense thresholds', () => {
    const error = expectClearError(
      cli(freshHome(), ['predict', detect, shapes, '--conf', '7', '--json']),
      'INVALID_OPTION',
    );
    expect(error.message).toContain('--conf must be between 0 and 1');
  });
});
