/**
 * Exactness: on the same ONNX file and image, `edgepack predict --json` gives what Ultralytics' own predictor
 * (`YOLO('x.onnx').predict`) gives — same classes, box IoU ≥ 0.99, confidence within 1e-3 — for detect, segment,
 * classify and pose, on the fixture images, real photos (one with an embedded ICC profile) and awkward encodings
 * (EXIF-rotated, grey, alpha, 16-bit, 1 × 1, very wide). Masks and keypoints are compared too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskToSource } from '../../../native-runtimes/typescript/segment';
import type { Detection, Mask, PreviewResult } from '../../../electron/contract';
import { cli, fixture, freshHome, manifest, removeHomes, repo } from '../helpers';
import {
  boxIou,
  exportedOnnx,
  fromRuns,
  ultralyticsPredict,
  type ReferenceResult,
  type Task,
} from './support';

let variants: string;
let images: string[];

beforeAll(async () => {
  variants = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-exact-'));
  const source = fixture('images/shapes-1.png');
  const { data, info } = await sharp(source).raw().toBuffer({ resolveWithObject: true });
  // 16 bits with a low byte that is not a copy of the high one, so the 16 → 8 bit reduction is really tested.
  const wide = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) wide[i] = data[i]! * 256 + ((i * 7919) % 256);
  await Promise.all([
    sharp(source)
      .rotate(90)
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 8 })
      .toFile(path.join(variants, 'exif-rotated.jpg')),
    sharp(source).toColourspace('b-w').png().toFile(path.join(variants, 'grey.png')),
    sharp(source).ensureAlpha(0.5).png().toFile(path.join(variants, 'alpha.png')),
    sharp(wide, { raw: { width: info.width, height: info.height, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toFile(path.join(variants, 'sixteen-bit.png')),
    sharp(source).resize(1, 1).png().toFile(path.join(variants, 'one-pixel.png')),
    sharp(fixture('images/shapes-3.png'))
      .resize(500, 180, { fit: 'fill' })
      .png()
      .toFile(path.join(variants, 'wide.png')),
  ]);
  // Real photos, and bus.jpg tagged with an Adobe RGB profile (as JPEG and PNG), which cv2.imread ignores.
  const photos = ['bus.jpg', 'zidane.jpg', 'icc-adobe-rgb.jpg', 'icc-adobe-rgb.png'].map((name) =>
    path.join(repo, 'native-runtimes/typescript/test-images', name),
  );
  images = [
    ...manifest.images.map((name) => fixture(`images/${name}`)),
    ...photos,
    ...fs
      .readdirSync(variants)
      .sort()
      .map((f) => path.join(variants, f)),
  ];
});

afterAll(() => {
  fs.rmSync(variants, { recursive: true, force: true });
  removeHomes();
});

/** `edgepack predict <model> <images…> --json`, as a person would run it. */
function edgepackPredict(model: string): PreviewResult[] {
  const run = cli(freshHome(), ['predict', model, ...images, '--json']);
  expect(run.code, run.stderr).toBe(0);
  const results = run.json.results as PreviewResult[];
  expect(results.map((r) => r.image.path)).toEqual(images);
  return results;
}

/** Pairs each reference box with the Edgepack box of the same class that overlaps it most. */
function pairBoxes(reference: ReferenceResult, ours: Detection[]) {
  const free = new Set(ours.keys());
  return reference.boxes!.map((box, i) => {
    let best = -1;
    let bestIou = 0;
    for (const j of free) {
      const overlap = boxIou(box, ours[j]!.bbox);
      if (ours[j]!.class_id === reference.cls![i] && overlap > bestIou) [best, bestIou] = [j, overlap];
    }
    free.delete(best);
    return { i, ours: ours[best], iou: bestIou };
  });
}

function expectSameDetections(name: string, reference: ReferenceResult, ours: Detection[]) {
  expect(ours.length, `${name}: number of detections`).toBe(reference.boxes!.length);
  for (const { i, ours: p, iou } of pairBoxes(reference, ours)) {
    expect(p, `${name}: no ${reference.cls![i]} box matching reference box ${i}`).toBeDefined();
    expect(iou, `${name}: box ${i} IoU`).toBeGreaterThanOrEqual(0.99);
    expect(Math.abs(p!.confidence - reference.conf![i]!), `${name}: box ${i} confidence`).toBeLessThanOrEqual(
      1e-3,
    );
  }
}

/** Pixels inside both masks and inside either (photo pixels; a null mask is empty). */
function overlap(a: Mask | null, b: Mask | null): { inter: number; union: number } {
  const inside = (m: Mask | null) => {
    const set = new Set<number>();
    if (!m) return set;
    const bits = fromRuns(m.runs, m.width * m.height);
    for (let r = 0; r < m.height; r++)
      for (let c = 0; c < m.width; c++) if (bits[r * m.width + c]) set.add((m.y + r) * 1e6 + m.x + c);
    return set;
  };
  const [mine, theirs] = [inside(a), inside(b)];
  let inter = 0;
  for (const p of mine) if (theirs.has(p)) inter++;
  return { inter, union: mine.size + theirs.size - inter };
}

describe.each<Task>(['detect', 'segment', 'classify', 'pose'])(
  '%s: edgepack predict = Ultralytics predict',
  (task) => {
    let results: PreviewResult[];
    let reference: Record<string, ReferenceResult>;

    beforeAll(() => {
      const model = exportedOnnx(task);
      results = edgepackPredict(model);
      reference = ultralyticsPredict(model, images);
    });

    it('gives the same predictions on every image', () => {
      let compared = 0;
      for (const result of results) {
        const ref = reference[result.image.path]!;
        const name = path.basename(result.image.path);
        expect([result.image.height, result.image.width], `${name}: image size`).toEqual(ref.shape);
        if (task === 'classify') {
          const refTop = ref.probs!.map((p, classId) => ({ p, classId })).sort((a, b) => b.p - a.p);
          expect(result.predictions[0]!.class_id, `${name}: top-1 class`).toBe(refTop[0]!.classId);
          for (const t of result.predictions)
            expect(Math.abs(t.confidence - ref.probs![t.class_id]!)).toBeLessThanOrEqual(1e-3);
          compared += result.predictions.length;
        } else {
          expectSameDetections(name, ref, result.predictions as Detection[]);
          compared += result.predictions.length;
        }
      }
      // The images must exercise the model, not only agree on "nothing found".
      expect(compared).toBeGreaterThan(task === 'pose' ? 3 : 10);
    });

    if (task === 'segment') {
      it('draws the same masks (IoU ≥ 0.98 over the photo, Ultralytics’ input-size masks carried there)', () => {
        for (const result of results) {
          const ref = reference[result.image.path]!;
          const [height, width] = ref.mask_shape ?? [0, 0];
          const { width: photoWidth, height: photoHeight } = result.image;
          for (const { i, ours } of pairBoxes(ref, result.predictions as Detection[])) {
            // Ours are in the photo's pixels; theirs (model input) go through the same documented mapping.
            const theirs = maskToSource(
              { x: 0, y: 0, width, height, data: fromRuns(ref.masks![i]!, height * width) },
              result.mapping!,
              photoWidth,
              photoHeight,
            );
            const { inter, union } = overlap(ours!.mask ?? null, theirs);
            if (union === 0) continue; // both empty where the photo's pixels sample them (a 1 × 1 photo)
            expect(inter / union, `${path.basename(result.image.path)}: mask ${i}`).toBeGreaterThanOrEqual(
              0.98,
            );
          }
        }
      });
    }

    if (task === 'pose') {
      it('places the same keypoints (within 0.5 px, visibility within 1e-3)', () => {
        for (const result of results) {
          const ref = reference[result.image.path]!;
          for (const { i, ours } of pairBoxes(ref, result.predictions as Detection[])) {
            ref.keypoints![i]!.forEach(([x, y, score], k) => {
              const [px, py, visibility] = ours!.keypoints![k]!;
              expect(Math.hypot(px - x!, py - y!)).toBeLessThanOrEqual(0.5);
              if (score !== undefined) expect(Math.abs(visibility! - score)).toBeLessThanOrEqual(1e-3);
            });
          }
        }
      });
    }
  },
);
