import { createHmac, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ObjectStore } from './types';
import { assertSafeKey, ObjectNotFoundError } from './types';

/**
 * Files under one directory. Presigned URLs point at this service's `/downloads/<key>` route with an expiry and
 * an HMAC signature, the same contract as S3's presigned GETs.
 */
export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local' as const;

  constructor(
    private readonly root: string,
    private readonly signing: { secret: string; publicUrl: string },
  ) {}

  async put(key: string, body: Uint8Array): Promise<void> {
    const file = this.pathOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.partial`;
    await fs.writeFile(temporary, body);
    await fs.rename(temporary, file);
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return fs.access(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  async deletePrefix(prefix: string): Promise<void> {
    await fs.rm(this.pathOf(prefix.replace(/\/+$/, '')), { recursive: true, force: true });
  }

  async presignGet(key: string, expiresInSeconds: number): Promise<string> {
    assertSafeKey(key);
    const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const signature = this.sign(key, expires);
    const url = new URL(`/downloads/${key}`, this.signing.publicUrl);
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('signature', signature);
    return url.toString();
  }

  /** Checks a presigned URL's query; returns why it is refused, or null when it is good. */
  verify(
    key: string,
    expires: string | undefined,
    signature: string | undefined,
  ): 'expired' | 'bad-signature' | null {
    const at = Number(expires);
    if (!Number.isInteger(at) || !signature || !/^[0-9a-f]{64}$/.test(signature)) return 'bad-signature';
    const expected = Buffer.from(this.sign(key, at), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'bad-signature';
    if (at < Math.floor(Date.now() / 1000)) return 'expired';
    return null;
  }

  describe(): string {
    return `local disk (${this.root})`;
  }

  pathOf(key: string): string {
    assertSafeKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  private sign(key: string, expires: number): string {
    return createHmac('sha256', this.signing.secret).update(`GET\n${key}\n${expires}`).digest('hex');
  }
}
