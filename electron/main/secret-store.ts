import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import type { SecretStore } from '../core/deploy/secret-store';
import { FileSecretStore } from '../core/deploy/secret-store';

/**
 * Platform credentials encrypted with Electron's safeStorage (Keychain on macOS, DPAPI on Windows, the Secret
 * Service / kwallet on Linux). The file in the data folder holds only ciphertext. Where the OS offers no keychain
 * (safeStorage unavailable, or Linux's "basic_text" fallback), the core's 0600 file store is used instead.
 */
export function createSecretStore(home: string): SecretStore {
  const usable =
    safeStorage.isEncryptionAvailable() &&
    (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
  return usable
    ? new KeychainSecretStore(path.join(home, 'secrets.enc'))
    : new FileSecretStore(path.join(home, 'secrets.json'));
}

class KeychainSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;

  constructor(private readonly file: string) {}

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
    if (!fs.existsSync(this.file)) return {};
    try {
      return JSON.parse(safeStorage.decryptString(fs.readFileSync(this.file))) as Record<string, string>;
    } catch {
      return {};
    }
  }

  private write(all: Record<string, string>): void {
    const temp = `${this.file}.tmp`;
    fs.writeFileSync(temp, safeStorage.encryptString(JSON.stringify(all)), { mode: 0o600 });
    fs.renameSync(temp, this.file);
  }
}
