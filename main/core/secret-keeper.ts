// core: the write-only secrets as the operations use them — which are stored (kept in memory so that
// snapshots stay synchronous), which must be entered again (stored, but no longer decryptable: a new
// keychain, a restored backup, a damaged value), and storing one only where the OS protects it or the user agreed.
import type { SecretStorageInfo } from '../../common/contract.js';
import { portholeError } from '../../common/errors.js';
import { SecretStorageError, type SecretStore } from '../settings/secrets.js';
import { fail } from './op-error.js';

export interface SecretKeeper {
  /** Note which of `keys` are stored (at start). */
  load(keys: readonly string[]): Promise<void>;
  has(key: string): boolean;
  /** Stored but unreadable: the user must enter it again (its ciphertext is kept until then). */
  mustReenter(key: string): boolean;
  /** Every key that must be entered again, in the order they were found. */
  toReenter(): string[];
  /** The value; undefined when none is stored or the stored one cannot be read (then `mustReenter`). */
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

/** `onUnreadable`: a stored secret was just found unreadable (the tray and window should say so). */
export function createSecretKeeper(secrets: SecretStore, onUnreadable: (key: string) => void = () => {}): SecretKeeper {
  const stored = new Set<string>();
  const unreadable = new Set<string>();
  const storage = (): SecretStorageInfo => {
    const info = { backend: secrets.backend(), available: secrets.available() };
    return { ...info, weak: isWeakBackend(info) };
  };
  return {
    async load(keys) {
      for (const key of keys) if (await secrets.has(key)) stored.add(key);
    },
    has: (key) => stored.has(key),
    mustReenter: (key) => unreadable.has(key),
    toReenter: () => [...unreadable],
    async get(key) {
      if (unreadable.has(key)) return undefined;
      try {
        return await secrets.get(key);
      } catch (err) {
        // Only an unreadable value is the user's to fix; anything else is a real failure.
        if (!(err instanceof SecretStorageError) || err.code !== 'SECRET_STORAGE_CORRUPT') throw err;
        stored.delete(key);
        unreadable.add(key);
        onUnreadable(key);
        return undefined;
      }
    },
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
      unreadable.delete(key);
    },
    async drop(key) {
      await secrets.delete(key);
      stored.delete(key);
      unreadable.delete(key);
    },
    storage,
  };
}
