import { DEPLOYMENT_NAME_MAX, type Deployment } from '../../contract';
import type { DeploymentEvent, DeploymentTarget } from '../db';

/** A curl command for one photo; `$EDGEPACK_KEY` stands in for the key wherever it is not shown. */
export function curlCommand(endpointUrl: string, apiKey = '$EDGEPACK_KEY'): string {
  return `curl -X POST "${endpointUrl}?confidence_threshold=0.5" -H "Authorization: Bearer ${apiKey}" -H "Content-Type: image/jpeg" --data-binary @photo.jpg`;
}

/** An endpoint named after its model and export version: "pets.pt", v3 → "pets-v3". */
export function endpointName(modelName: string, version: number): string {
  const stem = modelName.replace(/\.(pt|pth|onnx)$/i, '').trim() || 'model';
  const suffix = `-v${version}`;
  return stem.slice(0, DEPLOYMENT_NAME_MAX - suffix.length) + suffix;
}

export function toDeployment(t: DeploymentTarget, history: DeploymentEvent[]): Deployment {
  const text = (key: string) => (typeof t.config[key] === 'string' ? (t.config[key] as string) : null);
  const rate = t.config['rateLimitPerMinute'];
  return {
    id: t.id,
    exportId: t.exportJobId,
    name: text('name') ?? t.id,
    platformUrl: text('platformUrl') ?? '',
    endpointUrl: t.endpointUrl,
    keyPrefix: t.apiKeyPrefix,
    status: t.status,
    tier: text('tier'),
    rateLimitPerMinute: typeof rate === 'number' ? rate : null,
    usage: {
      requestCount: t.requestCount,
      lastRequestAt: t.lastRequestAt,
      totalInferenceTimeMs: t.totalInferenceTimeMs,
      averageInferenceTimeMs: t.requestCount
        ? Math.round((t.totalInferenceTimeMs / t.requestCount) * 1000) / 1000
        : null,
    },
    curl: t.endpointUrl ? curlCommand(t.endpointUrl) : null,
    error: t.error,
    history: history.map((h) => ({
      event: h.event,
      statusBefore: h.statusBefore,
      statusAfter: h.statusAfter,
      at: h.at,
    })),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
