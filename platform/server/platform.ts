import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ACCOUNT_TOKEN_PREFIX, displayPrefix, generateSecret, KeyHasher } from '../auth/keys';
import { createBackend } from '../backends/create';
import type { InferenceBackend } from '../backends/types';
import { MemoryRateLimiter } from '../limits/memory';
import type { RateLimiter } from '../limits/types';
import type { Tier } from '../limits/tiers';
import { LocalObjectStore } from '../storage/local';
import type { ObjectStore } from '../storage/types';
import { openDb } from '../store/db';
import { PlatformStore } from '../store/platform-store';
import type { Account } from '../store/types';
import type { PlatformConfig } from './config';
import { DeploymentService } from './deployments';
import { ExportJobService } from './export-jobs';
import { InferenceService } from './inference';
import { UsageRecorder } from './usage';

/** Everything the HTTP layer needs, built from the configuration. */
export interface Platform {
  config: PlatformConfig;
  store: PlatformStore;
  objects: ObjectStore;
  backend: InferenceBackend;
  limiter: RateLimiter;
  keys: KeyHasher;
  usage: UsageRecorder;
  deployments: DeploymentService;
  inference: InferenceService;
  exportJobs: ExportJobService;
  log: (message: string) => void;
  /** Creates an account and returns its token (shown once). */
  createAccount(name: string, tier: Tier): Promise<{ account: Account; token: string }>;
  authenticateAccount(token: string | null): Promise<Account | undefined>;
  close(): Promise<void>;
}

/** Parts a caller may supply instead of the ones the configuration implies (benchmarks, tests). */
export interface PlatformParts {
  limiter?: RateLimiter;
}

export async function createPlatform(
  config: PlatformConfig,
  log: (message: string) => void = () => undefined,
  parts: PlatformParts = {},
): Promise<Platform> {
  await fs.mkdir(config.dataDir, { recursive: true });
  const secret = config.secret ?? (await persistentSecret(path.join(config.dataDir, 'secret')));
  const keys = new KeyHasher(secret);
  const store = new PlatformStore(
    await openDb({
      databaseUrl: config.databaseUrl,
      schema: config.databaseSchema,
      sqliteFile: path.join(config.dataDir, 'platform.db'),
    }),
  );
  await store.migrate();
  // S3 and Redis clients (and Triton's, see createBackend) are loaded only when configured: the default service keeps its heap small,
  // and every full garbage collection (frequent under load: each request allocates megabytes) walks all of it.
  const objects: ObjectStore =
    config.storage.kind === 's3'
      ? new (await import('../storage/s3')).S3ObjectStore(config.storage)
      : new LocalObjectStore(config.storage.dir, { secret, publicUrl: config.publicUrl });
  const backend: InferenceBackend = await createBackend(config.backend);
  const limiter: RateLimiter =
    parts.limiter ??
    (config.redisUrl
      ? new (await import('../limits/redis')).RedisRateLimiter({
          url: config.redisUrl,
          prefix: config.redisPrefix,
          log,
        })
      : new MemoryRateLimiter());
  const usage = new UsageRecorder(store, log);
  const deployments = new DeploymentService({
    store,
    objects,
    backend,
    keys,
    publicUrl: config.publicUrl,
    log,
    // Called only after start-up, once `inference` exists.
    onChange: (id) => inference.invalidate(id),
  });
  const inference: InferenceService = new InferenceService({
    store,
    backend,
    deployments,
    keys,
    limiter,
    usage,
    maxImagePixels: config.maxImagePixels,
  });

  const platform: Platform = {
    config,
    store,
    objects,
    backend,
    limiter,
    keys,
    usage,
    deployments,
    inference,
    exportJobs: new ExportJobService({ store: store.exportJobs, keys, publicUrl: config.publicUrl }),
    log,
    async createAccount(name, tier) {
      const token = generateSecret(ACCOUNT_TOKEN_PREFIX);
      const account = await store.createAccount({
        name,
        tier,
        tokenHash: keys.hash(token),
        tokenPrefix: displayPrefix(token),
      });
      return { account, token };
    },
    async authenticateAccount(token) {
      if (!token) return undefined;
      return store.accountByTokenHash(keys.hash(token));
    },
    async close() {
      await usage.close();
      await backend.close();
      await limiter.close();
      objects.close?.();
      await store.close();
    },
  };
  return platform;
}

/** Ensures the configured admin token has an account; with no accounts at all, creates one and returns its token. */
export async function bootstrapAccount(
  platform: Platform,
): Promise<{ token: string; account: Account } | null> {
  const { config, store, keys } = platform;
  if (config.adminToken) {
    if (!(await platform.authenticateAccount(config.adminToken))) {
      await store.createAccount({
        name: 'admin',
        tier: config.defaultTier,
        tokenHash: keys.hash(config.adminToken),
        tokenPrefix: displayPrefix(config.adminToken),
      });
    }
    return null;
  }
  if ((await store.countAccounts()) > 0) return null;
  return platform.createAccount('default', config.defaultTier);
}

async function persistentSecret(file: string): Promise<string> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('hex');
    await fs
      .writeFile(file, secret, { mode: 0o600, flag: 'wx' })
      .catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    return (await fs.readFile(file, 'utf8')).trim();
  }
}
