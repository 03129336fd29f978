// shell: the settings folder — settings.json (tunnels and flags) and secrets.json (ciphertext only), each
// read once at launch and kept in memory, written atomically (conf, or electron-store passed in by
// main/glue/electron-store.ts) only when something changed: opening never rewrites a file. A damaged file is
// set aside as `<file>.corrupt-<timestamp>` and whatever in it was still valid is kept; a file that cannot
// be read (no permission, a folder in its place) is left untouched and never saved over; a read-only folder
// still opens. Each case is reported once (`problems`) so the user learns what was found and where.

import { join } from 'node:path';
import Conf from 'conf';
import { SETTINGS_MIGRATIONS, SETTINGS_NAME, compareVersions, defaultSettings, migrateSettings, parseSettings, type Settings } from './schema.js';
import type { SecretBackend } from './secrets.js';
import { folderWritable, jsonFile, readRaw, setAside, type ConfLike, type JsonFile, type StoreFactory, type StoreOptions } from './files.js';

export type { ConfLike, StoreFactory, StoreOptions } from './files.js';

/** A settings or secrets file found damaged (and set aside), unreadable, or in a read-only folder. */
interface CorruptReport {
  /** Which file: the settings (tunnels, flags) or the encrypted secrets. */
  kind: 'settings' | 'secrets';
  /** Absent: damaged and set aside. See SettingsProblem in common/contract.ts. */
  issue?: 'unreadable' | 'read-only';
  file: string;
  /** Where the file is now: the set-aside copy, or `file` itself when it was left alone. */
  movedTo: string;
  reason: string;
  /** What was kept: the number of tunnels salvaged from the old file. */
  keptTunnels: number;
}

export interface SettingsStore {
  readonly path: string;
  read(): Settings;
  /** Replace the settings (they are re-validated; a bad value throws and nothing is written). */
  write(next: Settings): Settings;
  update(fn: (current: Settings) => Settings): Settings;
  /** What opening found wrong (files set aside, unreadable, a read-only folder). Shown to the user once. */
  readonly problems: CorruptReport[];
}

interface OpenOptions {
  /** The directory holding settings.json and secrets.json (Electron: app.getPath('userData')). */
  cwd: string;
  factory?: StoreFactory;
  /** The app's version; decides which migrations run (default: this package's). */
  projectVersion?: string;
  /** Clock for the corrupt-file suffix, for tests. */
  now?: () => number;
}

interface OpenedStores {
  settings: SettingsStore;
  /** Where the SecretStore keeps ciphertext: `secrets.json` beside the settings. */
  secretsBackend: SecretBackend;
}

const DEFAULT_VERSION = '0.1.0';
const SECRETS_NAME = 'secrets';

const defaultFactory: StoreFactory = (o) => new Conf(o as unknown as ConstructorParameters<typeof Conf>[0]) as unknown as ConfLike;


/** `settings.json.corrupt-2026-11-27T09-15-00-000Z`: sortable, no characters Windows refuses. */
function corruptName(file: string, now: number): string {
  return `${file}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The version recorded after the last migration that ran on this file ('0.0.0' when none). */
function migratedVersion(raw: Record<string, unknown>): string {
  const v = (raw.__internal__ as { migrations?: { version?: unknown } } | undefined)?.migrations?.version;
  return typeof v === 'string' ? v : '0.0.0';
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Where a secret sits in a file that must hold none (a hand edit, an old build); undefined when clean. */
function straySecret(raw: Record<string, unknown>): string | undefined {
  if (isRecord(raw.ngrok) && 'authtoken' in raw.ngrok) return 'ngrok.authtoken';
  const tunnels = Array.isArray(raw.tunnels) ? raw.tunnels : [];
  for (const [i, t] of tunnels.entries()) {
    if (!isRecord(t)) continue;
    for (const k of ['authtoken', 'clientSecret']) if (k in t) return `tunnels[${i}].${k}`;
    if (isRecord(t.fusionauth) && 'clientSecret' in t.fusionauth) return `tunnels[${i}].fusionauth.clientSecret`;
  }
  return undefined;
}

/** The file's content as written: the settings and the migration mark. */
const fileBody = (s: Settings, version: string): Record<string, unknown> => ({
  tunnels: s.tunnels,
  startAtLogin: s.startAtLogin,
  ngrok: s.ngrok,
  ...(s.notifyNewVisitors === false ? { notifyNewVisitors: false } : {}),
  __internal__: { migrations: { version } },
});

/** What was made of settings.json at launch. */
interface LoadedSettings {
  settings: Settings;
  /** Write the settings back now: migrated, normalised (a stray secret dropped) or salvaged. */
  rewrite: boolean;
  /** Why the file must never be written (it exists but could not be read). */
  refuse?: string;
  problem?: PendingProblem;
}
type PendingProblem = Omit<CorruptReport, 'kind' | 'keptTunnels'>;

/** Parse settings.json's bytes: migrated, validated; damaged files set aside with what was valid kept. */
function parseFile(file: string, bytes: Buffer, movedTo: () => string): LoadedSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return damaged(file, bytes, defaultSettings(), message(err), movedTo);
  }
  if (!isRecord(raw)) return damaged(file, bytes, defaultSettings(), 'the settings file does not hold an object', movedTo);
  const from = migratedVersion(raw);
  const migrated = migrateSettings(raw, from);
  const parsed = parseSettings(migrated);
  const stray = straySecret(migrated);
  if (!parsed.ok || stray) {
    const salvaged = parsed.ok ? parsed.value : parsed.salvaged;
    const reasons = parsed.ok ? [] : parsed.errors.map((e) => e.message);
    if (stray) reasons.unshift(`settings schema violation: a secret at ${stray} (secrets live in the keychain only)`);
    return damaged(file, bytes, salvaged, reasons.join('; '), movedTo);
  }
  const ranMigration = Object.keys(SETTINGS_MIGRATIONS).some((v) => compareVersions(v, from) > 0);
  const { __internal__: _i, ...body } = raw;
  const normalised = JSON.stringify(body) === JSON.stringify({ tunnels: parsed.value.tunnels, startAtLogin: parsed.value.startAtLogin, ngrok: parsed.value.ngrok, ...(parsed.value.notifyNewVisitors === false ? { notifyNewVisitors: false } : {}) });
  return { settings: parsed.value, rewrite: ranMigration || !normalised };
}

/** A damaged file: its bytes kept beside it, the salvaged settings written in its place. */
function damaged(file: string, bytes: Buffer, salvaged: Settings, reason: string, movedTo: () => string): LoadedSettings {
  const to = movedTo();
  if (setAside(file, to, bytes)) return { settings: salvaged, rewrite: true, problem: { file, movedTo: to, reason } };
  // The folder refuses even the copy: leave the file as it is and say so.
  return { settings: salvaged, rewrite: false, problem: { issue: 'read-only', file, movedTo: file, reason: `${reason}; it could not be set aside` } };
}

function loadSettings(file: string, movedTo: () => string): LoadedSettings {
  const raw = readRaw(file);
  if (raw.state === 'missing') return { settings: defaultSettings(), rewrite: false };
  if (raw.state === 'unreadable') {
    return { settings: defaultSettings(), rewrite: false, refuse: raw.reason, problem: { issue: 'unreadable', file, movedTo: file, reason: raw.reason } };
  }
  return parseFile(file, raw.bytes, movedTo);
}

/**
 * Open settings.json and secrets.json in `cwd`. Never throws for a bad file or folder: what can be read
 * is used, and `settings.problems` says what was wrong and where. Nothing is written unless it changed.
 */
export function openSettingsStore(opts: OpenOptions): OpenedStores {
  const factory = opts.factory ?? defaultFactory;
  const now = opts.now ?? Date.now;
  const version = opts.projectVersion ?? DEFAULT_VERSION;
  const problems: CorruptReport[] = [];
  const file = join(opts.cwd, `${SETTINGS_NAME}.json`);
  const options: StoreOptions = { name: SETTINGS_NAME, configName: SETTINGS_NAME, cwd: opts.cwd, projectVersion: version, clearInvalidConfig: false };

  const loaded = loadSettings(file, () => corruptName(file, now()));
  const writer = jsonFile(factory, options, file, loaded.refuse);
  if (loaded.problem) problems.push({ kind: 'settings', keptTunnels: loaded.settings.tunnels.length, ...loaded.problem });
  if (loaded.rewrite) {
    try {
      writer.write(fileBody(loaded.settings, version));
    } catch {
      // A read-only folder: the settings are used as read; the problem below says why nothing is saved.
    }
  }
  const secretsBackend = openSecrets(factory, opts.cwd, version, () => corruptName(join(opts.cwd, `${SECRETS_NAME}.json`), now()), (p) =>
    problems.push({ kind: 'secrets', keptTunnels: loaded.settings.tunnels.length, ...p }),
  );
  if (!folderWritable(opts.cwd) && !problems.some((p) => p.issue)) {
    problems.push({ kind: 'settings', issue: 'read-only', file, movedTo: file, reason: `EACCES: ${opts.cwd} is read-only`, keptTunnels: loaded.settings.tunnels.length });
  }
  return { settings: storeOver(writer, loaded.settings, version, problems), secretsBackend };
}

/** The shape secrets.json must have: an object, its `secrets` an object of stored values. */
function secretsShapeError(raw: unknown): string | undefined {
  if (!isRecord(raw)) return 'the secrets file does not hold an object';
  if (raw.secrets !== undefined && !isRecord(raw.secrets)) return 'the secrets file’s "secrets" is not an object';
  return undefined;
}

/** secrets.json, kept in memory; a damaged file is set aside (its secrets are lost) and reported, an unreadable one left alone. */
function openSecrets(factory: StoreFactory, cwd: string, version: string, movedName: () => string, report: (p: PendingProblem) => void): SecretBackend {
  const options: StoreOptions = { name: SECRETS_NAME, configName: SECRETS_NAME, cwd, projectVersion: version, clearInvalidConfig: false, configFileMode: 0o600 };
  const file = join(cwd, `${SECRETS_NAME}.json`);
  const raw = readRaw(file);
  if (raw.state === 'unreadable') {
    report({ issue: 'unreadable', file, movedTo: file, reason: raw.reason });
    return backendOver(jsonFile(factory, options, file, raw.reason), {});
  }
  let data: Record<string, unknown> = {};
  if (raw.state === 'ok') {
    let reason: string | undefined;
    try {
      const parsed: unknown = JSON.parse(raw.bytes.toString('utf8'));
      reason = secretsShapeError(parsed);
      if (!reason) data = parsed as Record<string, unknown>;
    } catch (err) {
      reason = message(err);
    }
    if (reason) {
      // Never read as empty and saved over: the damaged file is kept beside, as a settings file would be.
      const movedTo = movedName();
      const moved = setAside(file, movedTo, raw.bytes);
      report(moved ? { file, movedTo, reason } : { issue: 'read-only', file, movedTo: file, reason: `${reason}; it could not be set aside` });
      return backendOver(jsonFile(factory, options, file, moved ? undefined : reason), {});
    }
  }
  return backendOver(jsonFile(factory, options, file), data);
}

/** A SecretBackend (conf's dot-path get/set/delete/has, one level: `secrets.<key>`) over the file's content in memory. */
function backendOver(writer: JsonFile, initial: Record<string, unknown>): SecretBackend {
  let data = initial;
  const split = (path: string): [string, string | undefined] => {
    const dot = path.indexOf('.');
    return dot < 0 ? [path, undefined] : [path.slice(0, dot), path.slice(dot + 1)];
  };
  const lookup = (path: string): { found: boolean; value: unknown } => {
    const [top, key] = split(path);
    const v = data[top];
    if (key === undefined) return { found: top in data, value: v };
    return isRecord(v) && Object.hasOwn(v, key) ? { found: true, value: v[key] } : { found: false, value: undefined };
  };
  const change = (path: string, value: unknown, remove: boolean): void => {
    const [top, key] = split(path);
    const next = { ...data };
    if (key === undefined) {
      if (remove) delete next[top];
      else next[top] = value;
    } else {
      const inner = { ...(isRecord(next[top]) ? next[top] : {}) };
      if (remove) delete inner[key];
      else inner[key] = value;
      next[top] = inner;
    }
    writer.write(next);
    data = next;
  };
  return {
    get: (path) => lookup(path).value,
    has: (path) => lookup(path).found,
    set: (path, value) => change(path, value, false),
    delete: (path) => change(path, undefined, true),
  };
}

/** Deep-freeze: the settings in memory are shared by every reader, so nobody may change them in place. */
function frozen<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) frozen(x);
    Object.freeze(v);
  }
  return v;
}

/** The SettingsStore over the settings in memory: reads are free, every write is validated, then saved, then kept. */
function storeOver(writer: JsonFile, initial: Settings, version: string, problems: CorruptReport[]): SettingsStore {
  let current = frozen(initial);
  const store: SettingsStore = {
    path: writer.path,
    problems,
    read: () => current,
    write(next) {
      const parsed = parseSettings(next);
      if (!parsed.ok) throw new Error(`refusing to write invalid settings: ${parsed.errors.map((e) => e.message).join('; ')}`);
      writer.write(fileBody(parsed.value, version));
      current = frozen(parsed.value);
      return current;
    },
    update: (fn) => store.write(fn(store.read())),
  };
  return store;
}
