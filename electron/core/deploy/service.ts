import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {
  DeployedBundle,
  Deployment,
  DeploymentDownloads,
  DeploymentPushed,
  DeployPushRequest,
  DeploymentWithKey,
  DeployCreateRequest,
  DeploySettings,
  DeploySettingsRequest,
  DeployTestRequest,
  DeployTestResult,
  ExportJob,
} from '../../contract';
import { metadataForFormat } from '../../../native-runtimes/typescript/metadata';
import type { DeploymentTarget, DeploymentsRepo, ModelsRepo } from '../db';
import { AppError } from '../errors';
import type { AccuracyGateService } from '../exports/accuracy-gate';
import type { ExportsService } from '../exports/service';
import type { PackagesService } from '../packages/service';
import { bundleToShip, refusedBundle, skipped } from './bundle-upload';
import {
  PlatformClient,
  platformError,
  type PlatformDeployment,
  type PlatformKeyed,
} from './platform-client';
import type { SecretStore } from './secret-store';
import { curlCommand, endpointName, toDeployment } from './views';

const URL_SECRET = 'platform.url';
const TOKEN_SECRET = 'platform.token';
const TYPE = 'platform_endpoint';

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.gif': 'image/gif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

interface Deps {
  repo: DeploymentsRepo;
  models: ModelsRepo;
  exports: ExportsService;
  secrets: SecretStore;
  accuracyGate: AccuracyGateService;
  packages: PackagesService;
}

/**
 * Hosted endpoints from exports: uploads the export's ONNX + metadata.json (and its bundle zip) to the platform, keeps a local record
 * (key prefix only) with its history, and mirrors the platform's status and usage figures.
 */
export class DeployService {
  constructor(private readonly deps: Deps) {}

  async settings(): Promise<DeploySettings> {
    const { secrets } = this.deps;
    return {
      endpoint: await secrets.get(URL_SECRET),
      hasToken: (await secrets.get(TOKEN_SECRET)) !== null,
      storage: secrets.kind,
    };
  }

  /**
   * Stores the platform URL and token once the platform has accepted them (a token it refuses, or a platform that
   * does not answer, is said now, not at the next Deploy); nothing is stored when the check fails.
   */
  async configure(request: DeploySettingsRequest): Promise<DeploySettings> {
    const endpoint = request.endpoint.replace(/\/+$/, '');
    const token = request.token ?? (await this.deps.secrets.get(TOKEN_SECRET));
    if (token) await new PlatformClient(endpoint, token).list();
    await this.deps.secrets.set(URL_SECRET, endpoint);
    if (request.token) await this.deps.secrets.set(TOKEN_SECRET, request.token);
    return this.settings();
  }

  async create(request: DeployCreateRequest): Promise<DeploymentWithKey> {
    const job = this.deps.exports.get(request.exportId);
    const { model, metadata } = this.packageOf(job);
    this.deps.accuracyGate.assertShippable(job, ['onnx'], 'deploy', request.overrideAccuracy);
    if (request.endpoint) await this.configure({ endpoint: request.endpoint, token: request.token });
    const client = await this.client(request.endpoint, request.token);
    const modelName = this.deps.models.get(job.modelId)?.name;
    const name = request.name ?? endpointName(modelName ?? `model-${job.modelId.slice(0, 8)}`, job.version);
    const { result: keyed, bundle } = await this.upload(job, model, (onnx, bundleBytes) =>
      client.createDeployment(onnx, metadata, name, bundleBytes),
    );
    const d = keyed.deployment;
    this.deps.repo.create({
      id: d.id,
      exportJobId: job.id,
      type: TYPE,
      config: configOf(client.baseUrl, d),
      endpointUrl: d.endpoint_url,
      apiKeyPrefix: d.key_prefix,
      status: 'deploying',
    });
    this.deps.repo.transition(d.id, 'deployed', d.status, { error: d.last_error });
    this.deps.repo.setUsage(d.id, usageOf(d));
    return { ...this.withKey(d.id, keyed), bundle };
  }

  /**
   * A new model version of a deployment from an export (the same one re-exported, or another): its ONNX model,
   * metadata.json and bundle zip. The platform keeps the serving version when the new one fails to load.
   */
  async pushVersion(request: DeployPushRequest): Promise<DeploymentPushed> {
    const target = this.live(request.id);
    const job = this.deps.exports.get(request.exportId);
    const { model, metadata } = this.packageOf(job);
    this.deps.accuracyGate.assertShippable(job, ['onnx'], 'deploy', request.overrideAccuracy);
    const client = await this.clientFor(target);
    const { result: d, bundle } = await this.upload(job, model, (onnx, bundleBytes) =>
      client.pushVersion(target.id, onnx, metadata, bundleBytes),
    );
    this.deps.repo.transition(
      target.id,
      'updated',
      d.status,
      { exportJobId: job.id, error: d.last_error },
      { exportId: job.id, version: d.active_version },
    );
    this.deps.repo.setUsage(target.id, usageOf(d));
    return { deployment: this.view(this.target(target.id)), version: d.active_version ?? null, bundle };
  }

  /**
   * Sends the export's ONNX model with its bundle zip (reused or built). The bundle holds every format of the
   * export: an accuracy override given for the ONNX model does not extend to them (a bundle the gate refuses is
   * skipped, with the reason). A platform that will not take the bundle gets the model without it.
   */
  private async upload<T>(
    job: ExportJob,
    model: string,
    send: (onnx: Buffer, bundle: Buffer | null) => Promise<T>,
  ): Promise<{ result: T; bundle: DeployedBundle }> {
    const onnx = fs.readFileSync(model);
    const modelSha256 = createHash('sha256').update(onnx).digest('hex');
    const bundle = await bundleToShip(this.deps.packages, job, modelSha256);
    try {
      return { result: await send(onnx, bundle.bytes), bundle: bundle.shipped };
    } catch (error) {
      if (!bundle.bytes || !refusedBundle(error)) throw error;
      const result = await send(onnx, null);
      return { result, bundle: skipped(error, 'The platform did not take the bundle zip') };
    }
  }

  /** Presigned links to the serving version's files on the platform: model.onnx, metadata.json, bundle.zip. */
  async downloads(id: string): Promise<DeploymentDownloads> {
    const target = this.live(id);
    const answer = await (await this.clientFor(target)).downloads(target.id);
    return {
      version: answer.version,
      expiresAt: answer.expires_at,
      files: answer.files.map((f) => ({
        name: f.name,
        url: f.url,
        sizeBytes: f.size_bytes ?? null,
        sha256: f.sha256 ?? null,
      })),
    };
  }

  /** Local records, refreshed from the platform when asked (unreachable platforms leave them as they were). */
  async list(exportId?: string, refresh = false): Promise<Deployment[]> {
    const targets = this.deps.repo.list(exportId).filter((t) => t.type === TYPE);
    if (refresh) {
      for (const target of targets) {
        if (target.status === 'deleted') continue;
        await this.refresh(target).catch(() => undefined);
      }
    }
    return this.deps.repo
      .list(exportId)
      .filter((t) => t.type === TYPE)
      .map((t) => this.view(t));
  }

  /** The deployment with fresh status and usage figures from the platform. */
  async get(id: string): Promise<Deployment> {
    const target = this.target(id);
    if (target.status !== 'deleted') await this.refresh(target);
    return this.view(this.target(id));
  }

  async deactivate(id: string): Promise<Deployment> {
    return this.lifecycle(id, 'deactivate', 'deactivated');
  }

  async reactivate(id: string): Promise<Deployment> {
    return this.lifecycle(id, 'reactivate', 'reactivated');
  }

  async regenerateKey(id: string): Promise<DeploymentWithKey> {
    const target = this.live(id);
    const keyed = await (await this.clientFor(target)).regenerateKey(target.id);
    this.deps.repo.transition(target.id, 'key_regenerated', keyed.deployment.status, {
      apiKeyPrefix: keyed.deployment.key_prefix,
    });
    return this.withKey(target.id, keyed);
  }

  /** Deletes it on the platform; the local record stays, marked deleted, with its history. */
  async delete(id: string): Promise<Deployment> {
    const target = this.live(id);
    await (await this.clientFor(target)).remove(target.id);
    this.deps.repo.transition(target.id, 'deleted', 'deleted');
    return this.view(this.target(target.id));
  }

  /** The playground: one image through the public endpoint with the key, as any client would send it. */
  async test(request: DeployTestRequest): Promise<DeployTestResult> {
    const target = this.live(request.id);
    if (!target.endpointUrl) throw new AppError('DEPLOYMENT_NOT_FOUND', `${target.id} has no endpoint URL.`);
    const type = IMAGE_TYPES[path.extname(request.imagePath).toLowerCase()];
    if (!type) {
      throw new AppError(
        'NOT_AN_IMAGE',
        `${path.basename(request.imagePath)} is not an image the endpoint takes.`,
        `Use one of ${Object.keys(IMAGE_TYPES).join(', ')}.`,
      );
    }
    if (!fs.existsSync(request.imagePath)) {
      throw new AppError('IMAGE_NOT_FOUND', `No file at ${request.imagePath}.`, 'Pick the image again.');
    }
    const client = await this.clientFor(target);
    const answer = await client.infer(
      target.endpointUrl,
      request.apiKey,
      fs.readFileSync(request.imagePath),
      type,
      request.confidenceThreshold ?? 0.25,
    );
    if (answer.status !== 200) throw platformError(answer.status, answer.body, client.baseUrl);
    const b = answer.body as Partial<DeployTestResult> & { model_version?: number };
    return {
      status: answer.status,
      predictions: b.predictions ?? [],
      image: b.image ?? null,
      timing: b.timing ?? {},
      modelVersion: b.model_version ?? null,
      roundTripMs: Math.round(answer.roundTripMs * 10) / 10,
    };
  }

  private async lifecycle(
    id: string,
    action: 'deactivate' | 'reactivate',
    event: string,
  ): Promise<Deployment> {
    const target = this.live(id);
    const d = await (await this.clientFor(target)).lifecycle(target.id, action);
    this.deps.repo.transition(target.id, event, d.status, { error: d.last_error });
    this.deps.repo.setUsage(target.id, usageOf(d));
    return this.view(this.target(target.id));
  }

  private async refresh(target: DeploymentTarget): Promise<void> {
    const { deployment: d } = await (await this.clientFor(target)).get(target.id);
    if (d.status !== target.status) this.deps.repo.transition(target.id, 'synced', d.status);
    this.deps.repo.setUsage(target.id, usageOf(d));
  }

  /** The ONNX file of a finished export, and its document from the export's metadata.json (the text uploaded). */
  private packageOf(job: ExportJob): { model: string; metadata: string | null } {
    const onnx = job.results.find((r) => r.format === 'onnx' && r.path);
    if (!onnx?.path || !['passed', 'failed_parity'].includes(onnx.status)) {
      throw new AppError(
        'EXPORT_NOT_DEPLOYABLE',
        `Export v${job.version} (${job.id}) has no finished ONNX model to deploy.`,
        'The platform serves ONNX: make an export with the ONNX format, wait for it to finish, then deploy it.',
      );
    }
    if (!fs.existsSync(onnx.path)) {
      throw new AppError(
        'EXPORT_FILES_MISSING',
        `The ONNX file of export v${job.version} is gone (${onnx.path}).`,
        'Export the model again.',
      );
    }
    const metadata = this.deps.exports.metadataPath(job.id);
    return {
      model: onnx.path,
      metadata: metadata && fs.existsSync(metadata) ? onnxDocument(metadata) : null,
    };
  }

  private async client(endpoint?: string, token?: string): Promise<PlatformClient> {
    const settings = await platformSettings(this.deps.secrets, endpoint, token);
    return new PlatformClient(settings.url, settings.token);
  }

  private async clientFor(target: DeploymentTarget): Promise<PlatformClient> {
    const url = typeof target.config['platformUrl'] === 'string' ? target.config['platformUrl'] : undefined;
    return this.client(url);
  }

  private target(id: string): DeploymentTarget {
    const exact = this.deps.repo.get(id);
    if (exact) return exact;
    const matches = id.length >= 4 ? this.deps.repo.list().filter((t) => t.id.startsWith(id)) : [];
    if (matches.length === 1) return matches[0]!;
    throw new AppError(
      'DEPLOYMENT_NOT_FOUND',
      matches.length > 1 ? `${id} matches ${matches.length} deployments.` : `No deployment with id ${id}.`,
      'List the deployments with `edgepack deployments list`.',
    );
  }

  private live(id: string): DeploymentTarget {
    const target = this.target(id);
    if (target.status === 'deleted') {
      throw new AppError(
        'DEPLOYMENT_DELETED',
        `Deployment ${target.id} was deleted.`,
        'Deploy the export again for a new endpoint.',
      );
    }
    return target;
  }

  private view(target: DeploymentTarget): Deployment {
    return toDeployment(target, this.deps.repo.history(target.id));
  }

  private withKey(id: string, keyed: PlatformKeyed): DeploymentWithKey {
    const deployment = this.view(this.target(id));
    return {
      deployment,
      apiKey: keyed.api_key,
      curl: curlCommand(keyed.endpoint_url, keyed.api_key),
    };
  }
}

function configOf(platformUrl: string, d: PlatformDeployment): Record<string, unknown> {
  return { platformUrl, name: d.name, tier: d.tier, rateLimitPerMinute: d.rate_limit_per_minute };
}

function usageOf(d: PlatformDeployment) {
  return {
    requestCount: d.usage.request_count,
    lastRequestAt: d.usage.last_request_at,
    totalInferenceTimeMs: d.usage.total_inference_time_ms,
  };
}

/**
 * The ONNX model's document from an export's metadata.json (which describes every format of the export): the
 * platform gets model.onnx + metadata.json for that model alone. A file that is not JSON goes as it is, for the
 * platform to refuse by name.
 */
function onnxDocument(file: string): string | null {
  const text = fs.readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  const document = metadataForFormat(parsed, 'onnx');
  return document ? `${JSON.stringify(document, null, 2)}\n` : null;
}

/** The platform URL and account token given now or stored (Deploy settings), or what to do without them. */
export async function platformSettings(
  secrets: SecretStore,
  endpoint?: string,
  token?: string,
): Promise<{ url: string; token: string }> {
  const url = endpoint ?? (await secrets.get(URL_SECRET));
  if (!url) {
    throw new AppError(
      'PLATFORM_NOT_CONFIGURED',
      'No platform URL is set.',
      'Give it with --endpoint URL (e.g. http://127.0.0.1:8080), or in the Deploy section.',
    );
  }
  const secret = token ?? (await secrets.get(TOKEN_SECRET));
  if (!secret) {
    throw new AppError(
      'PLATFORM_TOKEN_MISSING',
      `No account token is stored for the platform at ${url}.`,
      'Give the account token (epk_acct_…, printed once when the platform created the account) with --token.',
    );
  }
  return { url, token: secret };
}
