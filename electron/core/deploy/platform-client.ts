import { AppError } from '../errors';

// Uploads carry the whole model and the platform loads it before answering; everything else is quick.
const UPLOAD_TIMEOUT_MS = 300_000;
const CALL_TIMEOUT_MS = 20_000;

/** A deployment as the platform's management API answers it (snake_case, see platform/server/views.ts). */
export interface PlatformDeployment {
  id: string;
  name: string;
  status: string;
  endpoint_url: string;
  key_prefix: string;
  tier: string;
  rate_limit_per_minute: number;
  last_error: string | null;
  usage: {
    request_count: number;
    last_request_at: string | null;
    total_inference_time_ms: number;
    average_inference_time_ms: number | null;
  };
  created_at: string;
  updated_at: string;
}

export interface PlatformHistoryEntry {
  event: string;
  status_before: string | null;
  status_after: string | null;
  at: string;
}

export interface PlatformKeyed {
  deployment: PlatformDeployment;
  api_key: string;
  endpoint_url: string;
  curl: string;
}

export interface InferAnswer {
  status: number;
  body: Record<string, unknown>;
  roundTripMs: number;
}

/** The platform's management API over fetch; every failure becomes an AppError naming the platform's own code. */
export class PlatformClient {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  createDeployment(model: Uint8Array, metadata: string | null, name: string): Promise<PlatformKeyed> {
    const form = new FormData();
    form.set('model', new Blob([model]), 'model.onnx');
    if (metadata !== null)
      form.set('metadata', new Blob([metadata], { type: 'application/json' }), 'metadata.json');
    form.set('name', name);
    return this.call<PlatformKeyed>('POST', '/api/v1/deployments', form, UPLOAD_TIMEOUT_MS);
  }

  async get(id: string): Promise<{ deployment: PlatformDeployment; history: PlatformHistoryEntry[] }> {
    return this.call('GET', `/api/v1/deployments/${encodeURIComponent(id)}`);
  }

  async list(): Promise<PlatformDeployment[]> {
    return (await this.call<{ deployments: PlatformDeployment[] }>('GET', '/api/v1/deployments')).deployments;
  }

  async lifecycle(id: string, action: 'deactivate' | 'reactivate'): Promise<PlatformDeployment> {
    const answer = await this.call<{ deployment: PlatformDeployment }>(
      'POST',
      `/api/v1/deployments/${encodeURIComponent(id)}/${action}`,
    );
    return answer.deployment;
  }

  regenerateKey(id: string): Promise<PlatformKeyed> {
    return this.call('POST', `/api/v1/deployments/${encodeURIComponent(id)}/regenerate-key`);
  }

  async remove(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/deployments/${encodeURIComponent(id)}`);
  }

  /** One image to the public inference endpoint with the deployment's key (not the account token). */
  async infer(
    endpointUrl: string,
    apiKey: string,
    image: Uint8Array,
    contentType: string,
    confidence: number,
  ): Promise<InferAnswer> {
    const started = performance.now();
    const url = `${endpointUrl}?confidence_threshold=${confidence}`;
    const response = await this.fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': contentType },
      body: image,
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: response.status, body, roundTripMs: performance.now() - started };
  }

  private call<T>(method: string, route: string, body?: FormData, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
    return callPlatform<T>(this.baseUrl, this.token, method, route, body, timeoutMs);
  }

  private fetch(url: string, init: RequestInit, timeoutMs = CALL_TIMEOUT_MS): Promise<Response> {
    return fetchPlatform(this.baseUrl, url, init, timeoutMs);
  }
}

/**
 * One call to the platform's API with the account token (multipart, or `{json}` sent as JSON); the answer parsed,
 * every failure an AppError keeping the platform's own code. Shared by every client of the platform's routes.
 */
export async function callPlatform<T>(
  baseUrl: string,
  token: string,
  method: string,
  route: string,
  body?: FormData | { json: unknown },
  timeoutMs = CALL_TIMEOUT_MS,
): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let payload: FormData | string | undefined;
  if (body instanceof FormData) payload = body;
  else if (body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  }
  const response = await fetchPlatform(
    baseUrl,
    `${baseUrl}${route}`,
    { method, headers, body: payload },
    timeoutMs,
  );
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: reported below with the status
  }
  if (!response.ok) throw platformError(response.status, parsed, baseUrl);
  if (parsed === null) {
    throw new AppError(
      'PLATFORM_BAD_ANSWER',
      `The platform at ${baseUrl} answered ${method} ${route} with something that is not JSON.`,
      'Check that the URL points at an Edgepack platform service (npm run platform).',
    );
  }
  return parsed as T;
}

/** fetch with a timeout; a network failure or timeout is PLATFORM_UNREACHABLE naming the platform and the cause. */
export async function fetchPlatform(
  baseUrl: string,
  url: string,
  init: RequestInit,
  timeoutMs = CALL_TIMEOUT_MS,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause =
      (error as Error).name === 'TimeoutError'
        ? `no answer in ${timeoutMs / 1000} s`
        : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    throw new AppError(
      'PLATFORM_UNREACHABLE',
      `The platform at ${baseUrl} is not reachable (${cause}).`,
      'Check the platform URL and that the service is running (npm run platform).',
      { cause: error },
    );
  }
}

/** The platform's {error: {code, message, hint}} as an AppError, keeping its code. */
export function platformError(status: number, body: unknown, baseUrl: string): AppError {
  const e = (body as { error?: { code?: string; message?: string; hint?: string } } | null)?.error;
  if (e?.code && e.message) {
    const hint =
      e.code === 'ACCOUNT_TOKEN_INVALID' || e.code === 'ACCOUNT_TOKEN_MISSING'
        ? 'Give the platform account token (epk_acct_…) with --token, or in the Deploy settings.'
        : (e.hint ?? '');
    return new AppError(e.code, `Platform: ${e.message}`, hint);
  }
  return new AppError(
    'PLATFORM_ERROR',
    `The platform at ${baseUrl} answered HTTP ${status}.`,
    'Check the platform service log.',
  );
}
