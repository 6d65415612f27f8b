import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cli, fixture, freshHome, repo, toolchainPython } from '../helpers';
import type { RgbImage } from '../../../native-runtimes/typescript/image';
import { decodeImage } from '../../../native-runtimes/typescript/decode';

export type Task = 'detect' | 'segment' | 'classify' | 'pose';

/** Every file whose change could change an export: the checkpoint, the trainer sources and their pins. */
function exportKey(checkpoint: string, options: string[]): string {
  const hash = createHash('sha256').update(fs.readFileSync(checkpoint)).update(options.join(' '));
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== '__pycache__' && entry.name !== 'tests') walk(full);
      else if (entry.isFile() && /\.(py|txt)$/.test(entry.name))
        hash.update(entry.name).update(fs.readFileSync(full));
    }
  };
  walk(path.join(repo, 'trainers'));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The ONNX export of tests/fixtures/models/<task>.pt, made through the real CLI (`edgepack export --format onnx`)
 * and kept in .cache/preview-exports/<key>/ until the checkpoint or the trainer changes.
 */
export function exportedOnnx(task: Task, extraOptions: string[] = []): string {
  const checkpoint = fixture(`models/${task}.pt`);
  if (!fs.existsSync(checkpoint)) throw new Error(`${checkpoint} is missing: generate the fixtures first`);
  const dir = path.join(repo, '.cache', 'preview-exports', `${task}-${exportKey(checkpoint, extraOptions)}`);
  const model = path.join(dir, 'model.onnx');
  if (fs.existsSync(model)) return model;
  const staging = `${dir}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  const run = cli(freshHome(), [
    'export',
    checkpoint,
    '--format',
    'onnx',
    ...extraOptions,
    '--out',
    staging,
    '--json',
  ]);
  if (run.code !== 0 || !fs.existsSync(path.join(staging, 'model.onnx'))) {
    throw new Error(`exporting ${task}.pt to ONNX failed (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  return model;
}

export interface ReferenceResult {
  shape: [number, number];
  boxes?: number[][];
  conf?: number[];
  cls?: number[];
  mask_shape?: [number, number];
  masks?: number[][];
  keypoints?: number[][][];
  probs?: number[];
  wall_ms: number;
  speed: { preprocess: number; inference: number; postprocess: number };
}

/** Ultralytics' own predictor (`YOLO(model).predict`) on each image, in the toolchain environment. */
export function ultralyticsPredict(model: string, images: string[]): Record<string, ReferenceResult> {
  const configDir = path.join(repo, '.cache', 'ultralytics-config');
  const run = spawnSync(
    toolchainPython(),
    [path.join(import.meta.dirname, 'ultralytics_predict.py'), model, ...images],
    {
      cwd: repo,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 600_000,
      env: {
        ...process.env,
        YOLO_OFFLINE: 'true',
        YOLO_AUTOINSTALL: 'false',
        ULTRALYTICS_SKIP_REQUIREMENTS_CHECKS: '1',
        YOLO_CONFIG_DIR: configDir,
        PYTHONNOUSERSITE: '1',
      },
    },
  );
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !last.startsWith('{')) {
    throw new Error(`Ultralytics' predictor failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  return JSON.parse(last) as Record<string, ReferenceResult>;
}

export function boxIou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter);
}

/** 0/1 bits from run lengths that start with zeros. */
export function fromRuns(runs: readonly number[], size: number): Uint8Array {
  const bits = new Uint8Array(size);
  let at = 0;
  runs.forEach((length, i) => {
    if (i % 2 === 1) bits.fill(1, at, at + length);
    at += length;
  });
  return bits;
}

/** A seeded generator of integers in [1, n] (the same sequence on every run). */
export function seededInts(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return 1 + ((state >>> 8) % n);
  };
}

/** `count` images of random sizes (up to maxSide) and random pixels, named noise-0, noise-1, … */
export function noiseImages(count: number, maxSide: number, seed: number): Map<string, RgbImage> {
  const next = seededInts(seed);
  const images = new Map<string, RgbImage>();
  for (let i = 0; i < count; i++) {
    const width = next(maxSide);
    const height = next(maxSide);
    const data = new Uint8Array(width * height * 3);
    for (let j = 0; j < data.length; j++) data[j] = next(256) - 1;
    images.set(`noise-${i}`, { width, height, data });
  }
  return images;
}

/** The test photos (native-runtimes/typescript/test-images), decoded as the runtime decodes them. */
export async function decodedPhotos(names: string[]): Promise<Map<string, RgbImage>> {
  const photos = new Map<string, RgbImage>();
  for (const name of names) {
    const file = path.join(repo, 'native-runtimes/typescript/test-images', name);
    photos.set(name, await decodeImage(fs.readFileSync(file)));
  }
  return photos;
}
