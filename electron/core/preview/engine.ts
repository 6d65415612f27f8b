import fs from 'node:fs';
import path from 'node:path';
import { decodeImageBounded } from '../../../native-runtimes/typescript/decode-bounded';
import { inputTensor, outputTensor, type WireTensor } from '../../../native-runtimes/typescript/io-tensors';
import { postprocess, type RawOutputs } from '../../../native-runtimes/typescript/postprocess';
import { prepareInput } from '../../../native-runtimes/typescript/preprocess';
import type { PreviewNotice, PreviewOptions, PreviewResult, PreviewTimings } from '../../contract';
import { AppError } from '../errors';
import type { ModelAnswers } from './answers-repo';
import { InferenceWorker, type SessionOptions } from './inference-worker';
import { SizedLru } from './lru';
import { fileKey, openModelFile, type OpenedModel } from './model-facts';
import { SessionCache } from './sessions';

export interface PreviewEngineOptions {
  answersFor: (sha256: string) => ModelAnswers | null;
  /** Raw outputs kept for re-thresholding, in bytes (default 64 MB). */
  outputCacheBytes?: number;
  sessionIdleMs?: number;
  maxSessions?: number;
  sessionOptions?: SessionOptions;
}

interface CachedRun extends RawOutputs {
  format: string;
  notices: PreviewNotice[];
  /** The stages as measured when these outputs were computed, and when that began (performance.now()). */
  stages: ComputedStages;
  startedAt: number;
}

/** The stages that make the raw outputs: what a reused run did not repeat. */
type ComputedStages = Pick<PreviewTimings, 'decode' | 'preprocess' | 'load' | 'inference'>;

/** An image read, decoded and laid out as the model's input, waiting for its turn on the worker. */
interface PreparedImage {
  key: string;
  feed: WireTensor;
  transform: RawOutputs['transform'];
  sourceWidth: number;
  sourceHeight: number;
  format: string;
  notices: PreviewNotice[];
  decodeMs: number;
  preprocessMs: number;
}

/** How predict() runs: `keepOutputs` (see predict); `next`, the image that will be asked for next, if known. */
export interface PredictHow {
  keepOutputs?: boolean;
  next?: string;
}

/** Image files larger than this are not read (a 20 000 × 20 000 PNG of a photo is ~700 MB). */
const MAX_IMAGE_FILE_BYTES = 1024 * 1024 * 1024;

/**
 * Runs ONNX models on images the way Ultralytics' predictor does, timing each stage. Sessions are cached per model
 * file; raw outputs per (model, image), so new thresholds only re-run post-processing.
 */
export class PreviewEngine {
  readonly worker = new InferenceWorker();
  private readonly sessions: SessionCache;
  private readonly outputs: SizedLru<CachedRun>;
  private readonly inFlight = new Map<string, Promise<CachedRun>>();
  private readonly models = new Map<string, OpenedModel>();
  /** The next image of a folder run, read and prepared while the worker runs the current one. */
  private ahead: Promise<PreparedImage | null> | null = null;

  constructor(private readonly options: PreviewEngineOptions) {
    this.sessions = new SessionCache(this.worker, {
      idleMs: options.sessionIdleMs,
      maxSessions: options.maxSessions,
      sessionOptions: options.sessionOptions,
    });
    this.outputs = new SizedLru(options.outputCacheBytes ?? 64 * 1024 * 1024, (run) =>
      run.tensors.reduce((sum, t) => sum + t.data.byteLength, 0),
    );
  }

  /** Reads (or recalls) the model's facts; it may still need answers before it can run. */
  async open(modelPath: string): Promise<OpenedModel> {
    const resolved = path.resolve(modelPath);
    const stat = await fs.promises.stat(resolved).catch(() => null);
    const cached = stat ? this.models.get(resolved) : undefined;
    if (cached && stat && cached.key === fileKey(resolved, stat) && cached.needs.length === 0) return cached;
    const opened = await openModelFile(resolved, this.options.answersFor);
    this.models.set(resolved, opened);
    return opened;
  }

  /** Forgets what was read about a model, e.g. after answers were given for it. */
  forget(modelPath: string): void {
    this.models.delete(path.resolve(modelPath));
  }

  /**
   * `keepOutputs: false` (the CLI: every image once) skips the output cache, so a folder costs no more memory than
   * one image. `next` (folder runs) has the next image decoded and prepared while this one is inferred.
   */
  async predict(
    modelPath: string,
    imagePath: string,
    options: PreviewOptions = {},
    { keepOutputs = true, next }: PredictHow = {},
  ): Promise<PreviewResult> {
    const started = performance.now();
    const model = await this.open(modelPath);
    const openMs = performance.now() - started;
    const ready = model.ready;
    if (!ready) throw needsFacts(model);
    const image = path.resolve(imagePath);
    const key = `${model.key}::${imageKey(image)}`;
    let cached = this.outputs.get(key);
    const reused = cached !== undefined;
    const timings: PreviewTimings = { ...NO_TIME, open: openMs };
    let since = started;
    if (!cached) {
      let pending = this.inFlight.get(key);
      const joined = pending !== undefined;
      if (!pending) {
        pending = this.infer(model, image, next).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, pending);
      }
      cached = await pending;
      Object.assign(timings, cached.stages);
      if (joined) {
        // Another call's run (the folder run and the shown image ask at once): this call's own time is only what
        // came before that run began, and the total counts from whichever started first.
        timings.open = Math.max(0, Math.min(openMs, cached.startedAt - started));
        since = Math.min(started, cached.startedAt);
      }
      if (keepOutputs) this.outputs.set(key, cached);
    }
    const postStarted = performance.now();
    const result = postprocess(ready, cached, options);
    timings.postprocess = performance.now() - postStarted;
    timings.total = performance.now() - since;
    timings.other = Math.max(0, timings.total - stagesSum(timings));
    return {
      model: model.path,
      image: {
        path: image,
        name: path.basename(image),
        width: cached.sourceWidth,
        height: cached.sourceHeight,
        format: cached.format,
      },
      task: ready.info.task,
      predictions: result.predictions,
      mapping: result.mapping,
      timings,
      reused,
      firstRun: reused ? { ...timings, ...cached.stages } : null,
      options: result.options,
      notices: cached.notices,
    };
  }

  /** Releases the model's sessions and cached outputs now instead of when they go idle. */
  async release(modelPath: string): Promise<boolean> {
    const resolved = path.resolve(modelPath);
    this.outputs.deletePrefix(`${resolved}|`);
    this.models.delete(resolved);
    return this.sessions.releasePath(resolved);
  }

  /** Sessions loaded now (for tests and the benchmark). */
  loadedSessions(): string[] {
    return this.sessions.loaded();
  }

  async close(): Promise<void> {
    this.ahead = null;
    await this.sessions.close();
    await this.worker.close();
    this.outputs.clear();
  }

  private async infer(model: OpenedModel, image: string, next?: string): Promise<CachedRun> {
    const ready = model.ready!;
    const startedAt = performance.now();
    const input = await this.takePrepared(model, image);
    const stages: ComputedStages = {
      decode: input.decodeMs,
      preprocess: input.preprocessMs,
      load: 0,
      inference: 0,
    };
    if (next) {
      // Decoding overlaps the inference below; a failure there is reported when that image's turn comes.
      const ahead = this.prepare(model, path.resolve(next));
      this.ahead = ahead.catch(() => null);
    }
    const at = performance.now();
    const { outputs, loadMs } = await this.sessions.run(model.key, model.path, {
      [model.inputName]: input.feed,
    });
    stages.load = loadMs;
    const tensors = ready.outputNames.map((name) => {
      const tensor = outputs[name];
      if (!tensor)
        throw new AppError(
          'UNSUPPORTED_MODEL_OUTPUT',
          `The model gave no "${name}" output.`,
          'Export it again.',
        );
      return outputTensor(name, tensor);
    });
    stages.inference = performance.now() - at - loadMs;
    return {
      stages,
      startedAt,
      tensors,
      transform: input.transform,
      sourceWidth: input.sourceWidth,
      sourceHeight: input.sourceHeight,
      format: input.format,
      notices: input.notices,
    };
  }

  /** The image prepared ahead if it is this one (same model, same file version), else prepared now. */
  private async takePrepared(model: OpenedModel, image: string): Promise<PreparedImage> {
    const ahead = this.ahead ? await this.ahead : null;
    this.ahead = null;
    if (ahead && ahead.key === `${model.key}::${imageKey(image)}`) return ahead;
    return this.prepare(model, image);
  }

  private async prepare(model: OpenedModel, image: string): Promise<PreparedImage> {
    const key = `${model.key}::${imageKey(image)}`;
    let at = performance.now();
    const bytes = await readImageFile(image);
    const decoded = await decodeImageBounded(bytes);
    const notices: PreviewNotice[] = [];
    if (decoded.downscaled) {
      notices.push({
        code: 'IMAGE_DOWNSCALED',
        message: `The image is ${decoded.sourceWidth}×${decoded.sourceHeight}; it was shrunk to ${decoded.downscaled.width}×${decoded.downscaled.height} while reading, to keep memory bounded. Boxes are in the original's pixels.`,
      });
    }
    const decodeMs = performance.now() - at;
    at = performance.now();
    const prepared = prepareInput(decoded.image, model.ready!.input);
    const feed = inputTensor(prepared.tensor, [...prepared.dims], model.inputType);
    return {
      key,
      feed,
      transform: prepared.transform,
      sourceWidth: decoded.sourceWidth,
      sourceHeight: decoded.sourceHeight,
      format: decoded.image.format,
      notices,
      decodeMs,
      preprocessMs: performance.now() - at,
    };
  }
}

const NO_TIME: PreviewTimings = {
  open: 0,
  load: 0,
  decode: 0,
  preprocess: 0,
  inference: 0,
  postprocess: 0,
  other: 0,
  total: 0,
};

/** Every named stage (what `other` is the rest of). */
function stagesSum(t: PreviewTimings): number {
  return t.open + t.load + t.decode + t.preprocess + t.inference + t.postprocess;
}

function imageKey(image: string): string {
  try {
    return fileKey(image, fs.statSync(image));
  } catch {
    return image;
  }
}

/**
 * Files up to this size are read on the calling thread: a photo takes well under a millisecond to read, less than
 * the round trips to the thread pool (stat, open, read, close) cost on a busy machine.
 */
const SYNC_READ_BYTES = 16 * 1024 * 1024;

/** The image file's bytes, or a clear error when it is missing, a folder or too large. */
export async function readImageFile(image: string): Promise<Uint8Array> {
  let stat: fs.Stats | null;
  try {
    stat = fs.statSync(image);
  } catch {
    stat = null;
  }
  if (!stat) {
    throw new AppError(
      'IMAGE_NOT_FOUND',
      `No image at ${image}.`,
      'Check the path; it may have been moved or deleted.',
    );
  }
  if (stat.isDirectory()) {
    throw new AppError(
      'IMAGE_IS_FOLDER',
      `${image} is a folder.`,
      'Drop the folder on the playground (or give it to `edgepack predict`) to run every image in it.',
    );
  }
  if (stat.size > MAX_IMAGE_FILE_BYTES) {
    throw new AppError(
      'IMAGE_TOO_LARGE',
      `${path.basename(image)} is ${(stat.size / 1024 ** 3).toFixed(1)} GB, more than the preview reads (1 GB).`,
      'Resize or re-compress it first.',
    );
  }
  return stat.size <= SYNC_READ_BYTES ? fs.readFileSync(image) : fs.promises.readFile(image);
}

export function needsFacts(model: OpenedModel): AppError {
  const words = { task: 'its task', names: 'its class names', imgsz: 'its input size' } as const;
  return new AppError(
    'MODEL_FACTS_NEEDED',
    `${model.name} does not say ${model.needs.map((n) => words[n]).join(', ')}; the preview needs them to run it.`,
    'Answer the questions in the playground, or pass --task, --names and --imgsz to `edgepack predict` (remembered for this file).',
  );
}
