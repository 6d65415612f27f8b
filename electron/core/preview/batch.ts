import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { PreviewBatchStarted, PreviewFinished, PreviewItem, PreviewOptions } from '../../contract';
import { AppError, toAppError } from '../errors';
import type { EventHub } from '../events';
import type { PreviewEngine } from './engine';
import { needsFacts } from './engine';
import { expandInputs } from './inputs';

interface Run {
  cancelled: boolean;
  done: Promise<void>;
}

/**
 * Many images (or folders of them) through one model, one at a time, with an event per image and progress;
 * cancellable. Nothing per image is kept here, so memory stays flat however many images there are.
 */
export class BatchRunner {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly engine: PreviewEngine,
    private readonly events: EventHub,
  ) {}

  async start(
    model: string,
    inputs: readonly string[],
    options: PreviewOptions,
  ): Promise<PreviewBatchStarted> {
    const opened = await this.engine.open(model);
    if (!opened.ready) throw needsFacts(opened);
    const { files, skipped } = expandInputs(inputs);
    if (files.length === 0) {
      throw new AppError(
        'NO_IMAGES',
        skipped > 0
          ? `None of the ${skipped} files given is an image.`
          : 'There are no images in what was given.',
        'Drop JPEG, PNG, WebP, GIF, TIFF or AVIF images, or a folder holding some.',
      );
    }
    const runId = randomUUID();
    const run: Run = { cancelled: false, done: Promise.resolve() };
    run.done = this.process(runId, run, model, files, options);
    this.runs.set(runId, run);
    return { runId, total: files.length, skipped };
  }

  cancel(runId: string): { cancelled: boolean } {
    const run = this.runs.get(runId);
    if (!run) return { cancelled: false };
    run.cancelled = true;
    return { cancelled: true };
  }

  /** Waits for a run to finish (tests, CLI). */
  async wait(runId: string): Promise<void> {
    await this.runs.get(runId)?.done;
  }

  async close(): Promise<void> {
    const all = [...this.runs.values()];
    for (const run of all) run.cancelled = true;
    await Promise.all(all.map((run) => run.done));
  }

  private async process(
    runId: string,
    run: Run,
    model: string,
    files: string[],
    options: PreviewOptions,
  ): Promise<void> {
    const started = performance.now();
    let done = 0;
    let failed = 0;
    let fatal: PreviewFinished['error'] = null;
    // Let start() hand back the run id before the first event can arrive.
    await new Promise((resolve) => setImmediate(resolve));
    for (let index = 0; index < files.length && !run.cancelled; index++) {
      const file = files[index]!;
      const item: PreviewItem = {
        runId,
        index,
        path: file,
        name: path.basename(file),
        summary: null,
        error: null,
      };
      try {
        const result = await this.engine.predict(model, file, options, { next: files[index + 1] });
        item.summary = {
          count: result.predictions.length,
          top: result.task === 'classify' ? result.predictions.slice(0, 1) : [],
          totalMs: result.timings.total,
          reused: result.reused,
        };
      } catch (error) {
        const e = toAppError(error);
        item.error = { code: e.code, message: e.message, hint: e.hint };
        failed++;
        // A model that cannot run fails every image the same way: stop instead of repeating it.
        if (['MODEL_LOAD_FAILED', 'MODEL_FILE_NOT_FOUND', 'PREVIEW_CLOSED'].includes(e.code))
          fatal = item.error;
      }
      done++;
      this.events.emit('preview:item', item);
      this.events.emit('preview:progress', { runId, done, failed, total: files.length });
      if (fatal) break;
    }
    this.runs.delete(runId);
    this.events.emit('preview:finished', {
      runId,
      done,
      failed,
      total: files.length,
      status: fatal ? 'failed' : run.cancelled ? 'cancelled' : 'completed',
      elapsedMs: performance.now() - started,
      error: fatal,
    });
  }
}
