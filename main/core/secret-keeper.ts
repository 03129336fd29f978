// core: the write-only secrets as the operations use them — which are stored (kept in memory so that
// snapshots stay synchronous), and storing one only where the OS protects it or the user agreed.
import type { SecretStorageInfo } from '../../common/contract.js';
import { portholeError } from '../../common/errors.js';
import type { SecretStore } from '../settings/secrets.js';
import { fail } from './op-error.js';

export interface SecretKeeper {
  /** Note which of `keys` are stored (at start). */
  load(keys: readonly string[]): Promise<void>;
  has(key: string): boolean;
  get(key: string): Promise<string | undefined>;
  /** Store a secret; refuses where there is no keychain, or only a weak one the user did not accept. */
  put(key: string, value: string, allowInsecure: boolean | undefined, field: string): Promise<void>;
  drop(key: string): Promise<void>;
  storage(): SecretStorageInfo;
}

/** Secrets would be stored without a real keychain (Linux's basic_text), or not at all. */
export function isWeakBackend(info: { backend: string; available: boolean }): boolean {
  return !info.available || info.backend === 'basic_text';
}

export function createSecretKeeper(secrets: SecretStore): SecretKeeper {
  const stored = new Set<string>();
  const storage = (): SecretStorageInfo => {
    const info = { backend: secrets.backend(), available: secrets.available() };
    return { ...info, weak: isWeakBackend(info) };
  };
  return {
    async load(keys) {
      for (const key of keys) if (await secrets.has(key)) stored.add(key);
    },
    has: (key) => stored.has(key),
    get: (key) => secrets.get(key),
    async put(key, value, allowInsecure, field) {
      const info = storage();
      if (!info.available) fail(portholeError('SECRET_STORAGE_UNAVAILABLE', { field }));
      if (info.weak && !allowInsecure) {
        fail(portholeError('SECRET_STORAGE_WEAK', {
          field: 'allowInsecureStorage',
          message: `No OS keychain is available (backend "${info.backend}"): secrets would be encrypted with a key stored on this computer.`,
        }));
      }
      await secrets.set(key, value);
      stored.add(key);
    },
    async drop(key) {
      await secrets.delete(key);
      stored.delete(key);
    },
    storage,
  };
}
