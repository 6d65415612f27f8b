import fs from 'node:fs';
import path from 'node:path';
import {
  trainerValidationSchema,
  type AppErrorShape,
  type ExportsValidateRequest,
  type ExportValidation,
} from '../../contract';
import { USABLE_STATUSES, type ValidationsRepo } from '../db';
import { AppError } from '../errors';
import type { EventHub } from '../events';
import type { ExportsService } from './service';
import type { ModelsRepo } from '../db';
import type { DataPaths } from '../paths';
import { trustedArgs, trustedAtAdd } from '../models/trust';
import { startTrainer, type Toolchain, type TrainerExit, type TrainerProcess } from '../toolchain';
import { removeQuietly } from './artifacts';
import { failureFor } from './reasons';

export interface ValidationDeps {
  exports: ExportsService;
  models: ModelsRepo;
  validations: ValidationsRepo;
  paths: DataPaths;
  toolchain: Toolchain;
  events: EventHub;
}

/** Trainer arguments that add accuracy on a dataset to a job (`--validate-data`, and the names the person accepted). */
export function validationArgs(data: string, acceptNames: boolean | undefined): string[] {
  return ['--validate-data', path.resolve(data), ...(acceptNames ? ['--accept-names'] : [])];
}

export function datasetNotFound(data: string): AppError {
  return new AppError(
    'DATASET_NOT_FOUND',
    `The dataset ${path.resolve(data)} does not exist.`,
    'Give a data.yaml, or a folder with images/ and labels/ (class sub-folders for classification).',
  );
}

/** The validation summary of a trainer's result, when it holds one. */
export function validationOf(exit: TrainerExit) {
  const parsed = trainerValidationSchema.safeParse(
    (exit.result as { validation?: unknown } | null)?.validation,
  );
  return parsed.success ? parsed.data : null;
}

/**
 * Accuracy of an existing export on a labelled dataset: the trainer validates the checkpoint and every runnable
 * format with Ultralytics' own validator, writes the figures into metadata.json, and the run is stored with the
 * export. Cancelling keeps the figures measured so far (status `partial`).
 */
export class ValidationService {
  private readonly running = new Map<string, TrainerProcess>();

  constructor(private readonly deps: ValidationDeps) {}

  list(exportId: string): ExportValidation[] {
    this.deps.exports.get(exportId);
    return this.deps.validations.list(exportId);
  }

  async validate(request: ExportsValidateRequest): Promise<ExportValidation> {
    const { exports, models, toolchain, paths, events } = this.deps;
    const job = exports.get(request.id);
    if (!USABLE_STATUSES.includes(job.status) || !job.outputDir || !fs.existsSync(job.outputDir)) {
      throw new AppError(
        'EXPORT_HAS_NO_FILES',
        `Export v${job.version} has no model files to validate (${job.status}).`,
        'Validate a completed (or partial) export.',
      );
    }
    if (this.running.has(job.id)) {
      throw new AppError(
        'VALIDATION_RUNNING',
        `Export v${job.version} is being validated already.`,
        'Wait for it to finish, or cancel it first.',
      );
    }
    const data = path.resolve(request.data);
    if (!fs.existsSync(data)) throw datasetNotFound(data);
    const model = models.get(job.modelId);
    const trusted = model ? trustedAtAdd(model) : false;
    const workDir = paths.scratch(`validate-${job.id}`);
    fs.mkdirSync(workDir, { recursive: true });
    const trainer = startTrainer({
      python: toolchain.assertReady().python,
      script: toolchain.trainerScript(),
      args: [
        '--log-level',
        'INFO',
        '--validate-export',
        job.outputDir,
        '--checkpoint-path',
        job.checkpointPath,
        ...validationArgs(data, request.acceptNames),
        ...(request.formats ? ['--validate-formats', request.formats.join(',')] : []),
        ...(trusted ? trustedArgs(workDir) : []),
      ],
      ...(trusted ? { sandbox: { writable: [job.outputDir, workDir] } } : {}),
      env: toolchain.trainerEnv({ EXPORT_JOB_ID: job.id }),
      cwd: workDir,
      onEvent: (event) => {
        if (event.event === 'progress')
          events.emit('exports:validationProgress', {
            exportId: job.id,
            stage: event.stage,
            fraction: event.fraction,
          });
      },
    });
    this.running.set(job.id, trainer);
    let exit: TrainerExit;
    try {
      exit = await trainer.exited;
    } finally {
      this.running.delete(job.id);
      removeQuietly(workDir);
    }
    const summary = validationOf(exit);
    if (summary) return this.deps.validations.add(job.id, data, summary);
    const error: AppErrorShape = exit.cancelled
      ? { code: 'VALIDATION_CANCELLED', message: 'The validation was cancelled before any figure.', hint: '' }
      : failureFor(exit);
    this.deps.validations.add(job.id, data, error);
    throw new AppError(error.code, error.message, error.hint);
  }

  /** Stops a running validation; it ends `partial`, with the figures measured so far. */
  async cancel(exportId: string): Promise<{ cancelled: boolean }> {
    const trainer = this.running.get(exportId);
    if (!trainer) return { cancelled: false };
    await trainer.cancel(60_000); // the trainer stops at the end of its batch and writes what it measured
    return { cancelled: true };
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.cancel(id)));
  }
}
