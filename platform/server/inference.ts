import type { OutputTensor } from '@edgepack/runtime';
import { bearerToken, type KeyHasher } from '../auth/keys';
import type { InferenceBackend, InputTensor } from '../backends/types';
import { BackendUnavailableError, InferenceFailedError } from '../backends/types';
import type { RateDecision, RateLimiter } from '../limits/types';
import { RATE_WINDOW_MS, TIER_LIMITS } from '../limits/tiers';
import type { PlatformStore } from '../store/platform-store';
import type { Deployment, DeploymentVersion } from '../store/types';
import type { DeploymentService } from './deployments';
import { PlatformError } from './errors';
import { runPipeline } from './pipeline';
import type { UsageRecorder } from './usage';
import { round } from './views';

export interface InferenceOptions {
  confidenceThreshold?: number;
  iouThreshold?: number;
  maxDetections?: number;
  classes?: number[];
  agnosticNms?: boolean;
  /** Classification: how many classes to answer (default 5). */
  topK?: number;
}

interface CachedDeployment {
  deployment: Deployment | undefined;
  keyHash: string | null;
  version: DeploymentVersion | undefined;
  expires: number;
}

export interface Authorized {
  deployment: Deployment;
  version: DeploymentVersion;
  rate: RateDecision;
}

export interface InferenceDeps {
  store: PlatformStore;
  backend: InferenceBackend;
  deployments: DeploymentService;
  keys: KeyHasher;
  limiter: RateLimiter;
  usage: UsageRecorder;
  maxImagePixels: number;
  /** How long a replica trusts its copy of a deployment's key and status (changes made here apply at once). */
  cacheTtlMs?: number;
}

/** `POST /v1/infer/{id}`: key check, tier limit, then the same pre/post-processing as the app's preview. */
export class InferenceService {
  private readonly cache = new Map<string, CachedDeployment>();

  constructor(private readonly deps: InferenceDeps) {}

  /**
   * Authenticates and rate-limits before the body is read. Missing, wrong, revoked or another deployment's key
   * all take the same path (one HMAC, one constant-time comparison) and get the same 401.
   */
  async authorize(deploymentId: string, authorization: string | undefined): Promise<Authorized> {
    const token = bearerToken(authorization);
    const entry = await this.lookup(deploymentId);
    const valid = this.deps.keys.matches(token, entry.keyHash);
    if (!entry.deployment) {
      throw new PlatformError(
        404,
        'DEPLOYMENT_NOT_FOUND',
        `There is no deployment ${deploymentId}.`,
        'Check the endpoint URL you were given when deploying.',
      );
    }
    if (!valid) {
      throw token === null
        ? new PlatformError(
            401,
            'API_KEY_MISSING',
            'This endpoint needs an API key.',
            'Send it as "Authorization: Bearer epk_live_…".',
            { 'WWW-Authenticate': 'Bearer' },
          )
        : new PlatformError(
            401,
            'API_KEY_INVALID',
            'The API key is not valid for this deployment.',
            'Use the key shown when the deployment was created or its key last regenerated.',
            { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
          );
    }
    const deployment = entry.deployment;
    if (deployment.status === 'inactive') {
      throw new PlatformError(
        403,
        'DEPLOYMENT_INACTIVE',
        `Deployment ${deployment.id} is deactivated.`,
        'Reactivate it (POST /api/v1/deployments/{id}/reactivate) to serve requests again.',
      );
    }
    if (deployment.status !== 'active' || !entry.version) {
      throw new PlatformError(
        503,
        deployment.status === 'failed' ? 'DEPLOYMENT_FAILED' : 'DEPLOYMENT_NOT_READY',
        deployment.status === 'failed'
          ? `Deployment ${deployment.id} failed: ${deployment.lastError ?? 'unknown reason'}`
          : `Deployment ${deployment.id} is still ${deployment.status}.`,
        deployment.status === 'failed'
          ? 'Upload a working model version or reactivate the deployment.'
          : 'Try again in a few seconds.',
      );
    }
    const rate = await this.deps.limiter.hit(
      `deployment:${deployment.id}`,
      TIER_LIMITS[deployment.tier],
      RATE_WINDOW_MS,
    );
    if (!rate.allowed) {
      const retryAfter = Math.max(1, Math.ceil(rate.retryAfterMs / 1000));
      throw new PlatformError(
        429,
        'RATE_LIMITED',
        `The ${deployment.tier} tier allows ${rate.limit} requests per minute; this deployment used them all.`,
        `Retry after ${retryAfter} s, or move to a higher tier.`,
        { 'Retry-After': String(retryAfter), ...rateLimitHeaders(rate) },
      );
    }
    return { deployment, version: entry.version, rate };
  }

  async run(authorized: Authorized, image: Uint8Array, options: InferenceOptions) {
    const { deployment, version } = authorized;
    const result = await runPipeline(
      image,
      { info: version.modelInfo, serving: version.serving },
      (input) => this.infer(deployment, input),
      {
        conf: options.confidenceThreshold,
        iou: options.iouThreshold,
        maxDet: options.maxDetections,
        classes: options.classes,
        agnostic: options.agnosticNms,
        topK: options.topK,
      },
      this.deps.maxImagePixels,
    );
    this.deps.usage.record(deployment.id, result.timing.totalMs);
    const t = result.timing;
    return {
      deployment_id: deployment.id,
      model_version: version.version,
      task: version.modelInfo.task,
      image: { width: result.width, height: result.height },
      // The runtime's predictions as they are: the same objects `edgepack predict --json` prints.
      predictions: withConfidence(version.modelInfo.task, result.predictions, options.confidenceThreshold),
      timing: {
        decode_ms: round(t.decodeMs, 3),
        preprocess_ms: round(t.preprocessMs, 3),
        inference_ms: round(t.inferenceMs, 3),
        postprocess_ms: round(t.postprocessMs, 3),
        total_ms: round(t.totalMs, 3),
      },
    };
  }

  /** Drops the cached key/status of a deployment (after a change made through this replica). */
  invalidate(deploymentId: string): void {
    this.cache.delete(deploymentId);
  }

  private async infer(deployment: Deployment, input: InputTensor): Promise<OutputTensor[]> {
    try {
      await this.deps.deployments.ensureLoaded(deployment);
      return await this.deps.backend.infer(deployment.id, deployment.activeVersion!, input);
    } catch (error) {
      if (error instanceof BackendUnavailableError) {
        this.deps.deployments.forgetLoaded(deployment.id);
        throw new PlatformError(
          503,
          'BACKEND_UNAVAILABLE',
          error.message,
          'The inference server is down or restarting; try again shortly.',
        );
      }
      if (error instanceof InferenceFailedError) {
        this.deps.deployments.forgetLoaded(deployment.id);
        throw new PlatformError(
          502,
          'INFERENCE_FAILED',
          error.message,
          'The model could not run on this input; if it persists, redeploy the model.',
        );
      }
      throw error;
    }
  }

  private async lookup(deploymentId: string): Promise<CachedDeployment> {
    const now = Date.now();
    const cached = this.cache.get(deploymentId);
    if (cached && cached.expires > now) return cached;
    const valid = /^[0-9a-f-]{36}$/.test(deploymentId);
    const deployment = valid ? await this.deps.store.deployment(deploymentId) : undefined;
    const keyHash = deployment ? await this.deps.store.activeKeyHash(deploymentId) : null;
    const version = deployment?.activeVersion
      ? await this.deps.store.version(deploymentId, deployment.activeVersion)
      : undefined;
    const entry = { deployment, keyHash, version, expires: now + (this.deps.cacheTtlMs ?? 1000) };
    if (valid) this.cache.set(deploymentId, entry);
    if (this.cache.size > 10_000) this.cache.clear();
    return entry;
  }
}

export function rateLimitHeaders(rate: RateDecision): Record<string, string> {
  return {
    'RateLimit-Limit': String(rate.limit),
    'RateLimit-Remaining': String(rate.remaining),
    'RateLimit-Reset': String(Math.max(0, Math.ceil(rate.resetMs / 1000))),
    'RateLimit-Policy': `${rate.limit};w=${RATE_WINDOW_MS / 1000}`,
  };
}

/**
 * Detection thresholds apply inside NMS; a classifier's top-k has no NMS, so an explicit confidence_threshold keeps
 * only the classes at or above it (left out, the top-k is answered whole, as Ultralytics does).
 */
function withConfidence<P extends { confidence: number }>(
  task: string,
  predictions: P[],
  threshold?: number,
): P[] {
  return task === 'classify' && threshold !== undefined
    ? predictions.filter((p) => p.confidence >= threshold)
    : predictions;
}
