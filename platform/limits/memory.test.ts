import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './memory';

describe('MemoryRateLimiter (sliding window log)', () => {
  it('admits exactly the limit in any window and says when the next slot opens', async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter(() => now);
    const decisions = [];
    for (let i = 0; i < 12; i++) {
      decisions.push(await limiter.hit('d', 10, 60_000));
      now += 1000;
    }
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.map((d) => d.remaining).slice(0, 10)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    // At t=+11 s the oldest request (t=0) leaves the window at t=+60 s: 49 s to wait.
    expect(decisions[11]).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 49_000 });
  });

  it('slides: a slot frees exactly when the oldest request is a full window old', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now);
    for (now = 0; now <= 200; now += 100) await limiter.hit('k', 3, 1000);
    now = 999;
    expect((await limiter.hit('k', 3, 1000)).allowed).toBe(false);
    now = 1000;
    expect((await limiter.hit('k', 3, 1000)).allowed).toBe(true);
    expect((await limiter.hit('k', 3, 1000)).allowed).toBe(false);
  });

  it('driven at 1.5× the limit for two windows, admits exactly twice the limit', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now);
    let admitted = 0;
    const limit = 100;
    const interval = 60_000 / (limit * 1.5);
    for (now = 0; now < 120_000; now += interval)
      if ((await limiter.hit('t', limit, 60_000)).allowed) admitted++;
    expect(admitted).toBe(2 * limit);
  });

  it('keeps keys apart', async () => {
    const limiter = new MemoryRateLimiter(() => 0);
    await limiter.hit('a', 1, 1000);
    expect((await limiter.hit('a', 1, 1000)).allowed).toBe(false);
    expect((await limiter.hit('b', 1, 1000)).allowed).toBe(true);
  });
});
