import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the platform URL and account token are kept. Electron's main process passes one backed by the OS keychain
 * (safeStorage); the CLI and the web harness use `FileSecretStore`, a 0600 file in the data folder.
 */
export interface SecretStore {
  readonly kind: 'keychain' | 'file';
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** How the secrets file's bytes are made: plain JSON here; Electron's main process encrypts with safeStorage. */
export interface SecretCodec {
  encode(json: string): Buffer | string;
  decode(bytes: Buffer): string;
}

const plainJson: SecretCodec = { encode: (json) => json, decode: (bytes) => bytes.toString('utf8') };

/** Secrets as one JSON object in a file only its owner can read (mode 0600, rewritten atomically). */
export class FileSecretStore implements SecretStore {
  constructor(
    readonly file: string,
    readonly kind: SecretStore['kind'] = 'file',
    private readonly codec: SecretCodec = plainJson,
  ) {}

  async get(name: string): Promise<string | null> {
    return this.read()[name] ?? null;
  }

  async set(name: string, value: string): Promise<void> {
    this.write({ ...this.read(), [name]: value });
  }

  async delete(name: string): Promise<void> {
    const all = this.read();
    delete all[name];
    this.write(all);
  }

  private read(): Record<string, string> {
    try {
      const parsed: unknown = JSON.parse(this.codec.decode(fs.readFileSync(this.file)));
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  private write(all: Record<string, string>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, this.codec.encode(JSON.stringify(all)), { mode: 0o600 });
    fs.chmodSync(temp, 0o600);
    fs.renameSync(temp, this.file);
  }
}
