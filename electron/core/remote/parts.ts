import type { AppErrorShape } from '../../contract';
import type { JobObjects } from './object-store';

/**
 * What a remote run needs from its neighbours, as interfaces so remote-trainer.ts can be driven by the real parts
 * (kube.ts, job-manifest.ts, platform-exports.ts, object-store.ts) or by a test's.
 */
export interface RemoteJobSpecLike {
  jobId: string;
  image: string;
  env: Record<string, string>;
  secretEnv: Record<string, string>;
  gpu: boolean;
  resources: { cpu: string; memory: string };
  activeDeadlineSeconds: number;
  backoffLimit: number;
  ttlSecondsAfterFinished: number;
  namespace: string;
}

export interface JobStateLike {
  phase: 'pending' | 'running' | 'succeeded' | 'failed' | 'vanished';
  failure: AppErrorShape | null;
  podName: string | null;
}

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
  progress: { stage: string; fraction: number } | null;
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

export interface RemoteParts<Rendered = unknown> {
  platform: PlatformExportsLike;
  objects: JobObjects;
  kube: KubeJobsLike<Rendered>;
  render(spec: RemoteJobSpecLike): Rendered;
}
