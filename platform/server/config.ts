import path from 'node:path';
import envPaths from 'env-paths';
import type { TritonModelBackend } from '../repository/config-pbtxt';
import { isTier, type Tier } from '../limits/tiers';

export interface PlatformConfig {
  host: string;
  port: number;
  /** Base of the URLs handed out (endpoint URLs, local presigned downloads). */
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  /** PostgreSQL schema holding this installation's tables. */
  databaseSchema?: string;
  redisUrl?: string;
  redisPrefix: string;
  storage:
    | { kind: 'local'; dir: string }
    | { kind: 's3'; bucket: string; prefix: string; endpoint?: string; region?: string };
  backend:
    | { kind: 'embedded'; intraOpThreads?: number }
    | {
        kind: 'triton';
        urls: string[];
        repositoryDir: string;
        modelBackend: TritonModelBackend;
        tensorEncoding: 'binary' | 'json';
      };
  /** Secret for hashing keys and signing local downloads; generated into the data folder when not given. */
  secret?: string;
  /** An account token to create (or accept) at start-up, e.g. from a Kubernetes secret. */
  adminToken?: string;
  defaultTier: Tier;
  /** Largest JSON/image request body (bytes). */
  bodyLimitBytes: number;
  /** Largest model upload (bytes). */
  uploadLimitBytes: number;
  /** Largest bundle zip kept beside a version (bytes); a larger one is refused. */
  bundleLimitBytes?: number;
  maxImagePixels: number;
  logLevel: 'silent' | 'info' | 'debug';
}

export const DEFAULT_BUNDLE_LIMIT_BYTES = 512 * 1024 * 1024;

/** Reads the service's configuration from the environment; throws a message naming the bad variable. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const host = env.PLATFORM_HOST ?? '127.0.0.1';
  const port = integer(env, 'PLATFORM_PORT', 8080, 0, 65535);
  const dataDir = env.PLATFORM_DATA_DIR ?? envPaths('edgepack-platform', { suffix: '' }).data;
  const publicUrl = (
    env.PLATFORM_PUBLIC_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  ).replace(/\/+$/, '');
  const backendKind = env.PLATFORM_BACKEND ?? (env.TRITON_URL ? 'triton' : 'embedded');
  if (backendKind !== 'embedded' && backendKind !== 'triton')
    fail('PLATFORM_BACKEND', 'must be "embedded" or "triton"');
  const tier = env.PLATFORM_DEFAULT_TIER ?? 'free';
  if (!isTier(tier)) fail('PLATFORM_DEFAULT_TIER', 'must be free, pro or enterprise');
  const modelBackend = env.TRITON_MODEL_BACKEND ?? 'onnxruntime';
  if (modelBackend !== 'onnxruntime' && modelBackend !== 'python')
    fail('TRITON_MODEL_BACKEND', 'must be "onnxruntime" or "python"');
  const encoding = env.TRITON_TENSOR_ENCODING ?? 'binary';
  if (encoding !== 'binary' && encoding !== 'json')
    fail('TRITON_TENSOR_ENCODING', 'must be "binary" or "json"');
  if (backendKind === 'triton' && !env.TRITON_URL)
    fail('TRITON_URL', 'is required when PLATFORM_BACKEND=triton');
  const logLevel = env.PLATFORM_LOG_LEVEL ?? 'info';
  if (logLevel !== 'silent' && logLevel !== 'info' && logLevel !== 'debug')
    fail('PLATFORM_LOG_LEVEL', 'must be silent, info or debug');
  return {
    host,
    port,
    publicUrl,
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: env.PLATFORM_DB_SCHEMA || undefined,
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.PLATFORM_REDIS_PREFIX ?? 'edgepack:rl:',
    storage: env.S3_BUCKET
      ? {
          kind: 's3',
          bucket: env.S3_BUCKET,
          prefix: env.S3_PREFIX ?? '',
          endpoint: env.S3_ENDPOINT || undefined,
          region: env.AWS_REGION || undefined,
        }
      : { kind: 'local', dir: path.join(dataDir, 'packages') },
    backend:
      backendKind === 'triton'
        ? {
            kind: 'triton',
            urls: env
              .TRITON_URL!.split(',')
              .map((u) => u.trim())
              .filter(Boolean),
            repositoryDir: env.TRITON_MODEL_REPOSITORY ?? path.join(dataDir, 'triton-models'),
            modelBackend,
            tensorEncoding: encoding,
          }
        : {
            kind: 'embedded',
            intraOpThreads: env.PLATFORM_ORT_THREADS
              ? integer(env, 'PLATFORM_ORT_THREADS', 0, 1, 256)
              : undefined,
          },
    secret: env.PLATFORM_SECRET || undefined,
    adminToken: env.PLATFORM_ADMIN_TOKEN || undefined,
    defaultTier: tier,
    bodyLimitBytes: integer(env, 'PLATFORM_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024, 1024 ** 3),
    uploadLimitBytes: integer(env, 'PLATFORM_UPLOAD_LIMIT_BYTES', 512 * 1024 * 1024, 1024, 8 * 1024 ** 3),
    bundleLimitBytes: integer(
      env,
      'PLATFORM_BUNDLE_LIMIT_BYTES',
      DEFAULT_BUNDLE_LIMIT_BYTES,
      1024,
      8 * 1024 ** 3,
    ),
    maxImagePixels: integer(env, 'PLATFORM_MAX_IMAGE_PIXELS', 40_000_000, 1, 1_000_000_000),
    logLevel,
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    fail(name, `must be a whole number from ${min} to ${max}; got "${raw}"`);
  return value;
}

function fail(name: string, why: string): never {
  throw new Error(`Configuration error: ${name} ${why}.`);
}

export function bundleLimit(config: PlatformConfig): number {
  return config.bundleLimitBytes ?? DEFAULT_BUNDLE_LIMIT_BYTES;
}
