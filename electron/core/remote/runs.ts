import { AppError } from '../errors';
import { openJobObjects, type BucketTarget, type JobObjects } from './object-store';
import type {
  KubeJobsLike,
  PlatformExportsLike,
  PreparedRemote,
  RemoteJobSpecLike,
  RemotePolling,
  RemoteRunner,
  RemoteTargetInfo,
} from './parts';

/** A stored remote target as the runner needs it (targets.ts has the full record). */
export type RunnerTarget = RemoteTargetInfo & BucketTarget & { context: string; kubeconfig: string | null };

export interface RemoteRunnerDeps<Rendered> {
  /** The target of that name, or TARGET_NOT_FOUND. */
  target(name: string): RunnerTarget;
  /** Opens the target's cluster; throws KUBECONFIG_NOT_FOUND / KUBE_CONTEXT_NOT_FOUND without calling it. */
  openKube(target: RunnerTarget): Promise<KubeJobsLike<Rendered>>;
  render(spec: RemoteJobSpecLike): Rendered;
  /** The platform client with the stored URL and account token (PLATFORM_NOT_CONFIGURED otherwise). */
  platform(): Promise<PlatformExportsLike>;
  openObjects?: (target: BucketTarget) => JobObjects;
  polling?: RemotePolling;
}

export function targetHasNoGpu(target: string): AppError {
  return new AppError(
    'TARGET_HAS_NO_GPU',
    `TensorRT engines are built on an NVIDIA GPU, and target ${target} has none; nothing was uploaded.`,
    `Pick a target added with --gpu, or export TensorRT without --on (a deferred build: the ONNX plus a build script).`,
  );
}

/** The real RemoteRunner: every check of step 1 in order, cheapest first, before anything is created. */
export function createRemoteRunner<Rendered>(deps: RemoteRunnerDeps<Rendered>): RemoteRunner {
  const objectsOf = deps.openObjects ?? openJobObjects;
  return {
    async prepare(name, formats): Promise<PreparedRemote> {
      const target = deps.target(name);
      if (formats.includes('tensorrt') && !target.gpu) throw targetHasNoGpu(name);
      const kube = await deps.openKube(target);
      const platform = await deps.platform();
      const objects = objectsOf(target);
      await objects.checkReachable();
      return {
        target: { name: target.name, image: target.image, namespace: target.namespace, gpu: target.gpu },
        parts: { platform, objects, kube, render: deps.render as (spec: RemoteJobSpecLike) => unknown },
        polling: deps.polling,
      };
    },
    async abandon(name, jobId) {
      const target = deps.target(name);
      const objects = objectsOf(target);
      try {
        await (await deps.openKube(target)).remove(jobId);
      } finally {
        await objects.removeJob(jobId);
        objects.destroy();
      }
    },
  };
}
