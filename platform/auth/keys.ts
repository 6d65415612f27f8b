import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Deployment keys: `epk_live_` + 32 random base62 characters (~190 bits). Recognisable in logs and secret scanners. */
export const DEPLOYMENT_KEY_PREFIX = 'epk_live_';
/** Account tokens for the management API. */
export const ACCOUNT_TOKEN_PREFIX = 'epk_acct_';
/** Per-job tokens a remote trainer sends with its progress and completion callbacks. */
export const CALLBACK_TOKEN_PREFIX = 'epk_cb_';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function generateSecret(prefix: string): string {
  let out = prefix;
  while (out.length < prefix.length + 32) {
    for (const byte of randomBytes(48)) {
      // Rejection sampling keeps every character equally likely.
      if (byte < 248 && out.length < prefix.length + 32) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** What is shown in lists instead of the key: the prefix and four characters. */
export function displayPrefix(secret: string): string {
  const cut = secret.startsWith(DEPLOYMENT_KEY_PREFIX) || secret.startsWith(ACCOUNT_TOKEN_PREFIX) ? 13 : 4;
  return `${secret.slice(0, cut)}…`;
}

/**
 * Keys are stored as HMAC-SHA256 under a server secret (a stolen database alone cannot be brute-forced offline)
 * and compared in constant time. Every check — no key, unknown deployment, wrong or revoked key — computes one
 * HMAC and one 32-byte comparison, so answers take the same time whatever was wrong.
 */
export class KeyHasher {
  private readonly decoy: Buffer;

  constructor(private readonly secret: string) {
    if (secret.length < 16) throw new Error('The key-hashing secret must be at least 16 characters.');
    this.decoy = randomBytes(32);
  }

  hash(secret: string): string {
    return createHmac('sha256', this.secret).update(secret, 'utf8').digest('hex');
  }

  /** True only when `presented` hashes to `storedHash`; a null storedHash still costs a full comparison. */
  matches(presented: string | null, storedHash: string | null): boolean {
    const actual = createHmac('sha256', this.secret)
      .update(presented ?? '', 'utf8')
      .digest();
    const expected =
      storedHash && /^[0-9a-f]{64}$/.test(storedHash) ? Buffer.from(storedHash, 'hex') : this.decoy;
    const equal = timingSafeEqual(actual, expected);
    return equal && presented !== null && expected !== this.decoy;
  }
}

/** The bearer token from an Authorization header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}
