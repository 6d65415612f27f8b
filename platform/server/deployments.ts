import { readOnnxSummary } from '@edgepack/runtime';
import { DEPLOYMENT_KEY_PREFIX, displayPrefix, generateSecret, type KeyHasher } from '../auth/keys';
import type { InferenceBackend } from '../backends/types';
import { BackendUnavailableError, ModelLoadError } from '../backends/types';
import type { ObjectStore } from '../storage/types';
import { ObjectNotFoundError, InvalidKeyError, assertSafeKey } from '../storage/types';
import type { PlatformStore } from '../store/platform-store';
import type { Account, Deployment, DeploymentVersion } from '../store/types';
import { PlatformError } from './errors';
import { bundleTooLarge, checkBundle, type BundleUpload } from './bundle';
import { DEFAULT_BUNDLE_LIMIT_BYTES } from './config';
import type { ModelPackage } from './packages';
import { validateModelPackage } from './packages';

/**
 * The longest deployment name the service takes. The app's contract refuses longer names before sending them (its
 * own DEPLOYMENT_NAME_MAX: the service is deployed apart from the app); tests/unit/platform-limits.test.ts keeps
 * the two equal.
 */
export const DEPLOYMENT_NAME_MAX = 100;

export interface DeploymentServiceDeps {
  store: PlatformStore;
  objects: ObjectStore;
  backend: InferenceBackend;
  keys: KeyHasher;
  publicUrl: string;
  /** The largest bundle zip a version keeps (PLATFORM_BUNDLE_LIMIT_BYTES). */
  bundleLimitBytes?: number;
  log: (message: string) => void;
  /** Called after any change to a deployment (so caches of its key and status can be dropped). */
  onChange?: (deploymentId: string) => void;
}

export interface CreatedDeployment {
  deployment: Deployment;
  apiKey: string;
}

const MAX_REPLICAS = 16;

/** Deploy, update, scale, deactivate, reactivate, re-key and delete — each step recorded in the history. */
export class DeploymentService {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly loading = new Map<string, Promise<void>>();
  /** Versions this process knows to be loaded in the backend, so inference does not ask every time. */
  private readonly loaded = new Map<string, number>();

  constructor(private readonly deps: DeploymentServiceDeps) {}

  async create(
    account: Account,
    input: {
      name?: string;
      replicas?: number;
      model: ModelPackage;
      metadataText: string | null;
      bundle?: BundleUpload | null;
    },
  ): Promise<CreatedDeployment> {
    const replicas = checkReplicas(input.replicas ?? 1);
    const name = checkName(input.name);
    const id = await this.deps.store.createDeployment({
      accountId: account.id,
      name: name ?? (input.model.info.names.slice(0, 3).join(', ').slice(0, DEPLOYMENT_NAME_MAX) || 'model'),
      replicas,
      endpointUrl: (deploymentId) => new URL(`/v1/infer/${deploymentId}`, this.deps.publicUrl).toString(),
    });
    return this.withLock(id, async () => {
      await this.storeVersion(id, 1, input.model, input.metadataText, input.bundle ?? null);
      try {
        await this.loadVersion(id, 1, input.model, replicas);
      } catch (error) {
        const message = loadFailure(error);
        await this.deps.store.setVersionStatus(id, 1, 'failed', message);
        await this.deps.store.transition(id, 'deployed', {
          status: 'failed',
          lastError: message,
          detail: message,
        });
        throw loadError(error, id, message, null);
      }
      await this.deps.store.setVersionStatus(id, 1, 'serving');
      await this.deps.store.transition(id, 'deployed', {
        status: 'active',
        activeVersion: 1,
        lastError: null,
        detail: 'version 1',
      });
      const apiKey = await this.issueKey(id);
      return { deployment: (await this.deps.store.deployment(id))!, apiKey };
    });
  }

  /**
   * Reads `<key>/model.onnx`, `<key>/metadata.json` and, when there is one, `<key>/bundle.zip` (or `<key>` itself when
   * it names the .onnx) from storage; the bundle is checked as an uploaded one is.
   */
  async readStoredPackage(
    packageKey: string,
  ): Promise<{ model: ModelPackage; metadataText: string | null; bundle: BundleUpload | null }> {
    try {
      assertSafeKey(packageKey);
    } catch (error) {
      if (error instanceof InvalidKeyError) {
        throw new PlatformError(
          400,
          'INVALID_PACKAGE_KEY',
          error.message,
          'Use the object key the export was uploaded under, e.g. "exports/abc123".',
        );
      }
      throw error;
    }
    const base = packageKey.endsWith('.onnx')
      ? packageKey.slice(0, packageKey.lastIndexOf('/') + 1)
      : `${packageKey.replace(/\/+$/, '')}/`;
    const modelKey = packageKey.endsWith('.onnx') ? packageKey : `${base}model.onnx`;
    let onnx: Buffer;
    try {
      onnx = await this.deps.objects.get(modelKey);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) {
        throw new PlatformError(
          404,
          'PACKAGE_NOT_FOUND',
          `There is no model at "${modelKey}" in ${this.deps.objects.describe()}.`,
          'Upload the export package first (model.onnx and metadata.json under one prefix), then deploy that prefix.',
        );
      }
      throw error;
    }
    const metadataKey = `${base}metadata.json`;
    const metadataText = (await this.deps.objects.exists(metadataKey))
      ? (await this.deps.objects.get(metadataKey)).toString('utf8')
      : null;
    const model = validateModelPackage(onnx, metadataText);
    const bundleKey = `${base}bundle.zip`;
    if (!(await this.deps.objects.exists(bundleKey))) return { model, metadataText, bundle: null };
    const zip = await this.deps.objects.get(bundleKey);
    const limit = this.deps.bundleLimitBytes ?? DEFAULT_BUNDLE_LIMIT_BYTES;
    if (zip.byteLength > limit) throw bundleTooLarge(limit);
    return { model, metadataText, bundle: checkBundle(zip, model) };
  }

  /** A new model version. If the backend refuses it, the previous version keeps serving and the attempt is recorded as failed. */
  async update(
    account: Account,
    id: string,
    model: ModelPackage,
    metadataText: string | null,
    bundle: BundleUpload | null = null,
  ): Promise<Deployment> {
    return this.withLock(id, async () => {
      const deployment = await this.owned(account, id);
      const version = await this.deps.store.nextVersion(id);
      await this.storeVersion(id, version, model, metadataText, bundle);
      if (deployment.status !== 'active') {
        // Nothing is serving: the new version is simply recorded and served on reactivation.
        await this.deps.store.setVersionStatus(id, version, 'retired');
        await this.deps.store.transition(id, 'updated', {
          activeVersion: version,
          detail: `version ${version} (not loaded: deployment ${deployment.status})`,
        });
        return (await this.deps.store.deployment(id))!;
      }
      try {
        await this.loadVersion(id, version, model, deployment.replicas);
      } catch (error) {
        const message = loadFailure(error);
        await this.deps.store.setVersionStatus(id, version, 'failed', message);
        await this.deps.store.transition(id, 'update_failed', {
          lastError: `version ${version} failed to load: ${message}`,
          detail: `version ${version}: ${message}`,
        });
        throw loadError(error, id, message, deployment.activeVersion);
      }
      if (deployment.activeVersion)
        await this.deps.store.setVersionStatus(id, deployment.activeVersion, 'retired');
      await this.deps.store.setVersionStatus(id, version, 'serving');
      await this.deps.store.transition(id, 'updated', {
        activeVersion: version,
        lastError: null,
        detail: `version ${deployment.activeVersion} → ${version}`,
      });
      return (await this.deps.store.deployment(id))!;
    });
  }

  async scale(account: Account, id: string, replicas: number): Promise<Deployment> {
    const count = checkReplicas(replicas);
    return this.withLock(id, async () => {
      const deployment = await this.owned(account, id);
      if (deployment.status === 'active' && deployment.activeVersion) {
        const version = (await this.deps.store.version(id, deployment.activeVersion))!;
        await this.loadStored(version, count);
      }
      await this.deps.store.transition(id, 'scaled', {
        replicas: count,
        detail: `replicas ${deployment.replicas} → ${count}`,
      });
      return (await this.deps.store.deployment(id))!;
    });
  }

  async deactivate(account: Account, id: string): Promise<Deployment> {
    return this.withLock(id, async () => {
      const deployment = await this.owned(account, id);
      if (deployment.status === 'inactive') return deployment;
      await this.deps.backend.unload(id);
      this.loaded.delete(id);
      await this.deps.store.transition(id, 'deactivated', { status: 'inactive' });
      return (await this.deps.store.deployment(id))!;
    });
  }

  async reactivate(account: Account, id: string): Promise<Deployment> {
    return this.withLock(id, async () => {
      const deployment = await this.owned(account, id);
      if (deployment.status === 'active') return deployment;
      const versions = await this.deps.store.versions(id);
      const target =
        versions.find((v) => v.version === deployment.activeVersion) ?? versions[versions.length - 1];
      if (!target) {
        throw new PlatformError(
          409,
          'NO_MODEL_VERSION',
          'This deployment has no stored model.',
          'Upload a model version, then reactivate.',
        );
      }
      try {
        await this.loadStored(target, deployment.replicas);
      } catch (error) {
        const message = loadFailure(error);
        await this.deps.store.transition(id, 'reactivated', {
          status: 'failed',
          lastError: message,
          detail: message,
        });
        throw loadError(error, id, message, null);
      }
      await this.deps.store.setVersionStatus(id, target.version, 'serving');
      await this.deps.store.transition(id, 'reactivated', {
        status: 'active',
        activeVersion: target.version,
        lastError: null,
        detail: `version ${target.version}`,
      });
      return (await this.deps.store.deployment(id))!;
    });
  }

  /** Issues a new key and revokes the old one at once; the new key is shown only in this response. */
  async regenerateKey(account: Account, id: string): Promise<CreatedDeployment> {
    return this.withLock(id, async () => {
      await this.owned(account, id);
      const apiKey = await this.issueKey(id);
      await this.deps.store.transition(id, 'key_regenerated', {});
      return { deployment: (await this.deps.store.deployment(id))!, apiKey };
    });
  }

  async remove(account: Account, id: string): Promise<void> {
    await this.withLock(id, async () => {
      await this.owned(account, id);
      await this.deps.backend.unload(id);
      this.loaded.delete(id);
      await this.deps.store.revokeKeys(id);
      await this.deps.objects.deletePrefix(`deployments/${id}`);
      await this.deps.store.transition(id, 'deleted', { status: 'deleted' });
    });
  }

  async detail(account: Account, id: string) {
    const deployment = await this.owned(account, id);
    return {
      deployment,
      versions: await this.deps.store.versions(id),
      history: await this.deps.store.history(id),
    };
  }

  async list(account: Account): Promise<Deployment[]> {
    return this.deps.store.deploymentsOf(account.id);
  }

  /** Presigned download URLs for the serving version's files (the seed's self-hosted download). */
  async downloads(account: Account, id: string, expiresInSeconds: number) {
    const deployment = await this.owned(account, id);
    const version = deployment.activeVersion ?? (await this.deps.store.nextVersion(id)) - 1;
    const stored = await this.deps.store.version(id, version);
    if (!stored)
      throw new PlatformError(
        404,
        'NO_MODEL_VERSION',
        'This deployment has no stored model yet.',
        'Deploy a model first.',
      );
    const expiresAt = new Date(Date.now() + expiresInSeconds * 1000).toISOString();
    const files: { name: string; key: string; sizeBytes: number | null; sha256: string | null }[] = [
      { name: 'model.onnx', key: stored.modelKey, sizeBytes: stored.modelBytes, sha256: stored.modelSha256 },
    ];
    if (stored.metadataKey)
      files.push({ name: 'metadata.json', key: stored.metadataKey, sizeBytes: null, sha256: null });
    if (stored.bundle) {
      const { key, bytes, sha256 } = stored.bundle;
      files.push({ name: 'bundle.zip', key, sizeBytes: bytes, sha256 });
    }
    return {
      version,
      expires_at: expiresAt,
      files: await Promise.all(
        files.map(async (f) => ({
          name: f.name,
          url: await this.deps.objects.presignGet(f.key, expiresInSeconds),
          size_bytes: f.sizeBytes,
          sha256: f.sha256,
        })),
      ),
    };
  }

  /** Makes sure this process' backend serves the deployment's active version (another replica may have deployed it). */
  async ensureLoaded(deployment: Deployment): Promise<void> {
    const version = deployment.activeVersion;
    if (version === null) return;
    if (this.loaded.get(deployment.id) === version) return;
    let pending = this.loading.get(deployment.id);
    if (!pending) {
      pending = (async () => {
        if (!(await this.deps.backend.isLoaded(deployment.id, version))) {
          const stored = await this.deps.store.version(deployment.id, version);
          if (!stored)
            throw new BackendUnavailableError(
              `Version ${version} of deployment ${deployment.id} is not stored.`,
            );
          await this.loadStored(stored, deployment.replicas);
        }
        this.loaded.set(deployment.id, version);
      })().finally(() => this.loading.delete(deployment.id));
      this.loading.set(deployment.id, pending);
    }
    await pending;
  }

  /** Forgets that a deployment is loaded (the backend said otherwise), so the next request reloads it. */
  forgetLoaded(id: string): void {
    this.loaded.delete(id);
  }

  /** At start-up: load every active deployment so the first request does not pay for it. */
  async restore(): Promise<void> {
    for (const deployment of await this.deps.store.activeDeployments()) {
      try {
        await this.ensureLoaded(deployment);
      } catch (error) {
        this.deps.log(`restore: deployment ${deployment.id} not loaded yet: ${(error as Error).message}`);
      }
    }
  }

  async owned(account: Account, id: string): Promise<Deployment> {
    const deployment = await this.deps.store.deployment(id);
    if (!deployment || deployment.accountId !== account.id) {
      throw new PlatformError(
        404,
        'DEPLOYMENT_NOT_FOUND',
        `There is no deployment ${id} in this account.`,
        'List deployments with GET /api/v1/deployments.',
      );
    }
    return deployment;
  }

  private async issueKey(id: string): Promise<string> {
    const apiKey = generateSecret(DEPLOYMENT_KEY_PREFIX);
    await this.deps.store.replaceKey(id, this.deps.keys.hash(apiKey), displayPrefix(apiKey));
    return apiKey;
  }

  private async storeVersion(
    id: string,
    version: number,
    model: ModelPackage,
    metadataText: string | null,
    bundle: BundleUpload | null,
  ): Promise<void> {
    const prefix = `deployments/${id}/v${version}`;
    await this.deps.objects.put(`${prefix}/model.onnx`, model.onnx);
    if (metadataText !== null)
      await this.deps.objects.put(`${prefix}/metadata.json`, Buffer.from(metadataText));
    if (bundle) await this.deps.objects.put(`${prefix}/bundle.zip`, bundle.zip);
    await this.deps.store.addVersion({
      deploymentId: id,
      version,
      modelKey: `${prefix}/model.onnx`,
      metadataKey: metadataText !== null ? `${prefix}/metadata.json` : null,
      modelSha256: model.sha256,
      modelBytes: model.onnx.byteLength,
      modelInfo: model.info,
      serving: model.serving,
      bundle: bundle
        ? { key: `${prefix}/bundle.zip`, sha256: bundle.sha256, bytes: bundle.zip.byteLength }
        : null,
    });
  }

  private async loadVersion(
    id: string,
    version: number,
    model: ModelPackage,
    replicas: number,
  ): Promise<void> {
    await this.deps.backend.load({
      deploymentId: id,
      version,
      onnx: model.onnx,
      summary: model.summary,
      info: model.info,
      replicas,
    });
    this.loaded.set(id, version);
  }

  private async loadStored(version: DeploymentVersion, replicas: number): Promise<void> {
    const onnx = await this.deps.objects.get(version.modelKey);
    await this.deps.backend.load({
      deploymentId: version.deploymentId,
      version: version.version,
      onnx,
      summary: readOnnxSummary(onnx),
      info: version.modelInfo,
      replicas,
    });
    this.loaded.set(version.deploymentId, version.version);
  }

  private async withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    this.locks.set(id, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(id) === run) this.locks.delete(id);
      this.deps.onChange?.(id);
    }
  }
}

/** A deployment's name, trimmed: 1–100 characters, or none (then it is named after its classes). */
function checkName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > DEPLOYMENT_NAME_MAX) {
    throw new PlatformError(
      400,
      'INVALID_NAME',
      trimmed.length === 0
        ? 'The deployment name is empty.'
        : `The deployment name is ${trimmed.length} characters long; a name is 1 to ${DEPLOYMENT_NAME_MAX} characters.`,
      `Send a name of 1 to ${DEPLOYMENT_NAME_MAX} characters (e.g. "pets-v2"), or leave the field out to name the deployment after its classes.`,
    );
  }
  return trimmed;
}

function checkReplicas(replicas: number): number {
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS) {
    throw new PlatformError(
      400,
      'INVALID_REPLICAS',
      `replicas must be a whole number from 1 to ${MAX_REPLICAS}; got ${replicas}.`,
      'Send e.g. {"replicas": 2}.',
    );
  }
  return replicas;
}

/** The backend's own words for why a load failed; anything else is a bug and propagates. */
function loadFailure(error: unknown): string {
  if (error instanceof ModelLoadError || error instanceof BackendUnavailableError) return error.message;
  throw error;
}

function loadError(
  error: unknown,
  id: string,
  message: string,
  servingVersion: number | null,
): PlatformError {
  const details = { deployment_id: id, serving_version: servingVersion };
  if (error instanceof BackendUnavailableError) {
    return new PlatformError(
      503,
      'BACKEND_UNAVAILABLE',
      message,
      'Start the inference server (or check TRITON_URL), then reactivate the deployment or upload the version again.',
      {},
      details,
    );
  }
  return new PlatformError(
    422,
    'MODEL_LOAD_FAILED',
    servingVersion ? `${message} Version ${servingVersion} is still serving.` : message,
    'Check that the file is the model.onnx from a completed export; re-export it if needed, then upload it again.',
    {},
    details,
  );
}
