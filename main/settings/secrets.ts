// shell: write-only secrets (ngrok authtoken, FusionAuth client secrets), encrypted by an Encryptor port
// (Electron's safeStorage in the app, AES-GCM in tests) and kept as base64 ciphertext — never plain text.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Port: where secrets live. Values never leave main except to the engine and the preflight. */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  has(key: string): Promise<boolean>;
  /** Which backend encrypts (safeStorage's `getSelectedStorageBackend()` on Linux, e.g. `basic_text`). */
  backend(): string;
  /** False when the OS offers no encryption at all: `set` then refuses. */
  available(): boolean;
}

/** Port: turns a secret into ciphertext and back. main/glue/electron-store.ts wraps safeStorage's async API. */
export interface Encryptor {
  isEncryptionAvailable(): boolean;
  backend(): string;
  encrypt(plain: string): Promise<Buffer>;
  decrypt(buf: Buffer): Promise<string>;
}

/** Where the ciphertext is kept: any object with conf's get/set/delete/has (a conf or electron-store). */
export interface SecretBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  has(key: string): boolean;
}

/** The secret keys Porthole uses. Tunnel names are `[a-z0-9-]`, so no dot reaches conf's dot-paths. */
export const SECRET_KEYS = {
  ngrokAuthtoken: 'ngrok-authtoken',
  clientSecret: (tunnel: string): string => `client-secret-${tunnel}`,
} as const;

const KEY_RE = /^[a-z0-9][a-z0-9-]*$/;

/** Thrown (in main only) when a secret cannot be stored; carries no secret. */
export class SecretStorageError extends Error {
  constructor(
    message: string,
    readonly code: 'SECRET_STORAGE_UNAVAILABLE' | 'SECRET_STORAGE_CORRUPT' | 'SECRET_KEY_INVALID',
  ) {
    super(message);
    this.name = 'SecretStorageError';
  }
}

/** A SecretStore over `backend`: each value encrypted by `encryptor`, stored as `{ v: 1, c: base64 }` under `secrets.<key>`. */
export function createSecretStore(backend: SecretBackend, encryptor: Encryptor): SecretStore {
  const path = (key: string): string => {
    // Dots would make conf nest the key; anything odd is a programming error, not user input.
    if (!KEY_RE.test(key)) throw new SecretStorageError(`invalid secret key "${key}"`, 'SECRET_KEY_INVALID');
    return `secrets.${key}`;
  };
  const read = (key: string): Buffer | undefined => {
    const raw = backend.get(path(key));
    if (raw === undefined) return undefined;
    const c = (raw as { c?: unknown } | null)?.c;
    if (typeof c !== 'string') throw new SecretStorageError(`stored secret "${key}" is unreadable`, 'SECRET_STORAGE_CORRUPT');
    return Buffer.from(c, 'base64');
  };
  return {
    async get(key) {
      const buf = read(key);
      if (!buf) return undefined;
      try {
        return await encryptor.decrypt(buf);
      } catch {
        // A keychain change (new machine, reset login keyring) makes old ciphertext undecryptable.
        throw new SecretStorageError(`stored secret "${key}" cannot be decrypted; enter it again`, 'SECRET_STORAGE_CORRUPT');
      }
    },
    async set(key, value) {
      const p = path(key);
      if (!encryptor.isEncryptionAvailable()) {
        throw new SecretStorageError('this system offers no way to encrypt secrets', 'SECRET_STORAGE_UNAVAILABLE');
      }
      const buf = await encryptor.encrypt(value);
      backend.set(p, { v: 1, c: buf.toString('base64') });
    },
    async delete(key) {
      const p = path(key);
      if (backend.has(p)) backend.delete(p);
    },
    async has(key) {
      return backend.has(path(key));
    },
    backend: () => encryptor.backend(),
    available: () => encryptor.isEncryptionAvailable(),
  };
}

/**
 * The same store, telling `seen` each value it stores or reads back: how the log file learns which
 * values to remove (main/glue/log-file.ts), without anything else holding a list of secrets.
 */
export function reportingSecretStore(store: SecretStore, seen: (value: string) => void): SecretStore {
  return {
    ...store,
    async get(key) {
      const value = await store.get(key);
      if (value !== undefined) seen(value);
      return value;
    },
    async set(key, value) {
      seen(value);
      await store.set(key, value);
    },
  };
}

/**
 * A real AES-256-GCM Encryptor with an in-memory key, for tests and headless use.
 * Output is `iv(12) | tag(16) | ciphertext`.
 */
export function createAesGcmEncryptor(key: Buffer = randomBytes(32), backendName = 'aes-256-gcm'): Encryptor {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  return {
    isEncryptionAvailable: () => true,
    backend: () => backendName,
    async encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async decrypt(buf) {
      const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      decipher.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
