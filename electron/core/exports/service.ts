import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import {
  firstUseEnvironments,
  type AppErrorShape,
  type ExportJob,
  type ExportConfig,
  type ExportFile,
  type ExportFormat,
  type OptimizationConfig,
} from '../../contract';
import {
  ACTIVE_STATUSES,
  exportNotFound,
  type ExportJobRow,
  type ExportJobsRepo,
  type ModelsRepo,
  type ValidationsRepo,
} from '../db';
import { onFullDisk } from '../db/open';
import { AppError, diskFull, toAppError } from '../errors';
import type { EventHub } from '../events';
import { modelNotFound } from '../models/service';
import type { DataPaths } from '../paths';
import { trustedArgs, trustedAtAdd, trustNotice } from '../models/trust';
import { startTrainer, type Toolchain, type TrainerExit, type TrainerProcess } from '../toolchain';
import { toPython } from '../toolchain/names';
import { groupBelongsToJob, processStartToken, terminateGroup } from '../toolchain/processes';
import { logLineFor, type ParsedLine, type TrainerEvent } from '../toolchain/protocol';
import { moveIntoPlace, removeQuietly } from './artifacts';
import { JobLog } from './job-log';
import { keepOnnxAsIs } from './onnx-as-is';
import { APP_CLOSED, CANCELLED } from './reasons';
import { ownerIsGone, reconcileJobs } from './reconcile';
import { outcomeOf, type Outcome } from './outcome';
import { relocateInLine } from './results';
import type { PreparedRemote, RemoteRunner } from '../remote/parts';
import { startRemoteTrainer, type RemoteTrainerProcess } from '../remote/remote-trainer';
import { refuseRemoteOptions, REMOTE_DEFAULTS } from './remote-options';
import { datasetNotFound, validationArgs, validationOf } from './validation';

export interface ExportsDeps {
  jobs: ExportJobsRepo;
  models: ModelsRepo;
  validations: ValidationsRepo;
  paths: DataPaths;
  toolchain: Toolchain;
  events: EventHub;
  /** Runs before a finished export's row is deleted (its packages' files go then). */
  beforeDelete?: (job: ExportJob) => void;
  /** Remote targets (Kubernetes): `CreateExport.on` runs there. Absent: exports run on this computer only. */
  remote?: RemoteRunner;
}

export interface CreateExport {
  modelId: string;
  formats: ExportFormat[];
  exportConfig: ExportConfig;
  optimizationConfig: OptimizationConfig;
  versionTag?: string | undefined;
  trustUnsafe?: boolean | undefined;
  /** Measure accuracy on this labelled dataset in the same job (see validation.ts). */
  validationData?: string | undefined;
  acceptNames?: boolean | undefined;
  /** The remote target (by name) to run on instead of this computer. */
  on?: string | undefined;
}

/** How a run's trainer starts: the local toolchain, or a Job on a remote target. */
type Launch =
  | {
      kind: 'local';
      python: string;
      extraEnv: Record<string, string>;
      trusted: boolean;
      validation: string[];
    }
  | { kind: 'remote'; remote: PreparedRemote; resume?: { platformId: string } };

interface Run {
  trainer: TrainerProcess;
  /** A remote run, which can be let go (detach) when this process closes. */
  remote: RemoteTrainerProcess | null;
  log: JobLog;
  finished: Promise<ExportJob>;
  cancelReason: AppErrorShape | null;
  /** Why Edgepack itself stopped the run: its database could not be written (a full disk, most often). */
  failure: AppErrorShape | null;
}

const PROGRESS_WRITE_MS = 500;

/** Export jobs: versioned per model, run by the trainer in a staging folder, moved into place when complete. */
export class ExportsService {
  private readonly runs = new Map<string, Run>();
  private readonly ownerStarted = processStartToken(process.pid);

  constructor(private readonly deps: ExportsDeps) {}

  async create(request: CreateExport): Promise<ExportJob> {
    const { jobs, models } = this.deps;
    const model = models.get(request.modelId);
    if (!model) throw modelNotFound(request.modelId);
    if (model.framework === 'onnx' && request.on) {
      throw new AppError(
        'REMOTE_OPTION_UNSUPPORTED',
        `${model.name} is an ONNX model: it is kept as it is, so there is nothing to run on ${request.on}.`,
        'Export it without --on.',
      );
    }
    if (model.framework === 'onnx') {
      const id = this.recording(() => keepOnnxAsIs(this.deps, model, request));
      const job = this.get(id);
      this.deps.events.emit('exports:updated', job);
      return job;
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
    if (request.validationData && !fs.existsSync(request.validationData))
      throw datasetNotFound(request.validationData);
    const launch = request.on
      ? await this.remoteLaunch(request, request.on, trustedAtAdd(model))
      : await this.localLaunch(request, trustedAtAdd(model));
    await this.reconcile();

    const row = this.recording(() =>
      jobs.create({
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
        remoteTarget: launch.kind === 'remote' ? launch.remote.target.name : null,
      }),
    );
    try {
      this.start(row, launch);
    } catch (error) {
      // Nothing runs (the staging folder could not be made, say): the job ends here, failed with the reason.
      const reason = this.writeFailure(error);
      removeQuietly(this.deps.paths.staging(row.id));
      removeQuietly(this.deps.paths.scratch(`export-${row.id}`));
      try {
        jobs.finish(row.id, { status: 'failed', error: reason, progress_stage: 'failed' });
      } catch {
        /* still unrecorded: the next start reconciles it */
      }
      throw new AppError(reason.code, reason.message, reason.hint, { cause: error });
    }
    return this.get(row.id);
  }

  private async localLaunch(request: CreateExport, trustedAtAdd: boolean): Promise<Launch> {
    const { toolchain } = this.deps;
    const location = toolchain.assertReady();
    // A converter in its own environment (the formats table says which: TFLite's) installs on first use, with
    // progress on toolchain:progress; the trainer gets that environment's interpreter in its variable.
    const extraEnv: Record<string, string> = {};
    for (const environment of firstUseEnvironments(request.formats)) {
      extraEnv[environment.pythonVariable] = await toolchain.ensureEnvironment(environment.name);
    }
    return {
      kind: 'local',
      python: location.python,
      extraEnv,
      trusted: request.trustUnsafe === true || trustedAtAdd,
      validation: request.validationData ? validationArgs(request.validationData, request.acceptNames) : [],
    };
  }

  /** The target is checked (GPU for TensorRT, kubeconfig, context, bucket) before any row, upload or Job exists. */
  private async remoteLaunch(request: CreateExport, on: string, trustedAtAdd: boolean): Promise<Launch> {
    refuseRemoteOptions(request, on, trustedAtAdd, Boolean(this.deps.remote));
    return { kind: 'remote', remote: await this.deps.remote!.prepare(on, request.formats) };
  }

  /** Runs a database write outside a run; a full disk is said as DISK_FULL, naming the data folder. */
  private recording<T>(write: () => T): T {
    try {
      return write();
    } catch (error) {
      if (onFullDisk(error, this.deps.paths.home)) throw diskFull(error, this.deps.paths.home);
      throw error;
    }
  }

  /** What a failed write (database or files) means for an export, as the reason its job ends with. */
  private writeFailure(error: unknown): AppErrorShape {
    const { paths } = this.deps;
    if (onFullDisk(error, paths.home)) {
      return {
        code: 'DISK_FULL',
        message: `The disk holding the data folder (${paths.home}) is full, so the export could not go on (${(error as Error).message}). It was stopped and its files removed.`,
        hint: 'Free some space on that disk (or set EDGEPACK_HOME to a folder on a disk with room), then start the export again.',
      };
    }
    const e = toAppError(error);
    return {
      code: 'EXPORT_NOT_RECORDED',
      message: `Edgepack could not record the export in ${paths.database} (${e.message}), so it was stopped.`,
      hint: 'Check that the data folder is writable (EDGEPACK_HOME sets another one), then start the export again.',
    };
  }

  /** Stops a run Edgepack cannot keep a record of: the trainer is ended and the job fails with the reason. */
  private abort(run: Run, error: unknown): void {
    if (run.failure || run.cancelReason) return;
    run.failure = this.writeFailure(error);
    run.log.append(`Edgepack stopped the export: ${run.failure.code}: ${run.failure.message}`);
    void run.trainer.cancel();
  }

  private start(row: ExportJobRow, launch: Launch): void {
    const { jobs, paths, toolchain, events } = this.deps;
    const staging = paths.staging(row.id);
    const final = paths.exportDir(row.model_id, row.version);
    const workDir = paths.scratch(`export-${row.id}`);
    fs.mkdirSync(staging, { recursive: true });
    fs.mkdirSync(workDir, { recursive: true });
    const formats = JSON.parse(row.formats) as string[];
    // Every database write of a running job goes through `write`: one that fails stops the run (never a crash).
    const run: Run = {
      trainer: null as unknown as TrainerProcess,
      remote: null,
      log: null as unknown as JobLog,
      cancelReason: null,
      failure: null,
      finished: Promise.resolve(null as unknown as ExportJob),
    };
    const write = (patch: Parameters<ExportJobsRepo['update']>[1]) => {
      if (run.failure) return;
      try {
        jobs.update(row.id, patch);
      } catch (error) {
        this.abort(run, error);
      }
    };
    const resumed = launch.kind === 'remote' && Boolean(launch.resume);
    const log = new JobLog(
      row.id,
      jobs,
      resumed ? row.log : '',
      (line) => events.emit('exports:log', { jobId: row.id, line }),
      (error) => this.abort(run, error),
    );
    run.log = log;
    let lastProgressWrite = 0;
    let lastStage = '';

    const seedEnv = {
      EXPORT_JOB_ID: row.id,
      EXPORT_FORMAT: formats.join(','),
      // The options in the trainer's names (calibDir → calib_dir): the one boundary, toolchain/names.ts.
      EXPORT_CONFIG: JSON.stringify(toPython(JSON.parse(row.export_config))),
      OPTIMIZATION_CONFIG: JSON.stringify(toPython(JSON.parse(row.optimization_config))),
    };
    const trusted = launch.kind === 'local' && launch.trusted;
    const callbacks = {
      onLine: (parsed: ParsedLine) => log.append(relocateInLine(logLineFor(parsed), staging, final)),
      onEvent: (event: TrainerEvent) => {
        if (event.event !== 'progress') return;
        const fraction = Math.min(1, Math.max(0, event.fraction));
        events.emit('exports:progress', { jobId: row.id, stage: event.stage, fraction });
        const now = Date.now();
        // A new stage is always recorded; fractions within a stage at most every PROGRESS_WRITE_MS.
        if (event.stage !== lastStage || now - lastProgressWrite >= PROGRESS_WRITE_MS) {
          lastProgressWrite = now;
          lastStage = event.stage;
          write({ progress_stage: event.stage, progress_fraction: fraction });
        }
      },
    };
    let trainer: TrainerProcess;
    if (launch.kind === 'remote') {
      run.remote = startRemoteTrainer({
        ...REMOTE_DEFAULTS,
        jobId: row.id,
        parts: launch.remote.parts,
        image: launch.remote.target.image,
        namespace: launch.remote.target.namespace,
        gpu: formats.includes('tensorrt'),
        checkpointPath: row.checkpoint_path,
        checkpointSha256: row.checkpoint_sha256,
        env: seedEnv,
        staging,
        ...(launch.remote.polling
          ? {
              platformPollMs: launch.remote.polling.platformMs,
              kubePollMs: launch.remote.polling.kubeMs,
            }
          : {}),
        ...callbacks,
        // Where a remote run's time goes, in its log (npm run bench:remote reads these lines).
        onStep: (step, ms) => log.append(`Remote step ${step} took ${Math.round(ms)} ms.`),
        onRegistered: (platformId) => write({ remote_ref: platformId }),
        ...(launch.resume ? { resume: launch.resume } : {}),
      });
      trainer = run.remote;
    } else {
      trainer = startTrainer({
        python: launch.python,
        script: toolchain.trainerScript(),
        args: ['--log-level', 'INFO', ...launch.validation, ...(trusted ? trustedArgs(workDir) : [])],
        ...(trusted ? { sandbox: { writable: [staging, workDir] } } : {}),
        env: toolchain.trainerEnv({
          ...launch.extraEnv,
          ...seedEnv,
          CHECKPOINT_PATH: row.checkpoint_path,
          OUTPUT_DIR: staging,
        }),
        cwd: workDir,
        ...callbacks,
      });
    }
    run.trainer = trainer;
    log.append(
      launch.kind === 'local'
        ? `Export v${row.version} of ${formats.join(', ')} started (trainer pid ${trainer.pid}).`
        : launch.resume
          ? `Edgepack follows export v${row.version} on ${launch.remote.target.name} again (the process that started it stopped).`
          : `Export v${row.version} of ${formats.join(', ')} started on ${launch.remote.target.name} (Kubernetes namespace ${launch.remote.target.namespace}).`,
    );
    if (trusted) log.append(trustNotice(trainer.sandboxed));
    write({
      status: 'running',
      pid: trainer.pid > 0 ? trainer.pid : null,
      pgid: trainer.pgid > 0 ? trainer.pgid : null,
      ...(resumed
        ? {}
        : { started_at: new Date().toISOString(), progress_stage: 'starting', progress_fraction: 0 }),
    });
    run.finished = trainer.exited
      .then((exit) => {
        removeQuietly(workDir); // before the job's end is written: on a full disk every byte counts
        if (run.remote?.detached) return this.letGo(row, run);
        this.finalize(row, run, exit, staging);
      })
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
    // When even the failure could not be recorded, `finished` rejects with the reason: waitFor's callers see it, and
    // an app that started the export and moved on is not brought down by it.
    run.finished.catch(() => undefined);
    this.runs.set(row.id, run);
    events.emit('exports:updated', this.get(row.id));
  }

  /**
   * Follows again a remote job whose process stopped (the app closed or crashed): its target is checked as for a new
   * run, the job claimed for this process, and the run picks up at following its Job.
   */
  private async adopt(row: ExportJobRow): Promise<boolean> {
    const { remote, jobs } = this.deps;
    if (!remote || !row.remote_target || !row.remote_ref) return false;
    let prepared: PreparedRemote;
    try {
      prepared = await remote.prepare(row.remote_target, JSON.parse(row.formats) as string[]);
    } catch {
      return false;
    }
    // Another process may have claimed it meanwhile: then that one follows it.
    if (!jobs.claim(row.id, row, process.pid, this.ownerStarted)) return true;
    this.start(jobs.getRow(row.id)!, {
      kind: 'remote',
      remote: prepared,
      resume: { platformId: row.remote_ref },
    });
    return true;
  }

  /** A remote run let go: the row stays `running` with its log, for the next process to follow it again. */
  private letGo(row: ExportJobRow, run: Run): void {
    run.log.append(
      'Edgepack closed while the export ran remotely; its Job runs on and is followed again at the next start.',
    );
    run.log.flush();
    removeQuietly(this.deps.paths.staging(row.id));
  }

  private finalize(row: ExportJobRow, run: Run, exit: TrainerExit, staging: string): void {
    const { jobs, paths } = this.deps;
    const final = paths.exportDir(row.model_id, row.version);
    const current = jobs.getRow(row.id);
    const endedElsewhere = !current || !ACTIVE_STATUSES.includes(current.status);
    const cancelled = Boolean(run.cancelReason) || endedElsewhere;
    const outcome: Outcome =
      run.failure && !cancelled
        ? { kind: 'failed', error: run.failure, results: [] }
        : outcomeOf(exit, cancelled, JSON.parse(row.formats) as string[], staging, final);

    if (outcome.kind !== 'produced') {
      removeQuietly(staging);
      if (outcome.kind === 'cancelled') {
        this.record(row, run, 'The export was cancelled; its files were removed.', {
          status: 'cancelled',
          error: run.cancelReason ?? CANCELLED,
          progress_stage: 'cancelled',
        });
      } else {
        this.record(row, run, `Export failed: ${outcome.error.code}: ${outcome.error.message}`, {
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
    let finished: boolean;
    try {
      finished = this.record(
        row,
        run,
        `Export ${status}: ${results.map((r) => `${r.format} ${r.status}`).join(', ')}.`,
        {
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
        },
      );
    } catch (error) {
      // An export that cannot be recorded as done is not kept: its files go, which also gives the space back.
      removeQuietly(final);
      throw error;
    }
    // Cancelled from another process in the last moment: its files go with it.
    if (!finished) removeQuietly(final);
    const validation = validationOf(exit);
    if (finished && validation) this.deps.validations.add(row.id, validation.dataset, validation);
  }

  /**
   * Ends the job's row with `patch` and the full log. On a full disk the write-ahead log is given back first, and if
   * the full log still does not fit the end is recorded without it (what was written of it stays); when even that
   * fails, the reason is thrown.
   */
  private record(
    row: ExportJobRow,
    run: Run,
    line: string,
    patch: Parameters<ExportJobsRepo['finish']>[1],
  ): boolean {
    run.log.append(line);
    run.log.stop();
    try {
      return this.deps.jobs.finish(row.id, { ...patch, log: run.log.text() });
    } catch (error) {
      if (!onFullDisk(error, this.deps.paths.home)) throw error;
      // The export's own files are gone by now; the write-ahead log gives back what it holds, and the end is written
      // without the log (what was written of it stays).
      this.deps.jobs.releaseJournal();
      try {
        return this.deps.jobs.finish(row.id, { ...patch, log: run.log.text() });
      } catch (again) {
        if (!onFullDisk(again, this.deps.paths.home)) throw again;
        return this.deps.jobs.finish(row.id, patch);
      }
    }
  }

  private finalizeBroken(row: ExportJobRow, run: Run, error: unknown, staging: string): void {
    removeQuietly(staging);
    const reason: AppErrorShape = onFullDisk(error, this.deps.paths.home)
      ? this.writeFailure(error)
      : {
          code: 'EXPORT_FINALIZE_FAILED',
          message: `The export ran but its files could not be moved into place: ${(error as Error).message}`,
          hint: 'Check the free disk space and that the data folder is writable, then export again.',
        };
    try {
      this.record(row, run, `Edgepack could not finish the export: ${reason.message}`, {
        status: 'failed',
        error: reason,
        progress_stage: 'failed',
      });
    } catch (second) {
      // Not even that could be written: the caller hears the reason, the next start reconciles the row.
      const why = onFullDisk(second, this.deps.paths.home) ? this.writeFailure(second) : reason;
      throw new AppError(why.code, why.message, why.hint, { cause: second });
    }
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
    // Its owner follows the Job: once the Job is gone, the owner ends too (and keeps "cancelled").
    if (row.remote_target) await this.deps.remote?.abandon(row.remote_target, id);
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
    this.deps.beforeDelete?.(this.get(id));
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

  /** One format's file (or folder) of a finished export, checked to be on disk. */
  revealFile(id: string, format: string): ExportFile {
    const job = this.get(id);
    const result = job.results.find((r) => r.format === format);
    if (!result?.path || !fs.existsSync(result.path)) {
      throw new AppError(
        'EXPORT_FILE_NOT_FOUND',
        result
          ? `Export v${job.version} has no ${format} file on disk (${result.status}).`
          : `Export v${job.version} has no ${format} result; it made ${job.formats.join(', ')}.`,
        result?.path
          ? 'Its file was removed outside Edgepack; export again.'
          : 'Only a format that produced a model has a file to show.',
      );
    }
    return { path: result.path, isDirectory: fs.statSync(result.path).isDirectory() };
  }

  reconcile(): Promise<string[]> {
    return reconcileJobs({
      jobs: this.deps.jobs,
      paths: this.deps.paths,
      ownRuns: new Set(this.runs.keys()),
      remote: this.deps.remote,
      adopt: (row) => this.adopt(row),
    });
  }

  /**
   * Cancels this process's local exports (nothing is left running or `running`); remote ones are let go, their Jobs
   * run on and the next start follows them again (one whose Job did not exist yet is cancelled).
   */
  async close(): Promise<void> {
    await Promise.all(
      [...this.runs.entries()].map(async ([id, run]) => {
        if (run.remote) {
          run.cancelReason = APP_CLOSED; // used only when its Job did not exist yet and the run is cancelled instead
          await run.remote.detach();
          await run.finished.catch(() => undefined);
          return;
        }
        await this.cancel(id, APP_CLOSED).catch(() => undefined);
      }),
    );
  }
}
