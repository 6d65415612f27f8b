/**
 * A platform service process for the benchmark: the real app and platform, configured from the environment like
 * `npm run platform`, plus BENCH_ACCOUNTS (tiers to create accounts for) and BENCH_UNLIMITED (the limiter does its
 * usual bookkeeping but never refuses, so throughput is measured rather than the tier). Prints one JSON line when ready.
 */
import { MemoryRateLimiter } from '../limits/memory';
import type { RateLimiter } from '../limits/types';
import { isTier } from '../limits/tiers';
import { buildApp } from '../server/app';
import { configFromEnv } from '../server/config';
import { createPlatform } from '../server/platform';

class UnlimitedLimiter extends MemoryRateLimiter implements RateLimiter {
  override async hit(key: string, _limit: number, windowMs: number) {
    return super.hit(key, Number.MAX_SAFE_INTEGER, windowMs);
  }
}

const config = configFromEnv();
const platform = await createPlatform(
  config,
  () => undefined,
  process.env.BENCH_UNLIMITED ? { limiter: new UnlimitedLimiter() } : {},
);
const tokens: Record<string, string> = {};
for (const tier of (process.env.BENCH_ACCOUNTS ?? '').split(',').filter(Boolean)) {
  if (!isTier(tier)) throw new Error(`unknown tier ${tier}`);
  tokens[tier] = (await platform.createAccount(`bench-${tier}`, tier)).token;
}
const app = await buildApp(platform);
await app.listen({ host: '127.0.0.1', port: config.port });
console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${config.port}`, tokens }));
process.once('SIGTERM', async () => {
  await app.close();
  await platform.close();
  process.exit(0);
});
