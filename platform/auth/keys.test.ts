import { describe, expect, it } from 'vitest';
import { bearerToken, DEPLOYMENT_KEY_PREFIX, displayPrefix, generateSecret, KeyHasher } from './keys';

describe('keys', () => {
  it('are recognisable, long and unique', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateSecret(DEPLOYMENT_KEY_PREFIX)));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(key).toMatch(/^epk_live_[0-9A-Za-z]{32}$/);
  });

  it('are stored as an HMAC under the server secret, never in clear', () => {
    const key = generateSecret(DEPLOYMENT_KEY_PREFIX);
    const a = new KeyHasher('secret-one-0123456789');
    const b = new KeyHasher('secret-two-0123456789');
    expect(a.hash(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash(key)).not.toContain(key.slice(9, 20));
    expect(a.hash(key)).not.toBe(b.hash(key));
  });

  it('match only the right key; no key and no stored hash never match', () => {
    const hasher = new KeyHasher('secret-0123456789abc');
    const key = generateSecret(DEPLOYMENT_KEY_PREFIX);
    const stored = hasher.hash(key);
    expect(hasher.matches(key, stored)).toBe(true);
    expect(hasher.matches(key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a'), stored)).toBe(false);
    expect(hasher.matches(null, stored)).toBe(false);
    expect(hasher.matches(key, null)).toBe(false);
    expect(hasher.matches('', hasher.hash(''))).toBe(true);
    expect(hasher.matches(null, hasher.hash(''))).toBe(false);
  });

  it('show only a prefix in lists', () => {
    expect(displayPrefix('epk_live_AbCdEfGh12345678901234567890123x')).toBe('epk_live_AbCd…');
  });

  it('are read from a Bearer header only', () => {
    expect(bearerToken('Bearer epk_live_abc')).toBe('epk_live_abc');
    expect(bearerToken('bearer   epk_live_abc ')).toBe('epk_live_abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
