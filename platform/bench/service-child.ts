/**
 * A platform service process for the benchmark: the real app and platform, configured from the environment like
 * `npm run platform`, plus BENCH_ACCOUNTS (tiers to create accounts for) and BENCH_UNLIMITED (the limiter does its
 * usual bookkeeping but never refuses, so throughput is measured rather than the tier). Prints one JSON line when ready.
 *
 * It also runs the "direct" side of the throughput comparison: on stdin, "<deployment id> <concurrency> <seconds>"
 * runs the same runPipeline on the same backend and the same loaded model as its /v1/infer route, in this process,
 * with no HTTP, key or limiter, and answers one JSON line. Two separate processes running the very same pipeline
 * differ by up to ±5 % in p50 from one start to the next, as much as the 0.95× target; one process does not.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { MemoryRateLimiter } from '../limits/memory';
import type { RateLimiter } from '../limits/types';
import { isTier } from '../limits/tiers';
import { buildApp } from '../server/app';
import { configFromEnv } from '../server/config';
import { runPipeline } from '../server/pipeline';
import { createPlatform, type Platform } from '../server/platform';
import { closedLoopCalls } from './direct-loop';

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

/** One direct call: the deployment's serving version through runPipeline, straight to the backend. */
async function directCall(
  platform: Platform,
  deploymentId: string,
  image: Buffer,
): Promise<() => Promise<void>> {
  const deployment = await platform.store.deployment(deploymentId);
  const version = deployment?.activeVersion
    ? await platform.store.version(deploymentId, deployment.activeVersion)
    : undefined;
  if (!deployment || !version) throw new Error(`no serving version of deployment ${deploymentId}`);
  await platform.deployments.ensureLoaded(deployment);
  const model = { info: version.modelInfo, serving: version.serving };
  return async () => {
    // A fresh buffer per call, as each request brings: libvips would otherwise serve repeats from its cache.
    await runPipeline(
      Buffer.from(image),
      model,
      (input) => platform.backend.infer(deploymentId, version.version, input),
      {},
      config.maxImagePixels,
    );
  };
}

if (process.env.BENCH_DIRECT_IMAGE) {
  const image = readFileSync(process.env.BENCH_DIRECT_IMAGE);
  for await (const line of createInterface({ input: process.stdin })) {
    const [deploymentId, c, s] = line.trim().split(/\s+/);
    const once = await directCall(platform, deploymentId!, image);
    console.log(JSON.stringify(await closedLoopCalls(once, Number(c), Number(s))));
  }
}
