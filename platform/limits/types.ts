export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the window has room for another request (0 if it has room now). */
  retryAfterMs: number;
  /** Milliseconds until the oldest counted request leaves the window (one more request fits then). */
  resetMs: number;
}

/**
 * A sliding-window log: at most `limit` requests in any `windowMs`. Exact at the edges, unlike fixed windows,
 * so driving a deployment at 1.5× its limit admits exactly its limit per minute.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  /** How the limiter is doing: shared (Redis), or local to this replica (memory, or Redis unreachable). */
  status(): { mode: 'memory' | 'redis' | 'redis-unreachable'; detail: string };
  close(): Promise<void>;
}
