import { z } from 'zod';
import type { AppErrorShape } from './errors';

/**
 * Remote targets: where an export can run instead of this computer. One kind today, `k8s`: a Kubernetes context and
 * namespace (from a kubeconfig, as kubectl reads it) whose Jobs run the trainer image, and the S3 bucket the
 * checkpoint and artifacts travel through.
 */
export const remoteTargetSchema = z
  .object({
    name: z.string(),
    kind: z.literal('k8s'),
    context: z.string().describe('The kubeconfig context the Jobs are created with.'),
    namespace: z.string(),
    bucket: z.string().describe('S3 bucket holding edgepack/exports/<job>/ (checkpoint in, artifacts out).'),
    s3Endpoint: z.string().nullable().describe('An S3-compatible endpoint (MinIO…); null: AWS S3.'),
    s3Region: z.string().nullable().describe('null: the standard AWS chain decides.'),
    gpu: z.boolean().describe('Its nodes have NVIDIA GPUs: TensorRT engines can be built there.'),
    image: z.string().describe('The trainer image its Jobs run.'),
    kubeconfig: z.string().nullable().describe('A kubeconfig file; null: KUBECONFIG, else ~/.kube/config.'),
    createdAt: z.string(),
  })
  .strict();
export type RemoteTarget = z.infer<typeof remoteTargetSchema>;

/** Limits shared by the form, the CLI and the core (Kubernetes' and S3's own rules). */
export const TARGET_NAME_MAX = 40;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const targetsAddRequest = z
  .object({
    kind: z.literal('k8s').default('k8s'),
    name: z.string().trim(),
    context: z.string().trim(),
    namespace: z.string().trim(),
    bucket: z.string().trim(),
    gpu: z.boolean().optional(),
    image: z.string().trim().optional(),
    s3Endpoint: z.string().trim().optional(),
    s3Region: z.string().trim().optional(),
    /** A kubeconfig file (absolute); absent: KUBECONFIG, else ~/.kube/config, as kubectl reads them. */
    kubeconfig: z.string().trim().optional(),
  })
  .strict();
export type TargetsAddRequest = z.input<typeof targetsAddRequest>;

export const targetNameRequest = z.object({ name: z.string().trim().min(1) }).strict();

/**
 * The first field a person typed wrong, as an error to show beside it (the settings form) or print (the CLI); null
 * when every field is well formed. Whether the kubeconfig and context exist is checked by the core, which can read
 * files.
 */
export function targetFieldProblem(request: TargetsAddRequest): AppErrorShape | null {
  const name = request.name.trim();
  if (!DNS_LABEL.test(name) || name.length > TARGET_NAME_MAX)
    return {
      code: 'TARGET_NAME_INVALID',
      message: `Target name "${name}" is not usable: it must be 1–${TARGET_NAME_MAX} lowercase letters, digits or '-', starting and ending with a letter or digit.`,
      hint: 'Name it after the cluster, e.g. "gpu-cluster" or "kind-local".',
    };
  if (!request.context.trim())
    return {
      code: 'KUBE_CONTEXT_REQUIRED',
      message: 'No Kubernetes context was given.',
      hint: 'Give the kubeconfig context to use (`kubectl config get-contexts` lists them).',
    };
  const namespace = request.namespace.trim();
  if (!DNS_LABEL.test(namespace) || namespace.length > 63)
    return {
      code: 'KUBE_NAMESPACE_INVALID',
      message: `Namespace "${namespace}" is not a Kubernetes namespace name (1–63 lowercase letters, digits or '-').`,
      hint: 'Give the namespace the Jobs run in, e.g. "edgepack" (`kubectl get namespaces` lists them).',
    };
  const bucket = request.bucket.trim();
  if (!BUCKET.test(bucket) || bucket.includes('..'))
    return {
      code: 'BUCKET_NAME_INVALID',
      message: `Bucket "${bucket}" is not an S3 bucket name (3–63 lowercase letters, digits, '.' or '-').`,
      hint: 'Give the name of an existing bucket the cluster can reach, e.g. "edgepack-exports".',
    };
  const endpoint = request.s3Endpoint?.trim();
  if (endpoint && !/^https?:\/\/[^\s/]+/i.test(endpoint))
    return {
      code: 'S3_ENDPOINT_INVALID',
      message: `S3 endpoint "${endpoint}" is not an http(s) URL.`,
      hint: 'Give the S3-compatible endpoint as a URL, e.g. http://minio.local:9000, or leave it out for AWS S3.',
    };
  const image = request.image?.trim();
  if (image !== undefined && (!image || /\s/.test(image)))
    return {
      code: 'TARGET_IMAGE_INVALID',
      message: `Image "${image}" is not a container image reference.`,
      hint: 'Give an image such as registry.example.com/edgepack-trainer:0.1.0, or leave it out for the default.',
    };
  return null;
}
