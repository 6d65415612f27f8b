/**
 * Every task the app previews, served: segment, classify and pose fixture checkpoints exported by `edgepack export`,
 * deployed, and asked about real photos; each answer must be what `edgepack predict --json` says of the same file.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detection, Prediction } from '@edgepack/runtime/predictions';
import { decodeRuns } from '@edgepack/runtime/segment';
import { deploy, infer, startTestPlatform, type TestPlatform } from '../test-support/harness';
import { exportedPackage, repo } from '../test-support/services';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One photo's result in `edgepack predict --json` (the app's PreviewResult), as far as it is compared here. */
interface PreviewResult {
  task: string;
  image: { width: number; height: number };
  predictions: Prediction[];
}

const photos = [
  path.join(repo, 'tests', 'fixtures', 'images', 'shapes-1.png'),
  path.join(repo, 'tests', 'fixtures', 'images', 'triangles-2.png'),
  path.join(repo, 'native-runtimes', 'typescript', 'test-images', 'bus.jpg'),
];

let t: TestPlatform;
let home: string;

beforeAll(async () => {
  t = await startTestPlatform();
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'edgepack-predict-'));
}, 120_000);

afterAll(async () => {
  await t?.close();
  await fs.rm(home, { recursive: true, force: true });
});

/** `edgepack predict <model> <photos…> --json`, one result per photo. */
function cliPredict(model: string): PreviewResult[] {
  const r = spawnSync(
    process.execPath,
    [path.join(repo, 'bin', 'edgepack.mjs'), 'predict', model, ...photos, '--json'],
    {
      cwd: repo,
      env: { ...process.env, EDGEPACK_HOME: home },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  if (r.status !== 0)
    throw new Error(`edgepack predict failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { results: PreviewResult[] }).results;
}

async function served(task: 'segment' | 'classify' | 'pose') {
  const pkg = await exportedPackage(task);
  const deployed = await deploy(t, pkg.onnx, pkg.metadata, { name: task });
  const answers: Json[] = [];
  for (const photo of photos) {
    const response = await infer(t, deployed, await fs.readFile(photo));
    expect(response.status).toBe(200);
    answers.push((await response.json()) as Json);
  }
  return { answers, cli: cliPredict(path.join(pkg.dir, 'model.onnx')) };
}

/** The endpoint's answer and the CLI's result for the same photo: the same task, size and predictions, to the bit. */
function expectSameAnswer(answer: Json, cli: PreviewResult): void {
  expect(answer.task).toBe(cli.task);
  expect(answer.image).toEqual({ width: cli.image.width, height: cli.image.height });
  expect(answer.predictions).toEqual(cli.predictions);
}

describe('POST /v1/infer/{id} answers every task as `edgepack predict --json` does', () => {
  it('segment: boxes, and masks in the photo’s own pixels', async () => {
    const { answers, cli } = await served('segment');
    expect(cli.flatMap((r) => r.predictions).length).toBeGreaterThan(0);
    answers.forEach((answer, i) => {
      expect(answer.task).toBe('segment');
      expectSameAnswer(answer, cli[i]!);
      // Every instance has a mask over the photo (none here lies wholly in the letterbox padding), inside it.
      for (const p of answer.predictions as Detection[]) {
        const mask = p.mask!;
        expect(mask).not.toBeNull();
        expect(decodeRuns(mask.runs, mask.width * mask.height).some((b) => b === 1)).toBe(true);
        expect(mask.x + mask.width).toBeLessThanOrEqual(answer.image.width);
        expect(mask.y + mask.height).toBeLessThanOrEqual(answer.image.height);
      }
    });
  });

  it('classify: the most probable classes (five at most) with their probabilities', async () => {
    const { answers, cli } = await served('classify');
    answers.forEach((answer, i) => {
      expect(answer.task).toBe('classify');
      expect(answer.predictions.length).toBeGreaterThan(0);
      expect(answer.predictions.length).toBeLessThanOrEqual(5);
      expectSameAnswer(answer, cli[i]!);
    });
  });

  it('pose: boxes and keypoints [x, y, visibility] in the photo’s pixels', async () => {
    const { answers, cli } = await served('pose');
    expect(cli.flatMap((r) => r.predictions).length).toBeGreaterThan(0);
    answers.forEach((answer, i) => {
      expect(answer.task).toBe('pose');
      expectSameAnswer(answer, cli[i]!);
      for (const p of answer.predictions as Detection[]) {
        expect(p.keypoints!.length).toBeGreaterThan(0);
        for (const [x, y, v] of p.keypoints!) {
          expect(x).toBeLessThanOrEqual(answer.image.width);
          expect(y).toBeLessThanOrEqual(answer.image.height);
          expect(v === null || (v >= 0 && v <= 1)).toBe(true);
        }
      }
    });
  });
});
