/**
 * `npm run bench:preview [-- --runs N]`
 *
 * Per image over the sample photos, for two ONNX models exported by Edgepack's CLI (the fixture detector at 160 px
 * and an untrained full-size YOLO11n at 640 px):
 *   - Edgepack's preview end to end (read, decode, letterbox, inference on the worker thread, NMS) against a raw
 *     onnxruntime-node `session.run` on the same prepared tensor in this process (target ≤ 1.15);
 *   - Edgepack against Ultralytics' own predictor, `YOLO(model).predict(image)`, on the same ONNX (target ≤ 0.8),
 *     with both sides' stage timings (Ultralytics' from `results[0].speed`; its image read is outside them);
 * and the peak memory of `edgepack predict` over a folder of 200 images (against one image).
 * Medians of N runs after a warm-up; Edgepack, the raw run and Ultralytics take turns, so a busy machine slows all
 * three alike.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { PreviewEngine } from '../../electron/core/preview/engine';
import { decodeImageBounded } from '../../native-runtimes/typescript/decode-bounded';
import { prepareInput } from '../../native-runtimes/typescript/preprocess';
import { PREVIEW_SESSION_OPTIONS } from '../../native-runtimes/typescript/session-options';
import { benchCheckpoint, offlineEnv, toolchainEnvPath } from '../../tests/support/toolchain';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
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
  ...['bus.jpg', 'zidane.jpg'].map((f) => path.join(repo, 'native-runtimes/typescript/test-images', f)),
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

/** Ultralytics' predictor in a long-lived Python process, asked one image at a time. */
async function ultralyticsPredictor(
  model: string,
): Promise<{ time(image: string): Promise<{ wall: number; stages: number[] }>; close(): void }> {
  const child = spawn(
    path.join(venv, 'bin', 'python'),
    [path.join(repo, 'scripts/bench/preview_ultralytics.py'), model],
    {
      cwd: repo,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = readline.createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) throw new Error(`Ultralytics' predictor stopped:\n${stderr}`);
      const line = String(value).trim();
      // Ultralytics logs to stdout too; only "ready" and lines of four numbers are ours.
      if (line === 'ready' || /^\d+(\.\d+)?( \d+(\.\d+)?){3}$/.test(line)) return line;
    }
  };
  if ((await next()) !== 'ready') throw new Error('Ultralytics predictor did not start');
  return {
    async time(image: string) {
      child.stdin.write(`${image}\n`);
      const [wall, ...stages] = (await next()).split(' ').map(Number);
      return { wall: wall!, stages };
    },
    close: () => child.stdin.end(),
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

const models = [
  {
    label: 'fixture detector (tests/fixtures/models/detect.pt) → ONNX 160 px',
    file: exportOnnx(path.join(repo, 'tests/fixtures/models/detect.pt'), []),
  },
  {
    label: 'YOLO11n, untrained (Ultralytics yaml) → ONNX 640 px',
    file: exportOnnx(benchCheckpoint(venv), ['--imgsz', '640']),
  },
];

console.log(
  `${runs} runs per image after a warm-up; medians; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`,
);
for (const model of models) {
  const rows = await measure(model.file);
  console.log(`\n${model.label}`);
  console.log(
    `${'image'.padEnd(16)}${'size'.padEnd(11)}${'edgepack'.padStart(10)}${'raw run'.padStart(10)}${'ratio'.padStart(7)}${'ultralytics'.padStart(13)}${'ratio'.padStart(7)}   edgepack stages (decode/pre/infer/post ms) · ultralytics (pre/infer/post)`,
  );
  for (const row of rows) {
    const s = row.stages;
    console.log(
      `${path.basename(row.image).padEnd(16)}${row.size.padEnd(11)}${`${row.edgepack.toFixed(1)} ms`.padStart(10)}${`${row.raw.toFixed(1)} ms`.padStart(10)}${(row.edgepack / row.raw).toFixed(2).padStart(7)}${`${row.ultralytics.toFixed(1)} ms`.padStart(13)}${(row.edgepack / row.ultralytics).toFixed(2).padStart(7)}   ${[s.decode, s.preprocess, s.inference, s.postprocess].map((v) => v!.toFixed(1)).join(' / ')} · ${row.theirStages.map((v) => v.toFixed(1)).join(' / ')}`,
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
