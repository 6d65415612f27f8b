import type { V1Job, V1Secret } from '@kubernetes/client-node';
import { AppError } from '../errors';

/** What one remote export's Job is made of (spec #17 step 4). */
export interface RemoteJobSpec {
  jobId: string;
  image: string;
  /** The trainer's plain variables (EXPORT_JOB_ID, EXPORT_FORMAT, …): in the Job. */
  env: Record<string, string>;
  /** Presigned URLs and the callback token: in the Secret only, reaching the pod through envFrom. */
  secretEnv: Record<string, string>;
  gpu: boolean;
  resources: { cpu: string; memory: string };
  activeDeadlineSeconds: number;
  backoffLimit: number;
  ttlSecondsAfterFinished: number;
  namespace: string;
}

export interface RenderedJob {
  secret: V1Secret;
  job: V1Job;
}

export const DEFAULT_ACTIVE_DEADLINE_SECONDS = 3600;
export const DEFAULT_TTL_SECONDS_AFTER_FINISHED = 600;
export const TRAINER_CONTAINER = 'trainer';
export const TRAINER_COMMAND = ['python', 'trainers/ultralytics/export.py', '--log-level', 'INFO'];
/** The uid the trainer image runs as (trainers/Dockerfile's USER). */
export const TRAINER_UID = 10001;
export const JOB_ID_LABEL = 'edgepack.dev/job-id';

const NAME_PREFIX = 'edgepack-export-';
// A Job's name goes into its pods' `job-name` label, whose values are at most 63 characters.
const JOB_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const JOB_ID_MAX = 63 - NAME_PREFIX.length;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The name of the Job and of its Secret. */
export function jobName(jobId: string): string {
  return `${NAME_PREFIX}${jobId}`;
}

/** Labels on the Job, its pods and the Secret: how Edgepack finds them again. */
export function jobLabels(jobId: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'edgepack-trainer', [JOB_ID_LABEL]: jobId };
}

/** Secret + Job of one remote export: pure, the same spec always renders the same objects. */
export function renderJob(spec: RemoteJobSpec): RenderedJob {
  checkSpec(spec);
  const name = jobName(spec.jobId);
  const labels = jobLabels(spec.jobId);
  const metadata = () => ({ name, namespace: spec.namespace, labels: { ...labels } });
  const limits: Record<string, string> = { cpu: spec.resources.cpu, memory: spec.resources.memory };
  if (spec.gpu) limits['nvidia.com/gpu'] = '1';
  const secret: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(),
    type: 'Opaque',
    stringData: { ...spec.secretEnv },
  };
  const job: V1Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(),
    spec: {
      backoffLimit: spec.backoffLimit,
      activeDeadlineSeconds: spec.activeDeadlineSeconds,
      ttlSecondsAfterFinished: spec.ttlSecondsAfterFinished,
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: TRAINER_UID,
            runAsGroup: TRAINER_UID,
            fsGroup: TRAINER_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          // GPU nodes are commonly tainted so that only pods asking for a GPU land there.
          ...(spec.gpu
            ? { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] }
            : {}),
          containers: [
            {
              name: TRAINER_CONTAINER,
              image: spec.image,
              command: [...TRAINER_COMMAND],
              workingDir: '/app',
              env: Object.entries(spec.env).map(([key, value]) => ({ name: key, value })),
              envFrom: [{ secretRef: { name } }],
              resources: {
                requests: { cpu: spec.resources.cpu, memory: spec.resources.memory },
                limits,
              },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: TRAINER_UID,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'work', mountPath: '/work' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'work', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
  return { secret, job };
}

function checkSpec(spec: RemoteJobSpec): void {
  if (!JOB_ID.test(spec.jobId) || spec.jobId.length > JOB_ID_MAX)
    throw new AppError(
      'REMOTE_JOB_ID_INVALID',
      `Job id "${spec.jobId}" cannot name a Kubernetes Job: it must be at most ${JOB_ID_MAX} lowercase letters, digits or '-'.`,
      'This is a bug in Edgepack: export job ids are lowercase UUIDs.',
    );
  const names = [...Object.keys(spec.env), ...Object.keys(spec.secretEnv)];
  const bad = names.find((n) => !ENV_NAME.test(n));
  if (bad)
    throw new AppError(
      'REMOTE_ENV_INVALID',
      `"${bad}" is not an environment variable name.`,
      'This is a bug in Edgepack.',
    );
  const twice = Object.keys(spec.env).find((n) => n in spec.secretEnv);
  if (twice)
    throw new AppError(
      'REMOTE_ENV_INVALID',
      `${twice} is both a plain and a secret variable of the Job: the plain one would win and the secret be ignored.`,
      'This is a bug in Edgepack: give each variable once.',
    );
}
