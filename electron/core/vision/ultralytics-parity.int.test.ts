/**
 * The shared vision module against Ultralytics itself, in the trainers' toolchain: the letterboxed pixels must be
 * identical to LetterBox's, and the final predictions on an exported model identical to YOLO.predict's.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportedPackage,
  repo,
  runPython,
  toolchainPython,
  type ExportedPackage,
} from '../../../platform/test-support/services';
import {
  decodeImage,
  letterbox,
  postprocess,
  prepareInput,
  readOnnxSummary,
  resolveModelInfo,
} from './index';

const photos = ['bus.jpg', 'zidane.jpg'].map((f) => path.join(import.meta.dirname, 'test-images', f));
const fixtureImages = JSON.parse(
  readFileSync(path.join(repo, 'tests', 'fixtures', 'manifest.json'), 'utf8'),
).images.map((f: string) => path.join(repo, 'tests', 'fixtures', 'images', f)) as string[];

let python: string;
let scratch: string;
const env = () => ({
  YOLO_OFFLINE: 'true',
  YOLO_AUTOINSTALL: 'false',
  ULTRALYTICS_SKIP_REQUIREMENTS_CHECKS: '1',
  YOLO_CONFIG_DIR: path.join(repo, '.cache', 'ultralytics-config'),
});

beforeAll(() => {
  python = toolchainPython();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'vision-parity-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('letterbox vs Ultralytics LetterBox', () => {
  it('produces byte-identical model inputs for real photos at several sizes', async () => {
    const shapes: [number, number][] = [
      [640, 640],
      [320, 320],
      [480, 640],
      [333, 517],
    ];
    const jobs: { file: string; image: string; shape: [number, number] }[] = [];
    for (const photo of photos) {
      const decoded = await decodeImage(readFileSync(photo));
      for (const shape of shapes) {
        const file = path.join(scratch, `${path.basename(photo)}-${shape.join('x')}.raw`);
        writeFileSync(file, letterbox(decoded, shape).image.data);
        jobs.push({ file, image: photo, shape });
      }
    }
    const script = `
import json, sys, cv2, numpy as np
from ultralytics.data.augment import LetterBox
out = []
for job in json.loads(sys.argv[1]):
    ref = LetterBox(tuple(job["shape"]), auto=False)(image=cv2.imread(job["image"])[..., ::-1].copy())
    mine = np.fromfile(job["file"], dtype=np.uint8)
    same_size = mine.size == ref.size
    diff = int(np.abs(mine.reshape(ref.shape).astype(int) - ref.astype(int)).max()) if same_size else None
    out.append({"shape": list(ref.shape), "size_ok": same_size, "max_diff": diff})
print(json.dumps(out))`;
    const results = JSON.parse(runPython(python, script, [JSON.stringify(jobs)], env())) as {
      shape: number[];
      size_ok: boolean;
      max_diff: number;
    }[];
    results.forEach((r, i) => {
      expect(r.size_ok, `${jobs[i]!.image} ${jobs[i]!.shape}`).toBe(true);
      expect(r.max_diff, `${jobs[i]!.image} ${jobs[i]!.shape}`).toBe(0);
      expect(r.shape.slice(0, 2)).toEqual(jobs[i]!.shape);
    });
  });
});

describe('decode → letterbox → ONNX Runtime → decode → NMS vs YOLO.predict on the exported model', () => {
  let pkg: ExportedPackage;
  beforeAll(async () => {
    pkg = await exportedPackage('detect');
  });

  it('gives the same boxes, classes and scores on the fixture images and real photos', async () => {
    const info = resolveModelInfo({ metadataJson: pkg.metadata, onnx: readOnnxSummary(pkg.onnx) });
    const session = await ort.InferenceSession.create(pkg.onnx);
    const images = [...fixtureImages, ...photos];
    const mine: number[][][] = [];
    for (const image of images) {
      const input = prepareInput(await decodeImage(readFileSync(image)), info);
      const result = await session.run({
        [info.inputName ?? 'images']: new ort.Tensor('float32', input.tensor, input.dims),
      });
      const output = result[session.outputNames[0]!] as ort.Tensor;
      const predictions = postprocess(
        [{ data: output.data as Float32Array, dims: output.dims }],
        info,
        input.transform,
      );
      mine.push(predictions.map((p) => [p.classId, p.confidence, ...p.box]));
    }
    await session.release();
    const script = `
import json, sys
from ultralytics import YOLO
model = YOLO(sys.argv[1], task="detect")
out = []
for image in json.loads(sys.argv[2]):
    r = model.predict(image, imgsz=${info.imgsz[0]}, conf=0.25, iou=0.7, verbose=False)[0]
    out.append([[int(c), float(s), *map(float, b)] for c, s, b in zip(r.boxes.cls, r.boxes.conf, r.boxes.xyxy)])
print(json.dumps(out))`;
    const lines = runPython(python, script, [path.join(pkg.dir, 'model.onnx'), JSON.stringify(images)], env())
      .trim()
      .split('\n');
    const theirs = JSON.parse(lines[lines.length - 1]!) as number[][][];
    expect(mine.flat().length).toBeGreaterThan(5);
    images.forEach((image, i) => {
      expect(mine[i]!.length, image).toBe(theirs[i]!.length);
      mine[i]!.forEach((row, j) => {
        const ref = theirs[i]![j]!;
        expect(row[0], `${image} #${j} class`).toBe(ref[0]);
        expect(Math.abs(row[1]! - ref[1]!), `${image} #${j} score`).toBeLessThan(1e-4);
        for (let k = 2; k < 6; k++)
          expect(Math.abs(row[k]! - ref[k]!), `${image} #${j} coord ${k}`).toBeLessThan(1e-2);
      });
    });
  });
});
