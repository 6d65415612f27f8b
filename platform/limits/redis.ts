import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { MemoryRateLimiter } from './memory';
import type { RateDecision, RateLimiter } from './types';

/**
 * The sliding-window log in one atomic script, timed by Redis' own clock, so any number of replicas share one
 * exact limit. Returns {allowed, remaining, ms until the oldest entry leaves the window}.
 */
const SLIDING_WINDOW = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
  allowed = 1
  count = count + 1
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {allowed, limit - count, tonumber(oldest[2]) + window - now}
`;

export interface RedisLimiterOptions {
  url: string;
  /** Namespaces the keys (one per environment, or per test run). */
  prefix: string;
  /** How long a limit check may wait for Redis before this replica decides alone. */
  timeoutMs?: number;
  log?: (message: string) => void;
}

type SlidingWindowRedis = Redis & {
  slidingWindow(
    key: string,
    limit: number,
    windowMs: number,
    member: string,
  ): Promise<[number, number, number]>;
};

/**
 * Shared limits through Redis. When Redis cannot be reached the service keeps answering and each replica enforces
 * the limit on its own (so N replicas admit at most N× the limit) until Redis is back; `status()` says so and the
 * health endpoint reports it. Refusing all traffic because the limiter's store is down would turn a Redis outage
 * into a full outage of every endpoint.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: SlidingWindowRedis;
  private readonly fallback = new MemoryRateLimiter();
  private lastError: string | null = null;

  constructor(private readonly options: RedisLimiterOptions) {
    const timeout = options.timeoutMs ?? 250;
    this.redis = new Redis(options.url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeout,
      connectTimeout: Math.max(timeout * 4, 1000),
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    }) as SlidingWindowRedis;
    this.redis.defineCommand('slidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
    this.redis.on('error', (error: Error) => this.degrade(error));
    this.redis.on('ready', () => this.recover());
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    if (this.redis.status !== 'ready') {
      this.degrade(new Error(`connection ${this.redis.status}`));
      return this.fallback.hitSync(key, limit, windowMs);
    }
    try {
      const [allowed, remaining, resetMs] = await this.redis.slidingWindow(
        `${this.options.prefix}${key}`,
        limit,
        windowMs,
        randomUUID(),
      );
      this.recover();
      return {
        allowed: allowed === 1,
        limit,
        remaining: Math.max(0, remaining),
        retryAfterMs: allowed === 1 ? 0 : Math.max(0, resetMs),
        resetMs: Math.max(0, resetMs),
      };
    } catch (error) {
      this.degrade(error as Error);
      return this.fallback.hitSync(key, limit, windowMs);
    }
  }

  status(): { mode: 'redis' | 'redis-unreachable'; detail: string } {
    return this.lastError
      ? {
          mode: 'redis-unreachable',
          detail: `Redis unreachable (${this.lastError}); limits enforced per replica`,
        }
      : { mode: 'redis', detail: 'limits shared through Redis' };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.fallback.close();
  }

  private degrade(error: Error): void {
    if (this.lastError === null)
      this.options.log?.(`rate limits: Redis unreachable (${error.message}); enforcing per replica`);
    this.lastError = error.message || 'unknown error';
  }

  private recover(): void {
    if (this.lastError === null) return;
    this.lastError = null;
    this.options.log?.('rate limits: Redis reachable again; limits shared');
  }
}
