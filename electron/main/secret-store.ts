import path from 'node:path';
import { safeStorage } from 'electron';
import { FileSecretStore, type SecretStore } from '../core/deploy/secret-store';

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
    ? new FileSecretStore(path.join(home, 'secrets.enc'), 'keychain', {
        encode: (json) => safeStorage.encryptString(json),
        decode: (bytes) => safeStorage.decryptString(bytes),
      })
    : new FileSecretStore(path.join(home, 'secrets.json'));
}
