import type { Deployment, DeploymentVersion, HistoryEntry } from '../store/types';
import { TIER_LIMITS } from '../limits/tiers';

/** The API's JSON shapes (snake_case, as in the seed's API). */
export function deploymentView(d: Deployment) {
  return {
    id: d.id,
    name: d.name,
    deployment_type: 'platform_endpoint',
    status: d.status,
    endpoint_url: d.endpointUrl,
    key_prefix: d.keyPrefix,
    tier: d.tier,
    rate_limit_per_minute: TIER_LIMITS[d.tier],
    active_version: d.activeVersion,
    replicas: d.replicas,
    last_error: d.lastError,
    usage: {
      request_count: d.usage.requestCount,
      last_request_at: d.usage.lastRequestAt,
      total_inference_time_ms: round(d.usage.totalInferenceTimeMs, 3),
      average_inference_time_ms: d.usage.requestCount
        ? round(d.usage.totalInferenceTimeMs / d.usage.requestCount, 3)
        : null,
    },
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

export function versionView(v: DeploymentVersion) {
  return {
    version: v.version,
    status: v.status,
    model_sha256: v.modelSha256,
    model_bytes: v.modelBytes,
    task: v.modelInfo.task,
    classes: v.modelInfo.names,
    imgsz: v.modelInfo.imgsz,
    bundle: v.bundle ? { size_bytes: v.bundle.bytes, sha256: v.bundle.sha256 } : null,
    error: v.error,
    created_at: v.createdAt,
  };
}

export function historyView(h: HistoryEntry) {
  return {
    event: h.event,
    status_before: h.statusBefore,
    status_after: h.statusAfter,
    detail: h.detail,
    at: h.at,
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
