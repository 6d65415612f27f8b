/**
 * The reference runtime (native-runtimes/typescript), as the service's pipeline runs it, against Ultralytics itself,
 * in the trainers' toolchain: the letterboxed pixels must be identical to LetterBox's, and the final predictions on
 * an exported model identical to YOLO.predict's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, letterbox, prepareInput, type Detection } from '@edgepack/runtime';
import {
  exportedPackage,
  repo,
  runPython,
  toolchainPython,
  ultralyticsEnv,
  ultralyticsOnnx,
  type ExportedPackage,
} from '../test-support/services';
import { validateModelPackage } from './packages';
import { runPipeline } from './pipeline';

// Real photos, one tagged with an Adobe RGB ICC profile (cv2.imread, and so Ultralytics, ignores it).
const photos = ['bus.jpg', 'zidane.jpg', 'icc-adobe-rgb.jpg'].map((f) =>
  path.join(repo, 'native-runtimes', 'typescript', 'test-images', f),
);
const fixtureImages = JSON.parse(
  readFileSync(path.join(repo, 'tests', 'fixtures', 'manifest.json'), 'utf8'),
).images.map((f: string) => path.join(repo, 'tests', 'fixtures', 'images', f)) as string[];

let python: string;
let scratch: string;
const env = ultralyticsEnv;

beforeAll(() => {
  python = toolchainPython();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'vision-parity-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('letterbox vs Ultralytics LetterBox', () => {
  it('produces byte-identical letterboxed pixels and bit-identical float tensors for real photos at several sizes', async () => {
    const shapes: [number, number][] = [
      [640, 640],
      [320, 320],
      [480, 640],
      [333, 517],
    ];
    const jobs: { file: string; tensor: string; image: string; shape: [number, number] }[] = [];
    for (const photo of photos) {
      const decoded = await decodeImage(readFileSync(photo));
      for (const shape of shapes) {
        const file = path.join(scratch, `${path.basename(photo)}-${shape.join('x')}.raw`);
        const tensor = `${file}.f32`;
        writeFileSync(file, letterbox(decoded, shape).image.data);
        writeFileSync(tensor, prepareInput(decoded, { task: 'detect', imgsz: shape, padValue: 114 }).tensor);
        jobs.push({ file, tensor, image: photo, shape });
      }
    }
    const script = `
import json, sys, cv2, numpy as np, torch
from ultralytics.data.augment import LetterBox
out = []
for job in json.loads(sys.argv[1]):
    ref = LetterBox(tuple(job["shape"]), auto=False)(image=cv2.imread(job["image"])[..., ::-1].copy())
    mine = np.fromfile(job["file"], dtype=np.uint8)
    same_size = mine.size == ref.size
    diff = int(np.abs(mine.reshape(ref.shape).astype(int) - ref.astype(int)).max()) if same_size else None
    # What the predictor feeds the model: HWC -> CHW, float, / 255 (torch, float32).
    ref_tensor = (torch.from_numpy(np.ascontiguousarray(ref.transpose(2, 0, 1))).float() / 255).numpy().ravel()
    mine_tensor = np.fromfile(job["tensor"], dtype=np.float32)
    tensor_same = mine_tensor.size == ref_tensor.size and bool(np.array_equal(mine_tensor, ref_tensor))
    out.append({"shape": list(ref.shape), "size_ok": same_size, "max_diff": diff, "tensor_same": tensor_same})
print(json.dumps(out))`;
    const results = JSON.parse(runPython(python, script, [JSON.stringify(jobs)], env())) as {
      shape: number[];
      size_ok: boolean;
      max_diff: number;
      tensor_same: boolean;
    }[];
    results.forEach((r, i) => {
      expect(r.size_ok, `${jobs[i]!.image} ${jobs[i]!.shape}`).toBe(true);
      expect(r.max_diff, `${jobs[i]!.image} ${jobs[i]!.shape}`).toBe(0);
      expect(r.tensor_same, `${jobs[i]!.image} ${jobs[i]!.shape} tensor`).toBe(true);
      expect(r.shape.slice(0, 2)).toEqual(jobs[i]!.shape);
    });
  });
});

type Row = { cls: number; score: number; box: number[]; keypoints?: number[][] };

/** The endpoint's pipeline on every image (what `POST /v1/infer` runs): decode → letterbox → ONNX Runtime → decode/NMS. */
async function ours(pkg: ExportedPackage, images: string[]): Promise<Row[][]> {
  const served = validateModelPackage(pkg.onnx, pkg.metadataText || null);
  const session = await ort.InferenceSession.create(pkg.onnx);
  const rows: Row[][] = [];
  for (const image of images) {
    const result = await runPipeline(
      readFileSync(image),
      served,
      async (input) => {
        const out = await session.run({ [input.name]: new ort.Tensor('float32', input.data, input.dims) });
        return session.outputNames.map((name) => {
          const t = out[name] as ort.Tensor;
          return { data: t.data as Float32Array, dims: t.dims };
        });
      },
      { conf: 0.25, iou: 0.7 },
    );
    rows.push(
      (result.predictions as Detection[]).map((p) => ({
        cls: p.class_id,
        score: p.confidence,
        box: p.bbox,
        ...(p.keypoints ? { keypoints: p.keypoints.map(([x, y, v]) => [x, y, v ?? 0]) } : {}),
      })),
    );
  }
  await session.release();
  return rows;
}

/** YOLO.predict on the same ONNX file and images, with its default thresholds. */
function theirs(pkg: ExportedPackage, task: string, images: string[]): Row[][] {
  const script = `
import json, sys
from ultralytics import YOLO
model = YOLO(sys.argv[1], task=sys.argv[2])
out = []
for image in json.loads(sys.argv[3]):
    r = model.predict(image, conf=0.25, iou=0.7, verbose=False)[0]
    rows = []
    for i, (c, s, b) in enumerate(zip(r.boxes.cls, r.boxes.conf, r.boxes.xyxy)):
        row = {"cls": int(c), "score": float(s), "box": [float(v) for v in b]}
        if r.keypoints is not None:
            row["keypoints"] = r.keypoints.data[i].tolist()
        rows.append(row)
    out.append(rows)
print(json.dumps(out))`;
  const lines = runPython(
    python,
    script,
    [path.join(pkg.dir, 'model.onnx'), task, JSON.stringify(images)],
    env(),
  )
    .trim()
    .split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Row[][];
}

function expectSame(mine: Row[][], reference: Row[][], images: string[]): void {
  expect(mine.flat().length).toBeGreaterThan(3);
  images.forEach((image, i) => {
    expect(mine[i]!.length, image).toBe(reference[i]!.length);
    mine[i]!.forEach((row, j) => {
      const ref = reference[i]![j]!;
      expect(row.cls, `${image} #${j} class`).toBe(ref.cls);
      expect(Math.abs(row.score - ref.score), `${image} #${j} score`).toBeLessThan(1e-4);
      row.box.forEach((v, k) =>
        expect(Math.abs(v - ref.box[k]!), `${image} #${j} box ${k}`).toBeLessThan(1e-2),
      );
      row.keypoints?.forEach((point, k) =>
        point.forEach((v, m) =>
          expect(Math.abs(v - ref.keypoints![k]![m]!), `${image} #${j} keypoint ${k}`).toBeLessThan(1e-2),
        ),
      );
    });
  });
}

describe('decode → letterbox → ONNX Runtime → decode → NMS vs YOLO.predict on exported models', () => {
  const images = [...fixtureImages, ...photos];

  it('detect: the same boxes, classes and scores on the fixture images and real photos', async () => {
    const pkg = await exportedPackage('detect');
    expectSame(await ours(pkg, images), theirs(pkg, 'detect', images), images);
  });

  it('pose: the same boxes and keypoints (model exported by Ultralytics, facts from its ONNX metadata)', async () => {
    const pkg = await ultralyticsOnnx('pose');
    const mine = await ours(pkg, images);
    expect(mine.flat().every((r) => r.keypoints?.length === 3)).toBe(true);
    expectSame(mine, theirs(pkg, 'pose', images), images);
  });

  it('segment: the same boxes', async () => {
    const pkg = await ultralyticsOnnx('segment');
    expectSame(await ours(pkg, images), theirs(pkg, 'segment', images), images);
  });
});
