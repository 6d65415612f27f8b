import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config';

describe('configFromEnv', () => {
  it('defaults to loopback:8080, embedded ONNX Runtime, SQLite, local storage and in-process limits', () => {
    const config = configFromEnv({ PLATFORM_DATA_DIR: '/tmp/p' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      publicUrl: 'http://127.0.0.1:8080',
      backend: { kind: 'embedded' },
      storage: { kind: 'local', dir: '/tmp/p/packages' },
      defaultTier: 'free',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
  });

  it('switches to Triton, PostgreSQL, Redis and S3 when their variables are set', () => {
    const config = configFromEnv({
      PLATFORM_PORT: '9000',
      TRITON_URL: 'http://a:8000, http://b:8000',
      DATABASE_URL: 'postgres://x@h/db',
      REDIS_URL: 'redis://h:6379',
      S3_BUCKET: 'models',
      S3_ENDPOINT: 'http://127.0.0.1:5000',
    });
    expect(config.port).toBe(9000);
    expect(config.backend).toMatchObject({
      kind: 'triton',
      urls: ['http://a:8000', 'http://b:8000'],
      modelBackend: 'onnxruntime',
    });
    expect(config.storage).toMatchObject({ kind: 's3', bucket: 'models', endpoint: 'http://127.0.0.1:5000' });
    expect(config.databaseUrl).toBe('postgres://x@h/db');
  });

  it('names the variable that is wrong', () => {
    expect(() => configFromEnv({ PLATFORM_PORT: 'eighty' })).toThrow(/PLATFORM_PORT must be a whole number/);
    expect(() => configFromEnv({ PLATFORM_BACKEND: 'triton' })).toThrow(/TRITON_URL is required/);
    expect(() => configFromEnv({ PLATFORM_DEFAULT_TIER: 'gold' })).toThrow(/PLATFORM_DEFAULT_TIER/);
  });
});
