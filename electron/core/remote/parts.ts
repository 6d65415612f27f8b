import type { RemoteJobSpec } from './job-manifest';
import type { JobState } from './kube';
import type { JobObjects } from './object-store';

/**
 * What a remote run needs from its neighbours, as interfaces so remote-trainer.ts can be driven by the real parts
 * (kube.ts, job-manifest.ts, platform-exports.ts, object-store.ts) or by a test's.
 */
/** The Job's spec as job-manifest.ts renders it (a type-only import: no client-node at run time). */
export type RemoteJobSpecLike = RemoteJobSpec;

/** A Job's state as kube.ts reads it. */
export type JobStateLike = JobState;

export interface KubeJobsLike<Rendered = unknown> {
  create(rendered: Rendered): Promise<void>;
  state(jobId: string): Promise<JobStateLike>;
  podLog(jobId: string): Promise<string | null>;
  remove(jobId: string): Promise<void>;
}

export interface RegisteredExport {
  id: string;
  callbackToken: string;
  progressUrl: string;
  completionUrl: string;
}

export interface ExportStatus {
  status: string;
  /** Events after the `after` asked for, oldest first (the trainer's protocol events). */
  events: unknown[];
  /** What to pass as `after` next time. */
  next: number;
  completion: unknown;
}

export interface PlatformExportsLike {
  register(jobId: string): Promise<RegisteredExport>;
  status(id: string, after: number): Promise<ExportStatus>;
  forget(id: string): Promise<void>;
}

/** The object store's part in a run (object-store.ts's JobObjects; a test may stand in). */
export type JobObjectsLike = Pick<
  JobObjects,
  'target' | 'uploadCheckpoint' | 'presign' | 'download' | 'removeJob'
>;

export interface RemoteParts<Rendered = unknown> {
  platform: PlatformExportsLike;
  objects: JobObjectsLike;
  kube: KubeJobsLike<Rendered>;
  render(spec: RemoteJobSpecLike): Rendered;
}

/** The target a run goes to, as the run needs it. */
export interface RemoteTargetInfo {
  name: string;
  image: string;
  namespace: string;
  gpu: boolean;
}

export interface RemotePolling {
  /** How often the platform is asked for events and the completion. */
  platformMs: number;
  /** How often the API server is asked about the Job and its pod. */
  kubeMs: number;
}

export interface PreparedRemote {
  target: RemoteTargetInfo;
  parts: RemoteParts;
  polling?: RemotePolling | undefined;
}

/** How the exports service reaches remote targets (remote/runs.ts builds the real one). */
export interface RemoteRunner {
  /**
   * Checks the target before anything is created or uploaded (it exists, TensorRT only where it has GPUs, the
   * kubeconfig and its context, the bucket) and opens the parts for a run.
   */
  prepare(targetName: string, formats: readonly string[]): Promise<PreparedRemote>;
  /** Removes what a run left on its target (the Job with its Secret and pods, the S3 objects); quiet. */
  abandon(targetName: string, jobId: string): Promise<void>;
}
