// pure: the settings file — its shape, defaults, JSON schema (for conf / electron-store), versioned
// migrations as pure functions, and parseSettings(). Secrets are never part of it (see secrets.ts).

import { z } from 'zod';
import { parsePublicTunnelSpec, type PublicTunnelSpec, type Result } from '../tunnel/validate.js';
import { invalidInput } from '../../common/errors.js';
import type { AuthMode, PortholeError } from '../../common/types.js';
import { LIMITS } from '../../common/contract.js';

/** FusionAuth settings as stored: everything but the client secret (kept in the SecretStore). */
interface StoredFusionAuth {
  issuer: string;
  clientId: string;
  allowEmails: string[];
  allowDomains: string[];
  scopes: string[];
}

/** One tunnel as stored. */
export interface StoredTunnel {
  name: string;
  target: string;
  mode: AuthMode;
  domain?: string;
  /** Start it when Porthole launches. */
  startWithPorthole: boolean;
  fusionauth?: StoredFusionAuth;
  /** Record who visits (main/visits/); absent means true. */
  record?: boolean;
  /** 'rewrite': the app gets its own address as Host; absent: as sent. */
  hostHeader?: 'rewrite';
  /** Share the URL with other agents (ngrok endpoint pooling); absent means false. */
  pool?: boolean;
}

/** The whole settings file (without conf's `__internal__`). */
export interface Settings {
  tunnels: StoredTunnel[];
  /** Launch Porthole when the user logs in (mirrored to the OS login item). */
  startAtLogin: boolean;
  /** How to reach ngrok; the authtoken lives in the SecretStore. Both absent means ngrok's own ingress. */
  ngrok: { serverAddr?: string; caPem?: string };
  /** Notify when someone signs in to a tunnel for the first time; absent means true. */
  notifyNewVisitors?: boolean;
  /** Serve ngrok's agent API on loopback (main/visits/agent-api.ts); absent means off. */
  agentApi?: boolean;
}

/** A fresh copy of the defaults (never hand out the frozen object). */
export function defaultSettings(): Settings {
  return { tunnels: [], startAtLogin: false, ngrok: {} };
}

/** The settings file's base name: `settings.json` in the app's userData directory. */
export const SETTINGS_NAME = 'settings';

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Settings migrations, keyed by the app version that introduced each format (conf runs the ones newer
 * than the file's recorded version, up to the running app's). Each is pure: old data in, new data out.
 */
export const SETTINGS_MIGRATIONS: Readonly<Record<string, (data: Raw) => Raw>> = {
  /**
   * 0.1.0: development builds stored `port` (a number) instead of `target`, `autoStart` instead of
   * `startWithPorthole`, and a top-level `serverAddr`. Any secret they left in the file is dropped.
   */
  '0.1.0': (data) => {
    const out: Raw = { ...data };
    if (Array.isArray(data.tunnels)) {
      out.tunnels = data.tunnels.map((t) => {
        if (!isObj(t)) return t;
        const { port, autoStart, authtoken: _a, clientSecret: _c, ...rest } = t;
        const next: Raw = { ...rest };
        if (next.target === undefined && (typeof port === 'number' || typeof port === 'string')) next.target = String(port);
        if (next.startWithPorthole === undefined) next.startWithPorthole = autoStart === true;
        if (isObj(next.fusionauth)) {
          const { clientSecret: _s, ...fa } = next.fusionauth;
          next.fusionauth = fa;
        }
        return next;
      });
    }
    const ngrok: Raw = isObj(data.ngrok) ? { ...data.ngrok } : {};
    if (typeof data.serverAddr === 'string' && ngrok.serverAddr === undefined) ngrok.serverAddr = data.serverAddr;
    delete ngrok.authtoken;
    out.ngrok = ngrok;
    delete out.serverAddr;
    delete out.authtoken;
    return out;
  },
};

/** Apply every migration newer than `from` (a version; '0.0.0' for a file that never saw one), in order. */
export function migrateSettings(data: Raw, from = '0.0.0'): Raw {
  const newer = Object.keys(SETTINGS_MIGRATIONS)
    .filter((v) => compareVersions(v, from) > 0)
    .sort(compareVersions);
  return newer.reduce((d, v) => SETTINGS_MIGRATIONS[v]!(d), data);
}

/** Compare two x.y.z versions numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** A stored tunnel's error as the settings file's: `target …` → `tunnels[1].target …` (the parser's messages open with their field). */
function inTunnel(e: PortholeError, i: number): PortholeError {
  const own = e.field && e.field !== 'input' ? e.field : '';
  const field = own ? `tunnels[${i}].${own}` : `tunnels[${i}]`;
  const message = own && e.message.startsWith(own) ? `${field}${e.message.slice(own.length)}` : `${field}: ${e.message}`;
  return { ...e, field, message };
}

/** A tunnel as stored: its spec without the client secret (whatever the input held) plus `startWithPorthole`. */
export function storedTunnelOf(spec: PublicTunnelSpec, startWithPorthole: boolean): StoredTunnel {
  const out: StoredTunnel = { name: spec.name, target: spec.target, mode: spec.mode, startWithPorthole };
  if (spec.domain) out.domain = spec.domain;
  if (spec.pool) out.pool = true;
  if (spec.record === false) out.record = false;
  if (spec.hostHeader === 'rewrite') out.hostHeader = 'rewrite';
  if (spec.fusionauth) {
    const { issuer, clientId, allowEmails, allowDomains, scopes } = spec.fusionauth;
    out.fusionauth = { issuer, clientId, allowEmails, allowDomains, scopes };
  }
  return out;
}

/**
 * One stored tunnel, checked by the parser every boundary uses (main/tunnel/validate.ts), without the
 * client secret. Errors name the field as the parser does (`fusionauth.issuer`); parseSettings prefixes them.
 */
function parseStoredTunnel(input: unknown): Result<StoredTunnel> {
  const start = isObj(input) ? input.startWithPorthole : undefined;
  const errors: PortholeError[] = [];
  if (start !== undefined && typeof start !== 'boolean') errors.push(invalidInput('startWithPorthole', 'startWithPorthole must be true or false', 'Use true or false.'));
  const r = parsePublicTunnelSpec(input);
  if (!r.ok) return { ok: false, errors: [...r.errors, ...errors] };
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: storedTunnelOf(r.value, start === true) };
}

const ngrokSettingsSchema = z
  .object({ serverAddr: z.string().trim().optional(), caPem: z.string().optional() })
  .transform((n) => {
    const out: Settings['ngrok'] = {};
    if (n.serverAddr) out.serverAddr = n.serverAddr;
    if (n.caPem && n.caPem.trim()) out.caPem = n.caPem;
    return out;
  });

type ParsedSettings = { ok: true; value: Settings } | { ok: false; errors: PortholeError[]; salvaged: Settings };

/**
 * Read settings from anything (a file's JSON, conf's `store`). Unknown keys (conf's `__internal__`,
 * stray secrets) are dropped. On failure, `salvaged` keeps every part that is valid: the tunnels that
 * parse, the flags that parse; errors name the field (`tunnels[1].target`).
 */
export function parseSettings(input: unknown): ParsedSettings {
  const errors: PortholeError[] = [];
  const value = defaultSettings();
  if (!isObj(input)) {
    return { ok: false, errors: [invalidInput('settings', 'the settings file does not hold an object')], salvaged: value };
  }
  if (input.tunnels !== undefined) {
    if (!Array.isArray(input.tunnels)) errors.push(invalidInput('tunnels', 'tunnels must be a list'));
    else {
      const names = new Set<string>();
      if (input.tunnels.length > LIMITS.tunnels) {
        errors.push(invalidInput('tunnels', `tunnels holds ${input.tunnels.length} tunnels; Porthole keeps at most ${LIMITS.tunnels}, so the first ${LIMITS.tunnels} were kept`));
      }
      input.tunnels.slice(0, LIMITS.tunnels).forEach((t, i) => {
        const r = parseStoredTunnel(t);
        if (!r.ok) {
          for (const e of r.errors) errors.push(inTunnel(e, i));
        } else if (names.has(r.value.name)) {
          errors.push(invalidInput(`tunnels[${i}].name`, `tunnels[${i}].name "${r.value.name}" is used twice`));
        } else {
          names.add(r.value.name);
          value.tunnels.push(r.value);
        }
      });
    }
  }
  if (input.startAtLogin !== undefined) {
    if (typeof input.startAtLogin === 'boolean') value.startAtLogin = input.startAtLogin;
    else errors.push(invalidInput('startAtLogin', 'startAtLogin must be true or false'));
  }
  if (input.notifyNewVisitors !== undefined) {
    if (typeof input.notifyNewVisitors === 'boolean') value.notifyNewVisitors = input.notifyNewVisitors;
    else errors.push(invalidInput('notifyNewVisitors', 'notifyNewVisitors must be true or false'));
  }
  if (input.agentApi !== undefined) {
    if (typeof input.agentApi === 'boolean') value.agentApi = input.agentApi;
    else errors.push(invalidInput('agentApi', 'agentApi must be true or false'));
  }
  if (input.ngrok !== undefined) {
    const n = ngrokSettingsSchema.safeParse(input.ngrok);
    if (n.success) value.ngrok = n.data;
    else errors.push(invalidInput('ngrok', 'ngrok must hold serverAddr and caPem as text'));
  }
  return errors.length ? { ok: false, errors, salvaged: value } : { ok: true, value };
}
