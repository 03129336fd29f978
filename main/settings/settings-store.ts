// shell: the settings file on disk, through conf (plain Node) or electron-store (same options, passed in
// by main/glue/electron-store.ts). A corrupt file is moved aside as `settings.json.corrupt-<timestamp>`,
// reported, and whatever in it was still valid is kept; the secrets file is separate, so it survives.

import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import {
  SETTINGS_JSON_SCHEMA,
  SETTINGS_MIGRATIONS,
  SETTINGS_NAME,
  defaultSettings,
  migrateSettings,
  parseSettings,
  type Settings,
} from './schema.js';
import type { SecretBackend } from './secrets.js';

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

/** A settings or secrets file that could not be read and was moved aside. */
export interface CorruptReport {
  /** Which file: the settings (tunnels, flags) or the encrypted secrets (those are then lost). */
  kind: 'settings' | 'secrets';
  file: string;
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
  /** Files found corrupt while opening, already moved aside. Shown to the user once. */
  readonly problems: CorruptReport[];
}

export interface OpenOptions {
  /** The directory holding settings.json and secrets.json (Electron: app.getPath('userData')). */
  cwd: string;
  factory?: StoreFactory;
  /** The app's version; decides which migrations run (default: this package's). */
  projectVersion?: string;
  /** Clock for the corrupt-file suffix, for tests. */
  now?: () => number;
}

export interface OpenedStores {
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

/** The version conf recorded after the last migration it ran on this file ('0.0.0' when none). */
function migratedVersion(raw: Record<string, unknown>): string {
  const v = (raw.__internal__ as { migrations?: { version?: unknown } } | undefined)?.migrations?.version;
  return typeof v === 'string' ? v : '0.0.0';
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The conf migrations: each pure settings migration applied to the whole store. */
function confMigrations(): Record<string, (store: ConfLike) => void> {
  const out: Record<string, (store: ConfLike) => void> = {};
  for (const [version, migrate] of Object.entries(SETTINGS_MIGRATIONS)) {
    out[version] = (store) => {
      store.store = migrate(store.store);
    };
  }
  return out;
}

/**
 * Open settings.json and secrets.json in `cwd`. Never throws for a bad file: it is moved aside,
 * listed in `settings.problems`, and a fresh file holds whatever was still valid.
 */
export function openSettingsStore(opts: OpenOptions): OpenedStores {
  const factory = opts.factory ?? defaultFactory;
  const now = opts.now ?? Date.now;
  const problems: CorruptReport[] = [];
  const projectVersion = opts.projectVersion ?? DEFAULT_VERSION;

  const settingsOptions: StoreOptions = {
    name: SETTINGS_NAME,
    configName: SETTINGS_NAME,
    cwd: opts.cwd,
    projectVersion,
    schema: SETTINGS_JSON_SCHEMA as unknown as Record<string, unknown>,
    migrations: confMigrations(),
    clearInvalidConfig: false,
  };
  const settingsFile = join(opts.cwd, `${SETTINGS_NAME}.json`);

  // conf rewrites the file while opening it (defaults, migration marks): keep the bytes as found.
  const original = existsSync(settingsFile) ? readFileSync(settingsFile) : undefined;
  let conf: ConfLike;
  let settings: Settings;
  try {
    conf = factory(settingsOptions);
    const parsed = parseSettings(conf.store);
    if (parsed.ok) settings = parsed.value;
    else {
      // Valid JSON in the right shape, but something in it is wrong (a port of 0, a bad URL…).
      const movedTo = corruptName(conf.path, now());
      writeFileSync(movedTo, original ?? readFileSync(conf.path));
      settings = parsed.salvaged;
      conf.store = { ...settings } as Record<string, unknown>;
      problems.push({ kind: 'settings', file: conf.path, movedTo, reason: parsed.errors.map((e) => e.message).join('; '), keptTunnels: settings.tunnels.length });
    }
  } catch (err) {
    // Not JSON, or a schema violation, or a failed migration: keep a copy, start over with what parses.
    let salvaged = defaultSettings();
    const movedTo = corruptName(settingsFile, now());
    if (original !== undefined) {
      try {
        const raw: unknown = JSON.parse(original.toString('utf8'));
        // An old-format file whose migration failed still gets the migrations' best effort.
        const parsed = parseSettings(isRecord(raw) ? migrateSettings(raw, migratedVersion(raw)) : raw);
        salvaged = parsed.ok ? parsed.value : parsed.salvaged;
      } catch {
        // Not even JSON: nothing to salvage from it.
      }
      writeFileSync(movedTo, original);
      rmSync(settingsFile, { force: true });
    }
    conf = factory(settingsOptions);
    conf.store = { ...salvaged } as Record<string, unknown>;
    settings = salvaged;
    problems.push({ kind: 'settings', file: settingsFile, movedTo, reason: message(err), keptTunnels: salvaged.tunnels.length });
  }
  // Normalise once (drops stray keys such as a plain-text secret an old build left behind).
  writeSettings(conf, settings);

  const secretsConf = openSecrets(factory, opts.cwd, projectVersion, () => corruptName(join(opts.cwd, `${SECRETS_NAME}.json`), now()), (p) => problems.push({ ...p, keptTunnels: settings.tunnels.length }));

  return { settings: storeOver(conf, problems), secretsBackend: secretsConf };
}

/** secrets.json; a file conf cannot read is moved aside (its secrets are lost) and reported. */
function openSecrets(
  factory: StoreFactory,
  cwd: string,
  projectVersion: string,
  movedName: () => string,
  report: (p: Omit<CorruptReport, 'keptTunnels'>) => void,
): ConfLike {
  const options: StoreOptions = { name: SECRETS_NAME, configName: SECRETS_NAME, cwd, projectVersion, clearInvalidConfig: false, configFileMode: 0o600 };
  const file = join(cwd, `${SECRETS_NAME}.json`);
  try {
    const conf = factory(options);
    void conf.store;
    return conf;
  } catch (err) {
    const movedTo = movedName();
    if (existsSync(file)) renameSync(file, movedTo);
    report({ kind: 'secrets', file, movedTo, reason: message(err) });
    return factory(options);
  }
}

/** The SettingsStore over an opened settings.json: every read and write goes through the schema. */
function storeOver(conf: ConfLike, problems: CorruptReport[]): SettingsStore {
  const store: SettingsStore = {
    path: conf.path,
    problems,
    read() {
      const parsed = parseSettings(conf.store);
      return parsed.ok ? parsed.value : parsed.salvaged;
    },
    write(next) {
      const parsed = parseSettings(next);
      if (!parsed.ok) throw new Error(`refusing to write invalid settings: ${parsed.errors.map((e) => e.message).join('; ')}`);
      writeSettings(conf, parsed.value);
      return parsed.value;
    },
    update(fn) {
      return store.write(fn(store.read()));
    },
  };
  return store;
}

/** Write the settings keys, keeping conf's own `__internal__` (migration version). */
function writeSettings(conf: ConfLike, s: Settings): void {
  const internal = conf.store.__internal__;
  const next: Record<string, unknown> = { tunnels: s.tunnels, startAtLogin: s.startAtLogin, ngrok: s.ngrok };
  if (internal !== undefined) next.__internal__ = internal;
  conf.store = next;
}
