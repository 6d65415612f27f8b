import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import {
  firstUseEnvironments,
  type AppErrorShape,
  type ExportJob,
  type ExportConfig,
  type ExportFormat,
  type OptimizationConfig,
} from '../../contract';
import {
  ACTIVE_STATUSES,
  exportNotFound,
  type ExportJobRow,
  type ExportJobsRepo,
  type ModelsRepo,
} from '../db';
import { AppError } from '../errors';
import type { EventHub } from '../events';
import { modelNotFound } from '../models/service';
import type { DataPaths } from '../paths';
import { trustedArgs, trustedAtAdd, trustNotice } from '../models/trust';
import { startTrainer, type Toolchain, type TrainerExit, type TrainerProcess } from '../toolchain';
import { groupBelongsToJob, processStartToken, terminateGroup } from '../toolchain/processes';
import { logLineFor } from '../toolchain/protocol';
import { moveIntoPlace, removeQuietly } from './artifacts';
import { JobLog } from './job-log';
import { APP_CLOSED, CANCELLED } from './reasons';
import { ownerIsGone, reconcileJobs } from './reconcile';
import { outcomeOf } from './outcome';

export interface ExportsDeps {
  jobs: ExportJobsRepo;
  models: ModelsRepo;
  paths: DataPaths;
  toolchain: Toolchain;
  events: EventHub;
}

export interface CreateExport {
  modelId: string;
  formats: ExportFormat[];
  exportConfig: ExportConfig;
  optimizationConfig: OptimizationConfig;
  versionTag?: string | undefined;
  trustUnsafe?: boolean | undefined;
}

interface Run {
  trainer: TrainerProcess;
  log: JobLog;
  finished: Promise<ExportJob>;
  cancelReason: AppErrorShape | null;
}

const PROGRESS_WRITE_MS = 500;

/** Export jobs: versioned per model, run by the trainer in a staging folder, moved into place when complete. */
export class ExportsService {
  private readonly runs = new Map<string, Run>();
  private readonly ownerStarted = processStartToken(process.pid);

  constructor(private readonly deps: ExportsDeps) {}

  async create(request: CreateExport): Promise<ExportJob> {
    const { jobs, models, toolchain } = this.deps;
    const model = models.get(request.modelId);
    if (!model) throw modelNotFound(request.modelId);
    if (model.framework !== 'ultralytics') {
      throw new AppError(
        'EXPORT_UNSUPPORTED',
        `${model.name} is already an ONNX model; Edgepack exports Ultralytics checkpoints.`,
        'Use the ONNX file as it is (preview, packages), or add the .pt checkpoint it came from to export it.',
      );
    }
    if (!fs.existsSync(model.storedPath)) {
      throw new AppError(
        'MODEL_FILE_MISSING',
        `The stored copy of ${model.name} is missing (${model.storedPath}).`,
        'Remove the model and add the checkpoint again.',
      );
    }
    const calibDir = request.optimizationConfig.calibDir;
    if (calibDir && !fs.statSync(calibDir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new AppError(
        'CALIB_DIR_NOT_FOUND',
        `The calibration folder ${calibDir} does not exist.`,
        'Point --calib at a folder of representative images (a few hundred from your own data is best).',
      );
    }
    const location = toolchain.assertReady();
    // A converter in its own environment (the formats table says which: TFLite's) installs on first use, with
    // progress on toolchain:progress; the trainer gets that environment's interpreter in its variable.
    const extraEnv: Record<string, string> = {};
    for (const environment of firstUseEnvironments(request.formats)) {
      extraEnv[environment.pythonVariable] = await toolchain.ensureEnvironment(environment.name);
    }
    await this.reconcile();

    const row = jobs.create({
      id: randomUUID(),
      modelId: model.id,
      formats: request.formats,
      checkpointPath: model.storedPath,
      checkpointSha256: model.sha256,
      exportConfig: request.exportConfig,
      optimizationConfig: request.optimizationConfig,
      versionTag: request.versionTag ?? null,
      ownerPid: process.pid,
      ownerStarted: this.ownerStarted,
    });
    this.start(row, location.python, extraEnv, request.trustUnsafe === true || trustedAtAdd(model));
    return this.get(row.id);
  }

  private start(
    row: ExportJobRow,
    python: string,
    extraEnv: Record<string, string>,
    trustUnsafe: boolean,
  ): void {
    const { jobs, paths, toolchain, events } = this.deps;
    const staging = paths.staging(row.id);
    const workDir = paths.scratch(`export-${row.id}`);
    fs.mkdirSync(staging, { recursive: true });
    fs.mkdirSync(workDir, { recursive: true });
    const formats = JSON.parse(row.formats) as string[];
    const log = new JobLog(row.id, jobs, '', (line) => events.emit('exports:log', { jobId: row.id, line }));
    let lastProgressWrite = 0;
    let lastStage = '';

    const trainer = startTrainer({
      python,
      script: toolchain.trainerScript(),
      args: ['--log-level', 'INFO', ...(trustUnsafe ? trustedArgs(workDir) : [])],
      ...(trustUnsafe ? { sandbox: { writable: [staging, workDir] } } : {}),
      env: toolchain.trainerEnv({
        ...extraEnv,
        EXPORT_JOB_ID: row.id,
        EXPORT_FORMAT: formats.join(','),
        CHECKPOINT_PATH: row.checkpoint_path,
        EXPORT_CONFIG: row.export_config,
        OPTIMIZATION_CONFIG: row.optimization_config,
        OUTPUT_DIR: staging,
      }),
      cwd: workDir,
      onLine: (parsed) => log.append(logLineFor(parsed)),
      onEvent: (event) => {
        if (event.event !== 'progress') return;
        const fraction = Math.min(1, Math.max(0, event.fraction));
        events.emit('exports:progress', { jobId: row.id, stage: event.stage, fraction });
        const now = Date.now();
        // A new stage is always recorded; fractions within a stage at most every PROGRESS_WRITE_MS.
        if (event.stage !== lastStage || now - lastProgressWrite >= PROGRESS_WRITE_MS) {
          lastProgressWrite = now;
          lastStage = event.stage;
          jobs.update(row.id, { progress_stage: event.stage, progress_fraction: fraction });
        }
      },
    });
    log.append(`Export v${row.version} of ${formats.join(', ')} started (trainer pid ${trainer.pid}).`);
    if (trustUnsafe) log.append(trustNotice(trainer.sandboxed));
    jobs.update(row.id, {
      status: 'running',
      pid: trainer.pid > 0 ? trainer.pid : null,
      pgid: trainer.pgid > 0 ? trainer.pgid : null,
      started_at: new Date().toISOString(),
      progress_stage: 'starting',
      progress_fraction: 0,
    });
    const run: Run = {
      trainer,
      log,
      cancelReason: null,
      finished: Promise.resolve(null as unknown as ExportJob),
    };
    run.finished = trainer.exited
      .then((exit) => this.finalize(row, run, exit, staging))
      .catch((error: unknown) => this.finalizeBroken(row, run, error, staging))
      .finally(() => {
        removeQuietly(workDir);
        this.runs.delete(row.id);
      })
      .then(() => {
        const job = this.get(row.id);
        events.emit('exports:updated', job);
        return job;
      });
    this.runs.set(row.id, run);
    events.emit('exports:updated', this.get(row.id));
  }

  private finalize(row: ExportJobRow, run: Run, exit: TrainerExit, staging: string): void {
    const { jobs, paths } = this.deps;
    const final = paths.exportDir(row.model_id, row.version);
    const current = jobs.getRow(row.id);
    const endedElsewhere = !current || !ACTIVE_STATUSES.includes(current.status);
    const cancelled = Boolean(run.cancelReason) || endedElsewhere;
    const outcome = outcomeOf(exit, cancelled, JSON.parse(row.formats) as string[], staging, final);

    if (outcome.kind !== 'produced') {
      removeQuietly(staging);
      if (outcome.kind === 'cancelled') {
        run.log.append('The export was cancelled; its files were removed.');
        run.log.flush();
        jobs.finish(row.id, {
          status: 'cancelled',
          error: run.cancelReason ?? CANCELLED,
          progress_stage: 'cancelled',
        });
      } else {
        run.log.append(`Export failed: ${outcome.error.code}: ${outcome.error.message}`);
        run.log.flush();
        jobs.finish(row.id, {
          status: 'failed',
          error: outcome.error,
          format_results: outcome.results,
          progress_stage: 'failed',
        });
      }
      return;
    }

    const { results, status } = outcome;
    const withFiles = results.filter((r) => r.path);
    moveIntoPlace(staging, final);
    run.log.append(`Export ${status}: ${results.map((r) => `${r.format} ${r.status}`).join(', ')}.`);
    run.log.flush();
    const finished = jobs.finish(row.id, {
      status,
      format_results: results,
      error: outcome.error,
      output_dir: final,
      exported_model_path: withFiles[0]?.path ?? null,
      metadata_path:
        outcome.metadataPath && fs.existsSync(outcome.metadataPath) ? outcome.metadataPath : null,
      model_size_bytes: withFiles.length ? withFiles.reduce((sum, r) => sum + (r.bytes ?? 0), 0) : null,
      validation_metrics: Object.fromEntries(results.map((r) => [r.format, r.parity])),
      optimization_stats: outcome.optimizationStats,
      progress_stage: 'done',
      progress_fraction: 1,
    });
    // Cancelled from another process in the last moment: its files go with it.
    if (!finished) removeQuietly(final);
  }

  private finalizeBroken(row: ExportJobRow, run: Run, error: unknown, staging: string): void {
    removeQuietly(staging);
    run.log.append(`Edgepack could not finish the export: ${(error as Error).message}`);
    run.log.flush();
    this.deps.jobs.finish(row.id, {
      status: 'failed',
      error: {
        code: 'EXPORT_FINALIZE_FAILED',
        message: `The export ran but its files could not be moved into place: ${(error as Error).message}`,
        hint: 'Check the free disk space and that the data folder is writable, then export again.',
      },
    });
  }

  list(modelId?: string): ExportJob[] {
    return this.deps.jobs.list(modelId);
  }

  get(id: string): ExportJob {
    const job = this.deps.jobs.get(id);
    if (!job) throw exportNotFound(id);
    return job;
  }

  /** The metadata.json written beside the export's files, when it has one. */
  metadataPath(id: string): string | null {
    const row = this.deps.jobs.getRow(id);
    if (!row) throw exportNotFound(id);
    return row.metadata_path;
  }

  log(id: string): string[] {
    const run = this.runs.get(id);
    if (run) return run.log.all();
    const row = this.deps.jobs.getRow(id);
    if (!row) throw exportNotFound(id);
    return row.log ? row.log.split('\n') : [];
  }

  /** Resolves when the job has ended (immediately when it already has). */
  async waitFor(id: string): Promise<ExportJob> {
    const run = this.runs.get(id);
    return run ? run.finished : this.get(id);
  }

  /** Stops the trainer's whole process group and marks the job cancelled; a finished job is returned as it is. */
  async cancel(id: string, reason: AppErrorShape = CANCELLED): Promise<ExportJob> {
    const run = this.runs.get(id);
    if (run) {
      run.cancelReason = reason;
      await run.trainer.cancel();
      return run.finished;
    }
    const row = this.deps.jobs.getRow(id);
    if (!row) throw exportNotFound(id);
    if (!ACTIVE_STATUSES.includes(row.status)) return this.get(id);
    // Run by another process (or left by a dead one): mark it first so its owner keeps "cancelled".
    this.deps.jobs.finish(id, { status: 'cancelled', error: reason, progress_stage: 'cancelled' });
    if (row.pgid !== null && groupBelongsToJob(row.pgid, id)) await terminateGroup(row.pgid);
    if (ownerIsGone(row, new Set(this.runs.keys()))) removeQuietly(this.deps.paths.staging(id));
    const job = this.get(id);
    this.deps.events.emit('exports:updated', job);
    return job;
  }

  setDefault(id: string): ExportJob {
    const job = this.deps.jobs.setDefault(id);
    this.deps.events.emit('exports:updated', job);
    return job;
  }

  /** Deletes the job and its files; the newest completed export becomes the default if this one was. */
  delete(id: string): { deleted: true } {
    const row = this.deps.jobs.getRow(id);
    if (!row) throw exportNotFound(id);
    if (ACTIVE_STATUSES.includes(row.status)) {
      throw new AppError(
        'EXPORT_RUNNING',
        `Export v${row.version} is still running; it cannot be deleted now.`,
        'Cancel it first, then delete it.',
      );
    }
    const { promoted } = this.deps.jobs.delete(id);
    fs.rmSync(row.output_dir ?? this.deps.paths.exportDir(row.model_id, row.version), {
      recursive: true,
      force: true,
    });
    if (promoted) this.deps.events.emit('exports:updated', this.get(promoted));
    return { deleted: true };
  }

  reveal(id: string): { path: string } {
    const job = this.get(id);
    if (!job.outputDir || !fs.existsSync(job.outputDir)) {
      throw new AppError(
        'EXPORT_HAS_NO_FILES',
        `Export v${job.version} has no files on disk (${job.status}).`,
        job.status === 'completed' || job.status === 'partial'
          ? 'Its folder was removed outside Edgepack; export again.'
          : 'Only completed (or partial) exports have files.',
      );
    }
    return { path: job.outputDir };
  }

  reconcile(): Promise<string[]> {
    return reconcileJobs({
      jobs: this.deps.jobs,
      paths: this.deps.paths,
      ownRuns: new Set(this.runs.keys()),
    });
  }

  /** Cancels this process's running exports (nothing is left running or `running`). */
  async close(): Promise<void> {
    await Promise.all([...this.runs.keys()].map((id) => this.cancel(id, APP_CLOSED).catch(() => undefined)));
  }
}
