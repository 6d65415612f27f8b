/** Where model packages live: local disk by default, S3 when configured. Keys are `/`-separated relative paths. */
export interface ObjectStore {
  readonly kind: 'local' | 's3';
  put(key: string, body: Uint8Array): Promise<void>;
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  deletePrefix(prefix: string): Promise<void>;
  /** A URL anyone holding it can download the object from until it expires. */
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
  describe(): string;
  /** Releases connections, if the store holds any. */
  close?(): void;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No stored object at "${key}".`);
    this.name = 'ObjectNotFoundError';
  }
}

/** Keys come from clients (deploy by S3 key): letters, digits, `._-/`, no empty or dot segments. */
export function assertSafeKey(key: string): void {
  const segments = key.split('/');
  const ok =
    key.length > 0 &&
    key.length <= 512 &&
    /^[A-Za-z0-9._\-/]+$/.test(key) &&
    segments.every((s) => s.length > 0 && s !== '.' && s !== '..');
  if (!ok) throw new InvalidKeyError(key);
}

export class InvalidKeyError extends Error {
  constructor(readonly key: string) {
    super(`"${key.slice(0, 100)}" is not a valid storage key.`);
    this.name = 'InvalidKeyError';
  }
}
