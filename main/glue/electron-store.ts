// glue: the settings files through electron-store, and the secrets' Encryptor over Electron's safeStorage
// (its async API). The logic — schema, migrations, corrupt files, secret layout — is in main/settings/: settings-store.ts,
// schema.ts and secrets.ts, which run under plain Node with conf.

import ElectronStore, { type Options as ElectronStoreOptions } from 'electron-store';
import { safeStorage } from 'electron';
import type { Encryptor } from '../settings/secrets.js';
import type { ConfLike, StoreFactory } from '../settings/settings-store.js';

/**
 * openSettingsStore's factory for the app: electron-store is conf plus Electron's userData folder and
 * app version as defaults; it takes conf's options, with `name` for the file (settings-store.ts sets both).
 */
export const electronStoreFactory: StoreFactory = (options): ConfLike =>
  new ElectronStore(options as unknown as ElectronStoreOptions<Record<string, unknown>>);

/** Where safeStorage keeps its key: Linux says which backend it picked; macOS and Windows have one each. */
function backendName(platform: NodeJS.Platform): string {
  if (platform === 'linux') return safeStorage.getSelectedStorageBackend();
  if (platform === 'darwin') return 'keychain';
  if (platform === 'win32') return 'dpapi';
  return 'unknown';
}

/** The Encryptor for SecretStore, over safeStorage's async API. Call after app 'ready'. */
export async function createSafeStorageEncryptor(platform: NodeJS.Platform = process.platform): Promise<Encryptor> {
  // initialises the async encryptor once; before 'ready' both calls would answer for no backend at all
  const available = await safeStorage.isAsyncEncryptionAvailable();
  const backend = backendName(platform);
  return {
    isEncryptionAvailable: () => available,
    backend: () => backend,
    encrypt: (plain) => safeStorage.encryptStringAsync(plain),
    // `shouldReEncrypt` (a rotated key) is not acted on: the next save of that secret re-encrypts it anyway
    decrypt: async (buf) => (await safeStorage.decryptStringAsync(buf)).result,
  };
}
