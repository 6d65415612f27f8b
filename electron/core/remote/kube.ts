import {
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Job,
  type V1Pod,
} from '@kubernetes/client-node';
import type { AppErrorShape } from '../../contract';
import { AppError } from '../errors';
import { JOB_ID_LABEL, jobName, TRAINER_CONTAINER, type RenderedJob } from './job-manifest';
import { isNotFound, kubeError, type KubeWhere } from './kube-errors';
import { loadKubeConfig, type KubeTarget } from './kubeconfig';

export type { KubeTarget } from './kubeconfig';

export interface JobState {
  phase: 'pending' | 'running' | 'succeeded' | 'failed' | 'vanished';
  failure: AppErrorShape | null;
  podName: string | null;
}

/** One namespace's export Jobs, through the target's kubeconfig context. */
export interface KubeJobs {
  /** Creates the Secret, then the Job, then makes the Job own the Secret (deleting the Job removes it). */
  create(rendered: RenderedJob): Promise<void>;
  state(jobId: string): Promise<JobState>;
  /** The trainer container's log (its JSON lines), or null when there is no pod (any more). */
  podLog(jobId: string): Promise<string | null>;
  /** Deletes the Job (its pods with it, in the background) and its Secret; what is already gone is fine. */
  remove(jobId: string): Promise<void>;
}

/** How long one API call may take before the server counts as unreachable (a blackholed address never refuses). */
export const KUBE_CALL_TIMEOUT_MS = 30_000;

/**
 * Opens the target's cluster: throws KUBECONFIG_NOT_FOUND / KUBE_CONTEXT_NOT_FOUND at once, nothing is called.
 * `timeoutMs` bounds every API call (KUBE_UNREACHABLE when it passes).
 */
export function openKube(target: KubeTarget, options: { timeoutMs?: number } = {}): KubeJobs {
  const config = loadKubeConfig(target, KubeConfig);
  const batch = config.makeApiClient(BatchV1Api);
  const core = config.makeApiClient(CoreV1Api);
  const namespace = target.namespace;
  const where: KubeWhere = {
    context: target.context,
    server: config.getCurrentCluster()?.server ?? '(no server)',
    namespace,
  };
  const timeoutMs = options.timeoutMs ?? KUBE_CALL_TIMEOUT_MS;
  const answered = <T>(promise: Promise<T>): Promise<T> => withTimeout(promise, timeoutMs);
  const call = async <T>(action: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await answered(run());
    } catch (error) {
      throw kubeError(error, where, action);
    }
  };
  const ignoreMissing = async (action: string, run: () => Promise<unknown>): Promise<void> => {
    try {
      await answered(run());
    } catch (error) {
      if (!isNotFound(error)) throw kubeError(error, where, action);
    }
  };
  const newestPod = async (jobId: string): Promise<V1Pod | null> => {
    const pods = await call(`list the pods of Job ${jobName(jobId)}`, () =>
      core.listNamespacedPod({ namespace, labelSelector: `${JOB_ID_LABEL}=${jobId}` }),
    );
    const created = (pod: V1Pod) => new Date(pod.metadata?.creationTimestamp ?? 0).getTime();
    const byAge = [...pods.items].sort((a, b) => created(b) - created(a));
    return byAge[0] ?? null;
  };

  return {
    async create({ secret, job }) {
      const name = job.metadata?.name ?? '';
      await call(`create the Secret ${name}`, () => core.createNamespacedSecret({ namespace, body: secret }));
      let created: V1Job;
      try {
        created = await call(`create the Job ${name}`, () =>
          batch.createNamespacedJob({ namespace, body: job }),
        );
      } catch (error) {
        // The Secret holds presigned URLs and the callback token: never leave it behind a Job that was not made.
        await ignoreMissing(`delete the Secret ${name}`, () =>
          core.deleteNamespacedSecret({ name, namespace }),
        ).catch(() => undefined);
        throw error;
      }
      const ownerReferences = [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name,
          uid: created.metadata?.uid ?? '',
          blockOwnerDeletion: false,
        },
      ];
      await call(`make the Job ${name} own its Secret`, () =>
        core.patchNamespacedSecret(
          { name, namespace, body: { metadata: { ownerReferences } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
    },

    async state(jobId) {
      const name = jobName(jobId);
      let job: V1Job;
      try {
        job = await answered(batch.readNamespacedJob({ name, namespace }));
      } catch (error) {
        if (!isNotFound(error)) throw kubeError(error, where, `read the Job ${name}`);
        return {
          phase: 'vanished',
          podName: null,
          failure: {
            code: 'REMOTE_JOB_VANISHED',
            message: `The Job ${name} is gone from namespace "${namespace}" (context "${target.context}"): it was deleted from outside Edgepack before it finished.`,
            hint: 'Run the export again; if something on the cluster removes Jobs (a cleanup policy, a colleague), exclude the label app.kubernetes.io/name=edgepack-trainer.',
          },
        };
      }
      const pod = await newestPod(jobId);
      return jobState(job, pod);
    },

    async podLog(jobId) {
      const pod = await newestPod(jobId);
      const podName = pod?.metadata?.name;
      if (!podName) return null;
      try {
        // The tail is enough: the fallback looks for the trainer's last `error` event.
        return await answered(
          core.readNamespacedPodLog({
            name: podName,
            namespace,
            container: TRAINER_CONTAINER,
            tailLines: LOG_TAIL_LINES,
          }),
        );
      } catch (error) {
        if (isNotFound(error)) return null;
        throw kubeError(error, where, `read the log of pod ${podName}`);
      }
    },

    async remove(jobId) {
      const name = jobName(jobId);
      await ignoreMissing(`delete the Job ${name}`, () =>
        batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }),
      );
      await ignoreMissing(`delete the Secret ${name}`, () =>
        core.deleteNamespacedSecret({ name, namespace }),
      );
    },
  };
}

const LOG_TAIL_LINES = 2000;

/** Rejects like a socket timeout (ETIMEDOUT, no HTTP status) when the API server has not answered in time. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: 'ETIMEDOUT' })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const condition = (job: V1Job, type: string) =>
  job.status?.conditions?.find((c) => c.type === type && c.status === 'True') ?? null;

const IMAGE_PULL = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);

/** The Job and its newest pod as one state, naming the reason a failed run failed (spec #17 step 7). */
export function jobState(job: V1Job, pod: V1Pod | null): JobState {
  const podName = pod?.metadata?.name ?? null;
  const name = job.metadata?.name ?? '';
  const state = (phase: JobState['phase'], failure: AppErrorShape | null = null): JobState => ({
    phase,
    failure,
    podName,
  });
  if (condition(job, 'Complete')) return state('succeeded');
  const podFailure = pod ? podFailureOf(pod) : null;
  if (podFailure) return state('failed', podFailure);
  const failed = condition(job, 'Failed');
  if (failed?.reason === 'DeadlineExceeded') {
    const seconds = job.spec?.activeDeadlineSeconds;
    return state(
      'failed',
      new AppError(
        'REMOTE_DEADLINE_EXCEEDED',
        `The Job ${name} ran past its deadline (activeDeadlineSeconds ${seconds ?? '?'}) and Kubernetes stopped it: ${failed.message ?? ''}`.trim(),
        'Give the target a longer deadline, or export fewer formats (or a smaller INT8 calibration set) per run.',
      ).toJSON(),
    );
  }
  if (failed)
    return state(
      'failed',
      new AppError(
        'REMOTE_JOB_FAILED',
        `The Job ${name} failed (${failed.reason ?? 'no reason given'}${failed.message ? `: ${failed.message}` : ''}).`,
        "The trainer's log (`edgepack exports log <id>`) says what went wrong.",
      ).toJSON(),
    );
  // A pod that has succeeded is still "running" until the Job's Complete condition follows, a moment later.
  const phase = pod?.status?.phase;
  return state(phase === 'Running' || phase === 'Succeeded' ? 'running' : 'pending');
}

/** Evicted, OOM-killed or an image that cannot be pulled: reasons Kubernetes puts on the pod, not on the Job. */
function podFailureOf(pod: V1Pod): AppErrorShape | null {
  const podName = pod.metadata?.name ?? '';
  if (pod.status?.reason === 'Evicted')
    return new AppError(
      'REMOTE_POD_EVICTED',
      `The pod ${podName} was evicted by its node: ${pod.status.message ?? 'no message from the kubelet'}.`,
      'The node ran short of memory or disk: give the target more memory, or run when the cluster is less busy.',
    ).toJSON();
  const container = pod.status?.containerStatuses?.find((c) => c.name === TRAINER_CONTAINER);
  const terminated = container?.state?.terminated ?? container?.lastState?.terminated;
  if (terminated?.reason === 'OOMKilled') {
    const spec = pod.spec?.containers.find((c) => c.name === TRAINER_CONTAINER);
    const limit = spec?.resources?.limits?.['memory'] ?? 'its';
    return new AppError(
      'REMOTE_OOM_KILLED',
      `The trainer in pod ${podName} ran out of memory: it went over the ${limit} memory limit and was killed (OOMKilled).`,
      `Raise the memory of remote exports above ${limit} (or export fewer formats per run), then run again.`,
    ).toJSON();
  }
  const waiting = container?.state?.waiting;
  if (waiting?.reason && IMAGE_PULL.has(waiting.reason)) {
    const image = pod.spec?.containers.find((c) => c.name === TRAINER_CONTAINER)?.image ?? '';
    return new AppError(
      'REMOTE_IMAGE_PULL_FAILED',
      `The cluster cannot pull the trainer image ${image} (${waiting.reason}): ${waiting.message ?? ''}`.trim(),
      "Push the trainer image to a registry the cluster's nodes can reach (trainers/Dockerfile), or set the target's --image to one.",
    ).toJSON();
  }
  return null;
}
