/**
 * `npm run bench:preview [-- --runs N] [--stages-only]`
 *
 * Per image over the sample photos, for four ONNX models exported by Edgepack's CLI (the fixture detector at 160 px,
 * an untrained full-size YOLO11n at 640 px, the fixture classifier at 64 px and an untrained YOLO11n-cls at 224 px):
 *   - Edgepack's preview end to end (read, decode, letterbox, inference on the worker thread, NMS) against a raw
 *     onnxruntime-node `session.run` on the same prepared tensor in this process (target ≤ 1.15);
 *   - Edgepack against Ultralytics' own predictor, `YOLO(model).predict(image)`, on the same ONNX (target ≤ 0.8),
 *     with both sides' stage timings (Ultralytics' from `results[0].speed`; its image read is outside them);
 * first decoding and pre-processing on their own, for the detectors and the classifiers, against what Python runs:
 *   - decode: Edgepack's (readImageFile, then decodeImageBounded, as the preview reads an image) against cv2.imread
 *     (target ≤ 1.5);
 *   - pre-processing: Edgepack's prepareInput (letterbox, or Pillow-exact resize + centre crop, into the NCHW float
 *     tensor) against the predictor's own `preprocess([image])` (LetterBox, or torchvision's Resize + CenterCrop on a
 *     PIL image, then the tensor);
 *   - for a classifier, the resize alone: resizePilBilinear against Pillow's own `Image.resize` (target ≤ 1.5);
 * and the peak memory of `edgepack predict` over a folder of 200 images (against one image).
 * Medians of N runs after a warm-up; the two (or three) sides take turns, one call each, so a busy machine slows
 * them alike. Python's times are taken in Python (scripts/bench/preview_ultralytics.py, preview_reference.py), in
 * the same run. `--stages-only` prints the decode and pre-processing tables alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { PreviewEngine, readImageFile } from '../../electron/core/preview/engine';
import { centerCropTransform } from '../../native-runtimes/typescript/classify';
import { decodeImageBounded } from '../../native-runtimes/typescript/decode-bounded';
import type { InputFacts } from '../../native-runtimes/typescript/preprocess';
import { keepOnnxRuntimeTelemetryOff } from '../../native-runtimes/typescript/onnxruntime';
import { prepareInput } from '../../native-runtimes/typescript/preprocess';
import { resizePilBilinear } from '../../native-runtimes/typescript/resize-pil';
import { PREVIEW_SESSION_OPTIONS } from '../../native-runtimes/typescript/session-options';
import { benchCheckpoint, offlineEnv, toolchainEnvPath } from '../../tests/support/toolchain';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, 'stages-only': { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
const repo = process.cwd();
const venv = toolchainEnvPath();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-bench-preview-'));
const env = {
  ...process.env,
  EDGEPACK_HOME: path.join(work, 'home'),
  // The environment `doctor --fix` made (or found) above, wherever it lives.
  EDGEPACK_TOOLCHAINS: path.dirname(venv),
  ...offlineEnv(path.join(work, 'home')),
};

const photos = [
  // Two real photos, and bus.jpg tagged with an Adobe RGB ICC profile (make_icc.py).
  ...['bus.jpg', 'zidane.jpg', 'icc-adobe-rgb.jpg'].map((f) =>
    path.join(repo, 'native-runtimes/typescript/test-images', f),
  ),
  ...['shapes-1.png', 'triangles-2.png'].map((f) => path.join(repo, 'tests/fixtures/images', f)),
];

/** The checkpoint exported to ONNX through `edgepack export`, cached in .cache/bench/preview by its hash. */
function exportOnnx(checkpoint: string, extra: string[]): string {
  const key = createHash('sha256').update(fs.readFileSync(checkpoint)).update(extra.join(' ')).digest('hex');
  const dir = path.join(repo, '.cache', 'bench', 'preview', key.slice(0, 16));
  const model = path.join(dir, 'model.onnx');
  if (fs.existsSync(model)) return model;
  const r = spawnSync(
    process.execPath,
    ['bin/edgepack.mjs', 'export', checkpoint, '--format', 'onnx', ...extra, '--out', dir, '--json'],
    { cwd: repo, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0 || !fs.existsSync(model))
    throw new Error(`export of ${checkpoint} failed:\n${r.stdout}\n${r.stderr}`);
  return model;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function measure(model: string) {
  // No output cache: every prediction decodes and runs the model again, as a new image would.
  const engine = new PreviewEngine({ answersFor: () => null, outputCacheBytes: 0 });
  const ready = (await engine.open(model)).ready!;
  // Configured as the preview's sessions are, so the ratio is the cost of everything around session.run.
  keepOnnxRuntimeTelemetryOff(); // as the app's sessions, which the engine above may not have opened yet
  const session = await ort.InferenceSession.create(model, PREVIEW_SESSION_OPTIONS);
  const predictor = await ultralyticsPredictor(model);
  const rows: {
    image: string;
    size: string;
    edgepack: number;
    raw: number;
    ultralytics: number;
    stages: Record<string, number>;
    theirStages: number[];
  }[] = [];
  for (const image of photos) {
    const decoded = await decodeImageBounded(fs.readFileSync(image));
    const prepared = prepareInput(decoded.image, ready.input);
    const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', prepared.tensor, prepared.dims) };
    await engine.predict(model, image);
    await session.run(feeds);
    await predictor.time(image);
    const e2e: number[] = [];
    const raw: number[] = [];
    const ultra: number[] = [];
    const theirStages: number[][] = [[], [], []];
    const stages: Record<string, number[]> = { decode: [], preprocess: [], inference: [], postprocess: [] };
    for (let i = 0; i < runs; i++) {
      let started = performance.now();
      const result = await engine.predict(model, image);
      e2e.push(performance.now() - started);
      for (const stage of Object.keys(stages))
        stages[stage]!.push(result.timings[stage as keyof typeof result.timings]);
      started = performance.now();
      await session.run(feeds);
      raw.push(performance.now() - started);
      const theirs = await predictor.time(image);
      ultra.push(theirs.wall);
      theirs.stages.forEach((ms, k) => theirStages[k]!.push(ms));
    }
    rows.push({
      image,
      size: `${decoded.sourceWidth}×${decoded.sourceHeight}`,
      edgepack: median(e2e),
      raw: median(raw),
      ultralytics: median(ultra),
      stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, median(v)])),
      theirStages: theirStages.map(median),
    });
  }
  predictor.close();
  await session.release();
  await engine.close();
  return rows;
}

/** A long-lived Python process answering one line per request (after printing "ready"). */
async function pythonWorker(script: string, args: string[], answer: RegExp) {
  const child = spawn(path.join(venv, 'bin', 'python'), [path.join(repo, 'scripts/bench', script), ...args], {
    cwd: repo,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const iterator = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) throw new Error(`${script} stopped:\n${stderr}`);
      const line = String(value).trim();
      // Ultralytics logs to stdout too; only "ready" and the answers are ours.
      if (line === 'ready' || answer.test(line)) return line;
    }
  };
  if ((await next()) !== 'ready') throw new Error(`${script} did not start`);
  return {
    async ask(request: string): Promise<string> {
      child.stdin.write(`${request}\n`);
      return next();
    },
    close: () => child.stdin.end(),
  };
}

/** cv2.imread, the predictor's own preprocess and Pillow's resize, timed in Python one call at a time. */
async function pythonReference(model: string) {
  const worker = await pythonWorker('preview_reference.py', [model], /^\d+(\.\d+)?$/);
  const time = async (request: object) => Number(await worker.ask(JSON.stringify(request)));
  return {
    decode: (image: string) => time({ op: 'decode', image }),
    preprocess: (image: string) => time({ op: 'pre', image }),
    resize: (image: string, size: [number, number]) => time({ op: 'resize', image, size }),
    close: worker.close,
  };
}

interface StageRow {
  image: string;
  size: string;
  decode: [number, number];
  preprocess: [number, number];
  /** Classifiers: the Pillow-exact resize alone, and its size. */
  resize?: [number, number];
  resizedTo?: string;
}

/**
 * Decoding and pre-processing, Edgepack's against Python's, alternating call by call on the same photos: Edgepack
 * reads the file and decodes it as the preview does and lays it out with prepareInput; Python runs cv2.imread and
 * the predictor's own preprocess; for a classifier, resizePilBilinear against Pillow's resize to the same size.
 */
async function measureStages(model: string, input: InputFacts): Promise<StageRow[]> {
  const reference = await pythonReference(model);
  const rows: StageRow[] = [];
  for (const image of photos) {
    const first = await decodeImageBounded(await readImageFile(image));
    const source = first.image;
    const crop =
      input.task === 'classify' ? centerCropTransform(source.width, source.height, input.imgsz) : null;
    const times: Record<string, number[]> = {
      decode: [],
      cv2: [],
      preprocess: [],
      theirs: [],
      resize: [],
      pillow: [],
    };
    for (let i = -1; i < runs; i++) {
      let started = performance.now();
      const decoded = await decodeImageBounded(await readImageFile(image));
      const decodeMs = performance.now() - started;
      const cv2Ms = await reference.decode(image);
      started = performance.now();
      prepareInput(decoded.image, input);
      const preMs = performance.now() - started;
      const theirPreMs = await reference.preprocess(image);
      let resizeMs = 0;
      let pillowMs = 0;
      if (crop) {
        started = performance.now();
        resizePilBilinear(decoded.image, crop.resizedWidth, crop.resizedHeight);
        resizeMs = performance.now() - started;
        pillowMs = await reference.resize(image, [crop.resizedWidth, crop.resizedHeight]);
      }
      if (i < 0) continue; // the warm-up
      times.decode!.push(decodeMs);
      times.cv2!.push(cv2Ms);
      times.preprocess!.push(preMs);
      times.theirs!.push(theirPreMs);
      times.resize!.push(resizeMs);
      times.pillow!.push(pillowMs);
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    rows.push({
      image,
      size: `${source.width}×${source.height}`,
      decode: [m.decode!, m.cv2!],
      preprocess: [m.preprocess!, m.theirs!],
      ...(crop
        ? { resize: [m.resize!, m.pillow!], resizedTo: `${crop.resizedWidth}×${crop.resizedHeight}` }
        : {}),
    });
  }
  reference.close();
  return rows;
}

function printStages(label: string, rows: StageRow[]): void {
  const pair = ([ours, theirs]: [number, number]) =>
    `${ours.toFixed(2)} / ${theirs.toFixed(2)} ms ${(ours / theirs).toFixed(2).padStart(5)}`;
  const classify = rows.some((r) => r.resize);
  console.log(`\n${label}: decode and pre-processing, Edgepack / Python, side by side`);
  console.log(
    `${'image'.padEnd(19)}${'size'.padEnd(11)}${'decode / cv2.imread'.padEnd(29)}${'pre-processing / Ultralytics'.padEnd(29)}${classify ? 'Pillow-exact resize / Pillow resize' : ''}`,
  );
  for (const row of rows) {
    console.log(
      `${path.basename(row.image).padEnd(19)}${row.size.padEnd(11)}${pair(row.decode).padEnd(29)}${pair(row.preprocess).padEnd(29)}${row.resize ? `${pair(row.resize)} (to ${row.resizedTo})` : ''}`,
    );
  }
  const ratio = (pick: (r: StageRow) => [number, number] | undefined) =>
    median(rows.filter(pick).map((r) => pick(r)![0] / pick(r)![1])).toFixed(2);
  console.log(
    `median ratios: decode / cv2.imread ${ratio((r) => r.decode)} (target ≤ 1.5), pre-processing / Ultralytics ${ratio((r) => r.preprocess)}${classify ? `, resize / Pillow ${ratio((r) => r.resize)} (target ≤ 1.5)` : ''}`,
  );
}

/** Ultralytics' predictor in a long-lived Python process, asked one image at a time. */
async function ultralyticsPredictor(
  model: string,
): Promise<{ time(image: string): Promise<{ wall: number; stages: number[] }>; close(): void }> {
  // Lines of four numbers: the wall time of predict and the predictor's three stage timings.
  const worker = await pythonWorker('preview_ultralytics.py', [model], /^\d+(\.\d+)?( \d+(\.\d+)?){3}$/);
  return {
    async time(image: string) {
      const [wall, ...stages] = (await worker.ask(image)).split(' ').map(Number);
      return { wall: wall!, stages };
    },
    close: worker.close,
  };
}

/** Peak RSS (MB) of `edgepack predict` over these inputs, from GNU time. */
function predictPeakMb(model: string, inputs: string[]): number {
  const stats = path.join(work, 'time.txt');
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', '-o', stats, process.execPath, 'bin/edgepack.mjs', 'predict', model, ...inputs, '--json'],
    {
      cwd: repo,
      env,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`edgepack predict failed (exit ${r.status}):\n${r.stderr}`);
  return Number(fs.readFileSync(stats, 'utf8').trim().split('\n').pop()) / 1024;
}

/** An untrained YOLO11n-cls from Ultralytics' yaml (no download), cached beside benchCheckpoint's detector. */
function classifierCheckpoint(): string {
  const file = path.join(repo, '.cache/bench/yolo11n-cls-untrained.pt');
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const code = `import torch; torch.manual_seed(0)\nfrom ultralytics import YOLO\nYOLO('yolo11n-cls.yaml').save(${JSON.stringify(file)})`;
  const r = spawnSync(path.join(venv, 'bin', 'python'), ['-c', code], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not build the classifier checkpoint:\n${r.stderr}`);
  return file;
}

const models = [
  {
    label: 'fixture detector (tests/fixtures/models/detect.pt) → ONNX 160 px',
    file: exportOnnx(path.join(repo, 'tests/fixtures/models/detect.pt'), []),
  },
  {
    label: 'YOLO11n, untrained (Ultralytics yaml) → ONNX 640 px',
    file: exportOnnx(benchCheckpoint(venv), ['--imgsz', '640']),
  },
  {
    label: 'fixture classifier (tests/fixtures/models/classify.pt) → ONNX 64 px',
    file: exportOnnx(path.join(repo, 'tests/fixtures/models/classify.pt'), []),
  },
  {
    label: 'YOLO11n-cls, untrained (Ultralytics yaml) → ONNX 224 px',
    file: exportOnnx(classifierCheckpoint(), ['--imgsz', '224']),
  },
];

console.log(
  `${runs} runs per image after a warm-up; medians; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`,
);
for (const model of models) {
  const engine = new PreviewEngine({ answersFor: () => null });
  const input = (await engine.open(model.file)).ready!.input;
  await engine.close();
  printStages(model.label, await measureStages(model.file, input));
}
if (values['stages-only']) {
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(0);
}

for (const model of models) {
  const rows = await measure(model.file);
  console.log(`\n${model.label}`);
  console.log(
    `${'image'.padEnd(19)}${'size'.padEnd(11)}${'edgepack'.padStart(10)}${'raw run'.padStart(10)}${'ratio'.padStart(7)}${'ultralytics'.padStart(13)}${'ratio'.padStart(7)}   edgepack stages (decode/pre/infer/post ms) · ultralytics (pre/infer/post)`,
  );
  for (const row of rows) {
    const s = row.stages;
    console.log(
      `${path.basename(row.image).padEnd(19)}${row.size.padEnd(11)}${`${row.edgepack.toFixed(1)} ms`.padStart(10)}${`${row.raw.toFixed(1)} ms`.padStart(10)}${(row.edgepack / row.raw).toFixed(2).padStart(7)}${`${row.ultralytics.toFixed(1)} ms`.padStart(13)}${(row.edgepack / row.ultralytics).toFixed(2).padStart(7)}   ${[s.decode, s.preprocess, s.inference, s.postprocess].map((v) => v!.toFixed(1)).join(' / ')} · ${row.theirStages.map((v) => v.toFixed(1)).join(' / ')}`,
    );
  }
  const toRaw = rows.map((r) => r.edgepack / r.raw);
  const toUltralytics = rows.map((r) => r.edgepack / r.ultralytics);
  console.log(
    `median ratios: Edgepack / raw session.run ${median(toRaw).toFixed(2)} (target ≤ 1.15), Edgepack / Ultralytics ${median(toUltralytics).toFixed(2)} (target ≤ 0.8)`,
  );
}

const folder = path.join(work, 'folder');
fs.mkdirSync(folder);
for (let i = 0; i < 200; i++)
  fs.copyFileSync(
    photos[i % photos.length]!,
    path.join(folder, `${String(i).padStart(3, '0')}-${path.basename(photos[i % photos.length]!)}`),
  );
const big = models[1]!.file;
console.log(
  `peak memory of edgepack predict (YOLO11n 640): 1 image ${predictPeakMb(big, [photos[0]!]).toFixed(0)} MB, folder of 200 images ${predictPeakMb(big, [folder]).toFixed(0)} MB`,
);
fs.rmSync(work, { recursive: true, force: true });
