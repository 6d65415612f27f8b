/**
 * The export options are the trainers' registry's (generated into the contract): TensorRT's workspace goes through the
 * CLI and the contract to the trainer; and one image-size policy: any whole number in the registry's range, one that
 * is not a multiple of the model's stride rounded up, the CLI (before the job) and the trainer (in the job's log)
 * saying so in the same words.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, fixture, freshHome, modelFixtures, removeHomes } from './helpers';

afterAll(removeHomes);

const SAID = 'imgsz 100 is not a multiple of the model stride 32; using 128';

describe('an image size that is not a multiple of the stride', () => {
  it('is exported rounded up, with the same warning from the CLI and from the trainer', () => {
    const detect = modelFixtures.find((e) => e.expect.task === 'detect')!;
    const home = freshHome();
    const run = cli(home, [
      'export',
      fixture(detect.file),
      '--format',
      'onnx',
      '--imgsz',
      '100',
      '--verbose',
      '--json',
    ]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stderr).toContain(`warning: ${SAID}`);
    // --verbose prints the trainer's log: its warning is the same sentence
    expect(run.stderr.split('\n').filter((l) => l.includes(SAID)).length).toBeGreaterThanOrEqual(2);
    expect(run.json).toMatchObject({ status: 'completed', exportConfig: { imgsz: 100 } });
    const metadata = JSON.parse(fs.readFileSync(run.json.metadataPath, 'utf8'));
    expect(metadata.input.shape).toEqual([1, 3, 128, 128]);
  });

  it('out of range is refused before anything runs, naming the range', () => {
    const run = cli(freshHome(), [
      'export',
      fixture(modelFixtures[0]!.file),
      '--format',
      'onnx',
      '--imgsz',
      '5000',
      '--json',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.json.error.message).toContain('imgsz must be a whole number from 32 to 4096');
  });
});

describe('TensorRT’s workspace option', () => {
  it('reaches the deferred build’s trtexec script', () => {
    const detect = modelFixtures.find((e) => e.expect.task === 'detect')!;
    const run = cli(freshHome(), [
      'export',
      fixture(detect.file),
      '--format',
      'tensorrt',
      '--workspace',
      '8',
      '--json',
    ]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.json).toMatchObject({ exportConfig: { workspace: 8 } });
    const trt = run.json.results[0];
    const script = fs.readFileSync(path.join(trt.path, 'build_engine.sh'), 'utf8');
    expect(script).toContain('--memPoolSize=workspace:8192M');
  });
});
