/**
 * Every task the app previews, served: segment, classify and pose fixture checkpoints exported by `edgepack export`,
 * deployed, and asked about real photos; each answer must be what `edgepack predict --json` says of the same file.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  PreviewClassScore,
  PreviewInputMapping,
  PreviewPrediction,
} from '@edgepack/runtime/predictions';
import { decodeRuns } from '@edgepack/runtime/segment';
import { deploy, infer, startTestPlatform, type TestPlatform } from '../test-support/harness';
import { exportedPackage, repo } from '../test-support/services';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One photo's result in `edgepack predict --json` (the app's PreviewResult), as far as it is compared here. */
interface PreviewResult {
  image: { width: number; height: number };
  predictions: PreviewPrediction[];
  top: PreviewClassScore[];
  mapping: PreviewInputMapping | null;
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

function expectSameBoxes(api: Json[], cli: PreviewResult['predictions']): void {
  expect(api.map((p) => [p.class, p.class_id])).toEqual(cli.map((p) => [p.className, p.classId]));
  api.forEach((p, i) => {
    expect(p.confidence).toBeCloseTo(cli[i]!.confidence, 4);
    p.bbox.forEach((v: number, j: number) => expect(v).toBeCloseTo(cli[i]!.box[j]!, 1));
  });
}

describe('POST /v1/infer/{id} answers every task as `edgepack predict --json` does', () => {
  it('segment: boxes, and masks in the photo’s own pixels carrying the CLI’s model-input masks', async () => {
    const { answers, cli } = await served('segment');
    expect(cli.flatMap((r) => r.predictions).length).toBeGreaterThan(0);
    answers.forEach((answer, i) => {
      const expected = cli[i]!;
      expect(answer.task).toBe('segment');
      expect(answer.image).toEqual({ width: expected.image.width, height: expected.image.height });
      expectSameBoxes(answer.predictions, expected.predictions);
      const m = expected.mapping!;
      answer.predictions.forEach((p: Json, k: number) => {
        const source = expected.predictions[k]!.mask!;
        const inputBits = decodeRuns(source.runs, source.width * source.height);
        const mask = p.mask as { x: number; y: number; width: number; height: number; runs: number[] };
        const bits = decodeRuns(mask.runs, mask.width * mask.height);
        // The documented mapping: photo pixel (u, v) is in the mask when the input pixel its centre falls on is.
        const inputAt = (u: number, v: number) => {
          const xi = Math.floor(m.left + ((u + 0.5) * m.resizedWidth) / expected.image.width) - source.x;
          const yi = Math.floor(m.top + ((v + 0.5) * m.resizedHeight) / expected.image.height) - source.y;
          return xi < 0 || yi < 0 || xi >= source.width || yi >= source.height
            ? 0
            : inputBits[yi * source.width + xi];
        };
        let inside = 0;
        let wrong = 0;
        for (let v = 0; v < expected.image.height; v++) {
          for (let u = 0; u < expected.image.width; u++) {
            const inRect = u >= mask.x && v >= mask.y && u < mask.x + mask.width && v < mask.y + mask.height;
            const bit = inRect ? bits[(v - mask.y) * mask.width + (u - mask.x)]! : 0;
            if (bit !== inputAt(u, v)) wrong++;
            inside += bit;
          }
        }
        expect(wrong).toBe(0);
        // The same instance at the photo's scale: its area is the input mask's divided by the letterbox gain squared.
        const inputArea = inputBits.reduce((n, b) => n + b, 0);
        const gain = m.resizedWidth / expected.image.width;
        expect(inside).toBeGreaterThan(0);
        expect(Math.abs(inside * gain * gain - inputArea)).toBeLessThan(0.1 * inputArea + 10);
      });
    });
  });

  it('classify: the most probable classes (five at most) with their probabilities', async () => {
    const { answers, cli } = await served('classify');
    answers.forEach((answer, i) => {
      expect(answer.task).toBe('classify');
      expect(answer.predictions.map((p: Json) => p.class)).toEqual(cli[i]!.top.map((s) => s.className));
      answer.predictions.forEach((p: Json, k: number) =>
        expect(p.confidence).toBeCloseTo(cli[i]!.top[k]!.confidence, 4),
      );
    });
  });

  it('pose: boxes and keypoints [x, y, visibility] in the photo’s pixels', async () => {
    const { answers, cli } = await served('pose');
    expect(cli.flatMap((r) => r.predictions).length).toBeGreaterThan(0);
    answers.forEach((answer, i) => {
      expect(answer.task).toBe('pose');
      expectSameBoxes(answer.predictions, cli[i]!.predictions);
      answer.predictions.forEach((p: Json, k: number) => {
        const keypoints = cli[i]!.predictions[k]!.keypoints!;
        expect(p.keypoints).toHaveLength(keypoints.length);
        p.keypoints.forEach(([x, y, score]: [number, number, number | null], j: number) => {
          expect(x).toBeCloseTo(keypoints[j]!.x, 1);
          expect(y).toBeCloseTo(keypoints[j]!.y, 1);
          expect(score).toBeCloseTo(keypoints[j]!.score!, 3);
        });
      });
    });
  });
});
