import { promises as fs } from 'node:fs';
import type { PlatformConfig } from '../server/config';
import { EmbeddedBackend } from './embedded';
import type { InferenceBackend } from './types';

/**
 * The configured inference backend. Triton's client is loaded only when configured: the default service keeps its
 * heap small, and every full garbage collection (frequent under load: each request allocates megabytes) walks it.
 */
export async function createBackend(config: PlatformConfig['backend']): Promise<InferenceBackend> {
  if (config.kind === 'embedded') return new EmbeddedBackend({ intraOpThreads: config.intraOpThreads });
  await fs.mkdir(config.repositoryDir, { recursive: true });
  return new (await import('./triton')).TritonBackend(config);
}
