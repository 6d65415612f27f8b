export type Tier = 'free' | 'pro' | 'enterprise';
export const TIERS: readonly Tier[] = ['free', 'pro', 'enterprise'];

/** Requests per minute per deployment. */
export const TIER_LIMITS: Record<Tier, number> = { free: 10, pro: 100, enterprise: 1000 };
export const RATE_WINDOW_MS = 60_000;

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}
