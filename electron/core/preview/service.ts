import { loadSharp } from '../../../native-runtimes/typescript/sharp';
import type {
  PreviewBatchStarted,
  PreviewModel,
  PreviewOptions,
  PreviewResult,
  previewDescribeRequest,
} from '../../contract';
import type { z } from 'zod';
import type { Db } from '../db';
import { AppError } from '../errors';
import type { EventHub } from '../events';
import { ModelAnswersRepo, type ModelAnswers } from './answers-repo';
import { BatchRunner } from './batch';
import { PreviewEngine, type PredictHow, type PreviewEngineOptions } from './engine';
import { toPreviewModel } from './model-facts';

const FACT_WORDS = { task: 'its task', names: 'its class names', imgsz: 'its input size' } as const;

export interface PreviewServiceDeps {
  db: Db;
  events: EventHub;
  engine?: Omit<PreviewEngineOptions, 'answersFor'>;
}

/** The contract's preview:* channels over the engine, the batch runner and the remembered answers. */
export class PreviewService {
  readonly engine: PreviewEngine;
  readonly batches: BatchRunner;
  private readonly answers: ModelAnswersRepo;

  constructor(deps: PreviewServiceDeps) {
    this.answers = new ModelAnswersRepo(deps.db);
    this.engine = new PreviewEngine({ ...deps.engine, answersFor: (sha) => this.answers.get(sha) });
    this.batches = new BatchRunner(this.engine, deps.events);
  }

  async open(path: string): Promise<PreviewModel> {
    return toPreviewModel(await this.engine.open(path));
  }

  /** Remembers what a person said about a model that does not say it itself, and opens it with that. */
  async describe(request: z.output<typeof previewDescribeRequest>): Promise<PreviewModel> {
    const model = await this.engine.open(request.path);
    const answers: ModelAnswers = {};
    if (request.task) answers.task = request.task;
    const names = request.names?.map((n) => n.trim()).filter(Boolean);
    if (names && names.length > 0) answers.names = names;
    if (request.imgsz) answers.imgsz = [request.imgsz[0]!, request.imgsz[1] ?? request.imgsz[0]!];
    const unanswered = model.needs.filter((fact) => answers[fact] === undefined);
    if (unanswered.length > 0) {
      throw new AppError(
        'INVALID_ANSWER',
        `${model.name} still needs ${unanswered.map((f) => FACT_WORDS[f]).join(', ')}.`,
        'Give every fact the model does not say (class names: one per class, in class-id order).',
      );
    }
    this.answers.save(model.sha256, answers);
    this.engine.forget(request.path);
    return this.open(request.path);
  }

  async predict(
    model: string,
    image: string,
    options: PreviewOptions,
    how?: PredictHow,
  ): Promise<PreviewResult> {
    // Every image once (the CLI over a folder): libvips' operation cache would only hold on to decoded pixels.
    if (how?.keepOutputs === false) (await loadSharp()).cache(false);
    return this.engine.predict(model, image, options, how);
  }

  batch(model: string, inputs: string[], options: PreviewOptions): Promise<PreviewBatchStarted> {
    return this.batches.start(model, inputs, options);
  }

  cancel(runId: string): { cancelled: boolean } {
    return this.batches.cancel(runId);
  }

  async release(model: string): Promise<{ released: boolean }> {
    return { released: await this.engine.release(model) };
  }

  async close(): Promise<void> {
    await this.batches.close();
    await this.engine.close();
  }
}
