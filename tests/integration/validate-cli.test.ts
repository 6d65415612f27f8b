/**
 * Accuracy on labelled data through the real CLI and trainer: `export --data` in the export job, `validate` on the
 * export later (the same figures), the run stored and written into metadata.json; the bad input (a missing dataset,
 * class names that differ, a different number of classes) and a cancelled validation that keeps its figures.
 * The trainer's figures are held to `YOLO(file).val` itself in trainers/tests/test_accuracy.py.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportValidation } from '../../electron/contract';
import { cli, fixture, freshHome, makeValSet, removeHomes, startCli, waitFor } from './helpers';

let home: string;
let sets: string;
let data: string;
let exportId: string;
let exported: ExportValidation;

/** The same set under other class names (as many), or with fewer classes. */
function renamed(names: string[]): string {
  const file = path.join(sets, `names-${names.join('-')}.yaml`);
  const root = path.dirname(data);
  fs.writeFileSync(file, JSON.stringify({ path: root, train: 'images/val', val: 'images/val', names }));
  return file;
}

const boxMap = (v: ExportValidation, format: string) =>
  v.rows.find((r) => r.format === format)?.figures?.box?.map50_95;

beforeAll(() => {
  home = freshHome();
  sets = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-val-'));
  data = makeValSet(path.join(sets, 'detect'));
  const r = cli(home, ['export', fixture('models/detect.pt'), '--format', 'onnx', '--data', data, '--json']);
  expect(r.code, r.stderr).toBe(0);
  exportId = r.json.id;
  exported = r.json.validation;
}, 600_000);

afterAll(() => {
  removeHomes();
  fs.rmSync(sets, { recursive: true, force: true });
});

describe('edgepack export --data and edgepack validate', () => {
  it('measures the checkpoint and the export in the export job, and writes the figures into metadata.json', () => {
    expect(exported.status).toBe('completed');
    expect(exported.rows.map((r) => [r.format, r.images, r.partial, r.error])).toEqual([
      ['pytorch', 6, false, null],
      ['onnx', 6, false, null],
    ]);
    expect(boxMap(exported, 'onnx')).toBeGreaterThan(0.3);
    const job = cli(home, ['exports', 'show', exportId, '--json']).json;
    const metadata = JSON.parse(fs.readFileSync(job.metadataPath, 'utf8'));
    const accuracy = metadata.formats.onnx.validation.accuracy;
    expect(accuracy.figures).toEqual(exported.rows[1]!.figures);
    expect(accuracy.pytorch).toEqual(exported.rows[0]!.figures);
  });

  it('validates an existing export later with the same figures, and prints them as a table', () => {
    const later = cli(home, ['validate', exportId, '--data', data, '--json']);
    expect(later.code, later.stderr).toBe(0);
    expect(later.json.rows).toEqual(exported.rows.map((r) => ({ ...r, durationMs: expect.any(Number) })));
    const onlyOnnx = cli(home, ['validate', exportId, '--data', data, '--formats', 'onnx', '--json']);
    expect(onlyOnnx.json.rows.map((r: { format: string }) => r.format)).toEqual(['onnx']);
    const text = cli(home, ['validate', exportId, '--data', data]);
    expect(text.stdout).toMatch(/format\s+precision\s+box mAP50-95\s+box mAP50\s+Δ vs PyTorch/);
    expect(text.stdout).toMatch(/\nonnx\s+fp32\s+\d+\.\d\s+\d+\.\d\s+-?\d+\.\d\s+6/);
  });

  it('refuses a dataset that is not there, naming it', () => {
    const r = cli(home, ['validate', exportId, '--data', path.join(sets, 'nowhere'), '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('DATASET_NOT_FOUND');
    expect(r.json.error.message).toContain(path.join(sets, 'nowhere'));
  });

  it('names class names that differ, and goes on only when the person confirms they agree by position', () => {
    const other = renamed(['round', 'square', 'tri']);
    const refused = cli(home, ['validate', exportId, '--data', other, '--json']);
    expect(refused.json.error.code).toBe('CLASS_NAMES_MISMATCH');
    expect(refused.json.error.message).toContain("0: dataset 'round' vs model 'circle'");
    const accepted = cli(home, ['validate', exportId, '--data', other, '--accept-names', '--json']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(boxMap(accepted.json, 'onnx')).toBe(boxMap(exported, 'onnx'));
    const fewer = cli(home, [
      'validate',
      exportId,
      '--data',
      renamed(['circle', 'square']),
      '--accept-names',
      '--json',
    ]);
    expect(fewer.json.error.code).toBe('CLASS_COUNT_MISMATCH');
  });

  it('keeps the figures measured so far when a long validation is cancelled, marked partial', async () => {
    const big = path.join(sets, 'big');
    for (const sub of ['images', 'labels']) {
      fs.mkdirSync(path.join(big, sub), { recursive: true });
      const files = fs.readdirSync(path.join(path.dirname(data), sub, 'val'));
      for (let copy = 0; copy < 100; copy++)
        for (const f of files)
          fs.symlinkSync(path.join(path.dirname(data), sub, 'val', f), path.join(big, sub, `${copy}-${f}`));
    }
    const run = startCli(home, ['validate', exportId, '--data', big, '--json']);
    let stderr = '';
    run.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor(() => /validate [3-9]\d%/.test(stderr), 'validation under way', 300_000);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.json.status).toBe('partial');
    const last = r.json.rows.at(-1);
    expect(last.partial).toBe(true);
    expect(last.images).toBeGreaterThan(0);
    expect(last.images).toBeLessThan(600);
    expect(last.figures.box.map50_95).toBeGreaterThan(0);
  }, 600_000);
});
