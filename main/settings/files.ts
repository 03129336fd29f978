// shell: the settings folder's files as found — read once at launch without writing anything, set aside
// when damaged, and written (atomically, through conf or electron-store) only when something changed.
// A file that could not be read is never written over: its owner may still want what is in it.

import { accessSync, constants, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { portholeError } from '../../common/errors.js';
import { fail } from '../core/op-error.js';

/** The surface of conf (and electron-store, which extends it) this module uses. */
export interface ConfLike {
  readonly path: string;
  store: Record<string, unknown>;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  has(key: string): boolean;
}

/** The options handed to the factory: conf's, plus `name` for electron-store (which maps it to configName). */
export interface StoreOptions {
  name: string;
  configName: string;
  cwd: string;
  projectVersion: string;
  schema?: Record<string, unknown>;
  migrations?: Record<string, (store: ConfLike) => void>;
  clearInvalidConfig: false;
  /** Secrets files are for this user only. */
  configFileMode?: number;
}

/** Builds a store; the default is `new Conf(options)`, the app passes `new ElectronStore(options)`. */
export type StoreFactory = (options: StoreOptions) => ConfLike;

/** A file as found at launch. */
type RawFile = { state: 'missing' } | { state: 'ok'; bytes: Buffer } | { state: 'unreadable'; reason: string };

/** `EACCES: permission denied` from Node's `EACCES: permission denied, open '/x/settings.json'`. */
function fsReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const text = e instanceof Error ? e.message : String(err);
  return e?.code ? `${e.code}: ${text.replace(/^[A-Z]+: /, '').split(',')[0]}` : text;
}

const isFsError = (err: unknown): boolean => typeof (err as NodeJS.ErrnoException)?.code === 'string' && /^E[A-Z]+$/.test((err as NodeJS.ErrnoException).code!);

/** Read a file without ever creating or changing it. */
export function readRaw(file: string): RawFile {
  try {
    if (statSync(file).isDirectory()) return { state: 'unreadable', reason: 'EISDIR: a folder is where the file should be' };
    return { state: 'ok', bytes: readFileSync(file) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'unreadable', reason: fsReason(err) };
  }
}

/** Can this user create and replace files in `dir`? (A folder not there yet will be created.) */
export function folderWritable(dir: string): boolean {
  if (!existsSync(dir)) return true;
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Keep a damaged file's bytes as `movedTo` and remove it; false when the folder refuses (it is then left as is). */
export function setAside(file: string, movedTo: string, bytes: Buffer): boolean {
  try {
    writeFileSync(movedTo, bytes, { mode: 0o600 });
  } catch {
    return false;
  }
  rmSync(file, { force: true });
  return true;
}

/** The error every refused save carries: what could not be saved, where, and why. */
function notWritable(file: string, reason: string): never {
  return fail(portholeError('SETTINGS_NOT_WRITABLE', { message: `Porthole cannot save ${file} (${reason}).` }));
}

/** Writes one JSON file. `refuse` (why) when it must never be written: it existed but could not be read. */
export interface JsonFile {
  readonly path: string;
  /** Replace the file's content; throws an OpError (SETTINGS_NOT_WRITABLE) when the OS refuses. */
  write(data: Record<string, unknown>): void;
}

export function jsonFile(factory: StoreFactory, options: StoreOptions, path: string, refuse?: string): JsonFile {
  // conf is only built at the first write: its constructor may itself write, and opening must not.
  let conf: ConfLike | undefined;
  return {
    path,
    write(data) {
      if (refuse !== undefined) notWritable(path, `it could not be read at launch: ${refuse}`);
      try {
        conf ??= factory(options);
        conf.store = data;
      } catch (err) {
        if (isFsError(err)) notWritable(path, fsReason(err));
        throw err;
      }
    },
  };
}
