import fs from 'node:fs';
import path from 'node:path';
import type { AppErrorShape } from '../../contract';
import { toAppError } from '../errors';
import type { TrainerExit, TrainerProcess } from '../toolchain';
import {
  errorFromEvent,
  parseTrainerLine,
  type ParsedLine,
  type ResultEvent,
  type TrainerEvent,
} from '../toolchain/protocol';
import { archivePathFor } from './object-store';
import { completionOf, rewritePaths, type Completion } from './completion';
import { jobFailedWithoutCompletion, jobVanished, noCompletion, platformUnreachable } from './remote-errors';
import { extractTarGz } from './safe-tar';
import type { RemoteParts, RemoteJobSpecLike } from './parts';

/** Where the pod sees its files (the rendered Job mounts an emptyDir at /work). */
export const POD_WORK = '/work';
/**
 * Where the pod keeps the checkpoint: under its own file name, as a local run has it, since metadata.json records the
 * name (source.checkpoint); a name that is not plain falls back to checkpoint.pt.
 */
export function podCheckpoint(localPath: string): string {
  const name = path.basename(localPath);
  return /^[\w][\w.-]{0,200}$/.test(name) ? `${POD_WORK}/${name}` : `${POD_WORK}/checkpoint.pt`;
}
export const POD_OUTPUT = `${POD_WORK}/output`;

/** The steps of a remote run, in order; `onStep` reports how long each took (the bench prints them). */
export type RemoteStep = 'register' | 'upload' | 'create' | 'trainer' | 'download' | 'extract';

export interface RemoteTrainerSpec {
  jobId: string;
  parts: RemoteParts;
  image: string;
  namespace: string;
  /** TensorRT asked: the pod requests an NVIDIA GPU. */
  gpu: boolean;
  resources: { cpu: string; memory: string };
  activeDeadlineSeconds: number;
  ttlSecondsAfterFinished: number;
  checkpointPath: string;
  checkpointSha256: string;
  /** The seed's variables that do not depend on the pod (EXPORT_JOB_ID, EXPORT_FORMAT, EXPORT_CONFIG, …). */
  env: Record<string, string>;
  /** Where the artifacts are extracted: the export's staging folder, as for a local run. */
  staging: string;
  platformPollMs?: number;
  kubePollMs?: number;
  onEvent?: (event: TrainerEvent) => void;
  onLine?: (parsed: ParsedLine, stream: 'stdout' | 'stderr') => void;
  onStep?: (step: RemoteStep, ms: number) => void;
  /** The platform registered the run (its id, kept so another process can follow the run again). */
  onRegistered?: (platformId: string) => void;
  /** Follow a run an earlier process launched (its Job exists, registered under this platform id). */
  resume?: { platformId: string };
}

/** A remote run can also be let go: it stops being followed here, its Job keeps running for the next follower. */
export interface RemoteTrainerProcess extends TrainerProcess {
  /** Lets the run go; when its Job did not exist yet the run is cancelled (and cleaned up) instead. */
  detach(): Promise<void>;
  /** Let go (read when `exited` resolves: the run was not cancelled, nothing was cleaned up). */
  readonly detached: boolean;
}

/** How often the platform is asked for events and the completion (half a second on average to notice the end). */
export const DEFAULT_PLATFORM_POLL_MS = 500;
/** How often the platform is asked once the trainer is near its end. */
const FINAL_POLL_MS = 150;

/** How long a platform that does not answer is waited for before the run is given up. */
const PLATFORM_PATIENCE_MS = 60_000;
/** How long an API server that does not answer is waited for before the run is given up. */
const KUBE_PATIENCE_MS = 120_000;

class Cancelled extends Error {}
class Detached extends Error {}

/**
 * A trainer run as a Kubernetes Job, behind the same TrainerProcess face as a local one (pid 0, pgid 0): registers the
 * job with the platform, uploads the checkpoint, creates the Job, follows it (platform for progress, the API server
 * for failures), fetches and extracts the artifacts, and resolves a TrainerExit shaped like a local run's.
 */
export function startRemoteTrainer(spec: RemoteTrainerSpec): RemoteTrainerProcess {
  const { parts, jobId } = spec;
  let cancelled = false;
  let detached = false;
  let following = false;
  let wake: (() => void) | null = null;
  let platformId: string | null = null;
  let jobCreated = false;
  const note = (line: string) => spec.onLine?.({ kind: 'text', line }, 'stdout');

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });
  const checkpoint = () => {
    if (cancelled) throw new Cancelled();
    if (detached) throw new Detached();
  };
  const timed = async <T>(step: RemoteStep, work: () => Promise<T>): Promise<T> => {
    checkpoint();
    const started = performance.now();
    const value = await work();
    spec.onStep?.(step, performance.now() - started);
    checkpoint();
    return value;
  };

  /** Steps 2–4: register, upload and presign, create the Secret and Job; the platform's id for the run. */
  const launch = async (): Promise<string> => {
    const registered = await timed('register', () => parts.platform.register(jobId));
    platformId = registered.id;
    spec.onRegistered?.(registered.id);
    const urls = await timed('upload', async () => {
      const uploaded = await parts.objects.uploadCheckpoint(jobId, spec.checkpointPath);
      note(
        `Checkpoint uploaded to s3://${parts.objects.target.bucket}/${uploaded.key} (${uploaded.bytes} bytes).`,
      );
      return parts.objects.presign(jobId, spec.activeDeadlineSeconds + 3600);
    });
    const jobSpec: RemoteJobSpecLike = {
      jobId,
      image: spec.image,
      namespace: spec.namespace,
      gpu: spec.gpu,
      resources: spec.resources,
      activeDeadlineSeconds: spec.activeDeadlineSeconds,
      backoffLimit: 0,
      ttlSecondsAfterFinished: spec.ttlSecondsAfterFinished,
      env: {
        ...spec.env,
        CHECKPOINT_PATH: podCheckpoint(spec.checkpointPath),
        CHECKPOINT_SHA256: spec.checkpointSha256,
        OUTPUT_DIR: POD_OUTPUT,
        CALLBACK_URL: registered.completionUrl,
        PROGRESS_URL: registered.progressUrl,
      },
      secretEnv: {
        CHECKPOINT_URL: urls.checkpointUrl,
        ARTIFACTS_URL: urls.artifactsUrl,
        CALLBACK_TOKEN: registered.callbackToken,
      },
    };
    await timed('create', async () => {
      await parts.kube.create(parts.render(jobSpec));
      jobCreated = true;
      note(
        `Kubernetes Job edgepack-export-${jobId} created in namespace ${spec.namespace} (image ${spec.image}).`,
      );
    });
    return registered.id;
  };

  const run = async (): Promise<TrainerExit> => {
    if (spec.resume) {
      platformId = spec.resume.platformId;
      jobCreated = true;
    }
    const id = spec.resume?.platformId ?? (await launch());
    following = true;
    const completion = await timed('trainer', () => follow(id).finally(() => (following = false)));
    const relocate = (result: ResultEvent) =>
      rewritePaths(result, completion.outputDir, spec.staging) as ResultEvent;
    if (completion.event === 'error') {
      const earlier = completion.result && relocate(completion.result);
      return { ...exitWith(completion.error, earlier), code: completion.exitCode };
    }
    const { result, artifacts, exitCode } = completion;
    // A trainer whose every format failed exits non-zero after its result: nothing of it is kept, so nothing to fetch.
    if (exitCode !== 0) return { ...baseExit(), code: exitCode, result: relocate(result) };
    if (!artifacts) return exitWith(noArtifacts(), null);
    const archive = archivePathFor(spec.staging);
    try {
      await timed('download', () => parts.objects.download(jobId, artifacts, archive));
      await timed('extract', () => extractTarGz(archive, spec.staging));
    } finally {
      fs.rmSync(archive, { force: true });
    }
    return { ...baseExit(), code: 0, result: relocate(result) };
  };

  /** Polls until the platform holds the trainer's completion, or the Job says it ended without one. */
  const follow = async (id: string): Promise<Completion> => {
    const platformPoll = spec.platformPollMs ?? DEFAULT_PLATFORM_POLL_MS;
    const kubePoll = spec.kubePollMs ?? 3000;
    let after = 0;
    let nextKube = Date.now() + kubePoll;
    let platformSilentSince: number | null = null;
    let kubeSilentSince: number | null = null;
    const readPlatform = async (): Promise<Completion | null> => {
      const status = await parts.platform.status(id, after);
      platformSilentSince = null;
      for (const event of status.events) relay(event);
      after = status.next;
      return status.completion ? completionOf(status.completion, POD_OUTPUT) : null;
    };
    for (;;) {
      checkpoint();
      try {
        const done = await readPlatform();
        if (done) return done;
      } catch (error) {
        // A platform that stops answering for a minute leaves the Job without anyone to hear its end.
        if ((platformSilentSince ??= Date.now()) < Date.now() - PLATFORM_PATIENCE_MS)
          throw platformUnreachable(error);
      }
      if (Date.now() >= nextKube) {
        nextKube = Date.now() + kubePoll;
        const state = await parts.kube.state(jobId).catch((error: unknown) => {
          // An API server that does not answer for a while is waited for (the platform still hears the trainer);
          // anything else it says (403, 401, …) will not get better.
          const unreachable = (error as { code?: unknown }).code === 'KUBE_UNREACHABLE';
          if (!unreachable || (kubeSilentSince ??= Date.now()) < Date.now() - KUBE_PATIENCE_MS) throw error;
          return null;
        });
        checkpoint();
        if (state) kubeSilentSince = null;
        if (state && ['failed', 'vanished', 'succeeded'].includes(state.phase)) {
          // The completion is posted before the pod exits: look once more before calling it lost.
          const late = await readPlatform().catch(() => null);
          if (late) return late;
          if (state.phase === 'vanished') throw state.failure ?? jobVanished(jobId, spec.namespace);
          if (state.failure) throw state.failure;
          const fromLog = errorInLog(await parts.kube.podLog(jobId).catch(() => null));
          throw (
            fromLog ?? (state.phase === 'failed' ? jobFailedWithoutCompletion(jobId) : noCompletion(jobId))
          );
        }
      }
      // Near its end (last stages, the archive's upload) the completion is close: ask often, so little time goes waiting.
      await sleep(finishing ? Math.min(platformPoll, FINAL_POLL_MS) : platformPoll);
    }
  };

  /** A trainer event as the platform kept it: the pod's paths said as the staging folder's. */
  let finishing = false;
  const relay = (raw: unknown) => {
    const parsed = parseTrainerLine(JSON.stringify(rewritePaths(raw, POD_OUTPUT, spec.staging)));
    if (parsed.kind === 'event') {
      const { event } = parsed;
      if (event.event === 'progress' && (event.stage === 'upload' || event.fraction >= 0.9)) finishing = true;
      spec.onEvent?.(parsed.event);
    }
    spec.onLine?.(parsed, 'stdout');
  };

  /** Whatever the run leaves outside this machine goes: the archive in the bucket, the platform's record. */
  const cleanUp = async (deleteJob: boolean) => {
    await Promise.all([
      deleteJob && jobCreated ? parts.kube.remove(jobId).catch(() => undefined) : undefined,
      platformId ? parts.platform.forget(platformId).catch(() => undefined) : undefined,
      parts.objects.removeJob(jobId),
    ]);
  };

  const exited = run()
    .then(async (exit) => {
      await cleanUp(false);
      return exit;
    })
    .catch(async (error: unknown) => {
      // Let go: whatever runs on the cluster stays for the process that follows it next.
      if (error instanceof Detached) return { ...baseExit(), cancelled: true };
      if (error instanceof Cancelled || cancelled) {
        await cleanUp(true);
        return { ...baseExit(), cancelled: true };
      }
      // The Job may still run (the platform went away, say): it is deleted with the rest.
      await cleanUp(true);
      return exitWith(toAppError(error), null);
    });

  return {
    pid: 0,
    pgid: 0,
    sandboxed: false,
    exited,
    async cancel() {
      cancelled = true;
      wake?.();
      await exited;
    },
    async detach() {
      // Only a run being followed is let go; one still launching is cancelled, one fetching its files finishes.
      if (following) detached = true;
      else if (!jobCreated) cancelled = true;
      wake?.();
      await exited;
    },
    get detached() {
      return detached;
    },
  };
}

function baseExit(): TrainerExit {
  return {
    code: null,
    signal: null,
    result: null,
    error: null,
    spawnError: null,
    stderrTail: [],
    cancelled: false,
  };
}

function exitWith(error: AppErrorShape, result: ResultEvent | null): TrainerExit {
  const { code, message, hint } = error;
  return { ...baseExit(), code: 1, result, error: { code, message, hint } };
}

/** The trainer's own `error` event from the pod's JSON-lines log, when its completion never arrived. */
function errorInLog(log: string | null): AppErrorShape | null {
  if (!log) return null;
  let found: AppErrorShape | null = null;
  for (const line of log.split('\n')) {
    const parsed = parseTrainerLine(line);
    if (parsed.kind === 'event' && parsed.event.event === 'error') found = errorFromEvent(parsed.event);
  }
  return found;
}

function noArtifacts(): AppErrorShape {
  return {
    code: 'REMOTE_ARTIFACTS_MISSING',
    message: 'The remote trainer reported a result but no artifacts archive.',
    hint: 'The trainer image may be older than this Edgepack; rebuild it from trainers/Dockerfile and export again.',
  };
}
