// shell: what the settings window may ask of main, one handler per invoke channel. Each checks its
// sender, validates its payload with zod (the engine's own schemas), never throws, never returns a
// secret. The operations underneath are shared with the tray (main/app.ts).

import { z } from 'zod';
import type { FusionAuthSettings, PortholeError, RunPreflight, SessionSpec, TunnelSpec, TunnelView } from '../types.js';
import type {
  AppSettingsPatch,
  CredentialsPatch,
  FusionAuthDraft,
  Handlers,
  InvokeKey,
  IpcResult,
  ListeningPort,
  PreflightRequest,
  PreflightResult,
  Results,
  SecretStorageInfo,
  SettingsView,
  StateSnapshot,
  TunnelDraft,
  TunnelEntry,
  TunnelExtras,
  TunnelTextKind,
} from '../../preload/contract.js';
import { fieldOf, nameSchema, parseTunnelSpec, sessionSpecSchema } from '../tunnel/validate.js';
import { invalidInput, portholeError, scrub } from '../errors.js';
import { ngrokCommandFor } from '../tunnel/forward-config.js';
import { policyYaml, scopesFor, VAULT_SECRET_REF } from '../tunnel/policy.js';
import { redirectUriFor } from '../oidc/preflight.js';
import { SECRET_KEYS, type SecretStore } from '../settings/secrets.js';
import type { Settings, StoredTunnel } from '../settings/schema.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { AuthtokenImport } from '../system/ngrok-config.js';
import type { ClipboardPort, LogPort, LoginItemPort, OpenExternalPort } from '../app.js';
import type { Engine } from '../engine/engine.js';

/** What the handlers need of the engine (main/engine/engine.ts). */
export type EnginePort = Pick<Engine, 'add' | 'update' | 'remove' | 'start' | 'stop' | 'verify' | 'list' | 'get' | 'setSession'>;

export interface HandlerDeps {
  /** The settings window's URL (compared without query and hash), or a predicate. */
  trustedSender: string | ((senderUrl: string) => boolean);
  store: SettingsStore;
  secrets: SecretStore;
  engine: EnginePort;
  preflight: RunPreflight;
  clipboard: ClipboardPort;
  openExternal: OpenExternalPort;
  loginItem: LoginItemPort;
  listPorts: () => Promise<ListeningPort[]>;
  probePort: (port: number) => Promise<boolean>;
  importAuthtoken: () => Promise<AuthtokenImport>;
  qrDataUrl: (text: string) => Promise<string>;
  log?: LogPort;
  /** Something the tray or window shows changed outside the engine (a tunnel saved or removed, a flag). */
  onChange?: () => void;
}

/** An expected refusal: carried to the window as `{ ok: false, error, errors }`. */
export class OpError extends Error {
  constructor(
    readonly error: PortholeError,
    readonly errors: PortholeError[] = [error],
  ) {
    super(error.message);
    this.name = 'OpError';
  }
}

const fail = (e: PortholeError, all?: PortholeError[]): never => {
  throw new OpError(e, all);
};

/** The typed operations behind the handlers (and the tray's menu actions). They throw OpError. */
export interface Operations {
  /** Load which secrets are stored, hand the engine its session and every complete tunnel. */
  init(): Promise<void>;
  snapshot(): StateSnapshot;
  entries(): TunnelEntry[];
  saveTunnel(draft: TunnelDraft): Promise<TunnelEntry>;
  removeTunnel(name: string): Promise<null>;
  startTunnel(name: string): Promise<TunnelView>;
  stopTunnel(name: string): Promise<TunnelView>;
  verifyTunnel(name: string): Promise<TunnelView>;
  tunnelExtras(name: string): Promise<TunnelExtras>;
  /** The text a copy button copies. Never a secret: the traffic policy names an ngrok vault secret instead. */
  tunnelText(name: string, kind: TunnelTextKind): Promise<string>;
  runPreflight(req: PreflightRequest): Promise<PreflightResult>;
  settingsView(): SettingsView;
  saveSettings(patch: AppSettingsPatch): Promise<SettingsView>;
  saveCredentials(patch: CredentialsPatch): Promise<SettingsView>;
  importAuthtoken(allowInsecureStorage: boolean): Promise<{ source: string }>;
  secretStorage(): SecretStorageInfo;
  /** Start every tunnel marked "start with Porthole"; failures show in their views. */
  startAll(): Promise<void>;
}

const stoppedView = (t: StoredTunnel): TunnelView => ({ name: t.name, state: 'stopped', mode: t.mode, target: t.target, since: 0 });

/** Secrets would be stored without a real keychain (Linux's basic_text), or not at all. */
export function isWeakBackend(info: { backend: string; available: boolean }): boolean {
  return !info.available || info.backend === 'basic_text';
}

export function createOperations(deps: HandlerDeps): Operations {
  const { store, secrets, engine } = deps;
  const log = deps.log ?? (() => {});
  const changed = (): void => deps.onChange?.();
  /** Which secret keys are stored: kept in memory so snapshots stay synchronous. */
  const stored = new Set<string>();
  /** Which tunnels the engine knows, and the session it was last given (compared, never logged). */
  const inEngine = new Set<string>();
  let sessionKey: string | undefined;

  const find = (name: string): StoredTunnel => {
    const t = store.read().tunnels.find((x) => x.name === name);
    return t ?? fail({ code: 'NOT_FOUND', field: 'name', message: `There is no tunnel named "${name}".`, fix: 'Pick a tunnel from the list.' });
  };

  const secretStorage = (): SecretStorageInfo => {
    const info = { backend: secrets.backend(), available: secrets.available() };
    return { ...info, weak: isWeakBackend(info) };
  };

  /** Store a secret, asking first where the OS offers no real keychain. */
  const putSecret = async (key: string, value: string, allowInsecure: boolean | undefined, field: string): Promise<void> => {
    const info = secretStorage();
    if (!info.available) {
      fail({
        code: 'SECRET_STORAGE_UNAVAILABLE',
        field,
        message: 'This system offers no way to encrypt secrets, so Porthole will not store them.',
        fix: 'Unlock or install a keyring (GNOME Keyring or KWallet), then try again.',
      });
    }
    if (info.weak && !allowInsecure) {
      fail({
        code: 'SECRET_STORAGE_WEAK',
        field: 'allowInsecureStorage',
        message: `No OS keychain is available (backend "${info.backend}"): secrets would be encrypted with a key stored on this computer.`,
        fix: 'Confirm to store them anyway, or set up GNOME Keyring or KWallet and restart Porthole.',
      });
    }
    await secrets.set(key, value);
    stored.add(key);
  };

  const dropSecret = async (key: string): Promise<void> => {
    await secrets.delete(key);
    stored.delete(key);
  };

  /** The tunnel as the engine needs it: stored settings plus the client secret. */
  const fullSpec = async (t: StoredTunnel): Promise<TunnelSpec> => {
    const secret = t.fusionauth ? ((await secrets.get(SECRET_KEYS.clientSecret(t.name))) ?? '') : '';
    const r = parseTunnelSpec({ ...t, fusionauth: t.fusionauth ? { ...t.fusionauth, clientSecret: secret } : undefined });
    return r.ok ? r.value : fail(r.errors[0]!, r.errors);
  };

  /** Make sure the engine knows the tunnel as currently stored. */
  const register = async (t: StoredTunnel): Promise<void> => {
    const spec = await fullSpec(t);
    const r = inEngine.has(t.name) ? await engine.update(spec) : engine.add(spec);
    if (!r.ok) fail(r.errors[0]!, r.errors);
    inEngine.add(t.name);
  };

  const unregister = async (name: string): Promise<void> => {
    if (!inEngine.has(name)) return;
    await engine.stop(name).catch(() => undefined);
    await engine.remove(name);
    inEngine.delete(name);
  };

  /** Give the engine its session when the authtoken or ingress changed. Fails when there is no authtoken. */
  const ensureSession = async (): Promise<void> => {
    const authtoken = await secrets.get(SECRET_KEYS.ngrokAuthtoken);
    if (!authtoken) {
      fail({ ...portholeError('NO_AUTHTOKEN'), field: 'ngrokAuthtoken' });
      return;
    }
    const { ngrok } = store.read();
    const r = sessionSpecSchema.safeParse({ authtoken, ...ngrok });
    if (!r.success) {
      const errors = r.error.issues.map((i) => invalidInput(fieldOf(i.path) === 'authtoken' ? 'ngrokAuthtoken' : fieldOf(i.path), `${fieldOf(i.path)} ${i.message}`));
      fail(errors[0]!, errors);
      return;
    }
    const session: SessionSpec = { authtoken: r.data.authtoken };
    if (r.data.serverAddr) session.serverAddr = r.data.serverAddr;
    if (r.data.caPem) session.caPem = r.data.caPem;
    const key = JSON.stringify(session);
    if (key !== sessionKey) {
      const set = await engine.setSession(session);
      if (!set.ok) fail(set.errors[0]!, set.errors);
      sessionKey = key;
    }
  };

  const entryOf = (t: StoredTunnel, views: Map<string, TunnelView>): TunnelEntry => {
    const e: TunnelEntry = { name: t.name, target: t.target, mode: t.mode, startWithPorthole: t.startWithPorthole, view: views.get(t.name) ?? stoppedView(t) };
    if (t.domain) e.domain = t.domain;
    if (t.fusionauth) e.fusionauth = { ...t.fusionauth, clientSecret: { stored: stored.has(SECRET_KEYS.clientSecret(t.name)) } };
    return e;
  };

  const entries = (): TunnelEntry[] => {
    const views = new Map(engine.list().map((v) => [v.name, v]));
    return store.read().tunnels.map((t) => entryOf(t, views));
  };

  const view = (name: string): TunnelView => engine.get(name) ?? stoppedView(find(name));

  const settingsView = (): SettingsView => {
    const s = store.read();
    const ngrok: SettingsView['ngrok'] = { authtoken: { stored: stored.has(SECRET_KEYS.ngrokAuthtoken) } };
    if (s.ngrok.serverAddr) ngrok.serverAddr = s.ngrok.serverAddr;
    if (s.ngrok.caPem) ngrok.caPem = s.ngrok.caPem;
    const problems = store.problems.map((p) => ({ kind: p.kind, movedTo: p.movedTo, keptTunnels: p.keptTunnels }));
    return { startAtLogin: s.startAtLogin, ngrok, secretStorage: secretStorage(), problems };
  };

  /** FusionAuth settings for the preflight: the form's values, the stored secret when none was typed. */
  const preflightInput = async (req: PreflightRequest): Promise<FusionAuthSettings> => {
    const storedT = req.tunnel ? find(req.tunnel) : undefined;
    const draft: Partial<FusionAuthDraft> = req.fusionauth ?? storedT?.fusionauth ?? {};
    if (!req.fusionauth && !storedT?.fusionauth) {
      fail(invalidInput('fusionauth.issuer', 'fusionauth.issuer is required to check FusionAuth', 'Fill in the FusionAuth issuer URL, client id and client secret.'));
    }
    let clientSecret = draft.clientSecret ?? '';
    if (!clientSecret && req.tunnel) clientSecret = (await secrets.get(SECRET_KEYS.clientSecret(req.tunnel))) ?? '';
    if (!clientSecret) {
      fail(invalidInput('fusionauth.clientSecret', 'fusionauth.clientSecret is required to check the client credentials', 'Copy the Client secret from FusionAuth: Applications > Your App > OAuth.'));
    }
    const fa: FusionAuthSettings = {
      issuer: (draft.issuer ?? '').trim(),
      clientId: (draft.clientId ?? '').trim(),
      clientSecret,
      allowEmails: draft.allowEmails ?? [],
      allowDomains: draft.allowDomains ?? [],
      scopes: draft.scopes ?? [],
    };
    // Check what the tunnel will really request (email is added for an allow-list), as the engine does.
    return { ...fa, scopes: scopesFor(fa) };
  };

  const ops: Operations = {
    async init() {
      for (const key of [SECRET_KEYS.ngrokAuthtoken, ...store.read().tunnels.map((t) => SECRET_KEYS.clientSecret(t.name))]) {
        if (await secrets.has(key)) stored.add(key);
      }
      await ensureSession().catch((e: unknown) => {
        if (!(e instanceof OpError)) throw e;
        log(`no ngrok session yet: ${e.error.code}`);
      });
      for (const t of store.read().tunnels) {
        // A tunnel whose secret went missing stays out of the engine until it is saved again.
        await register(t).catch((e: unknown) => log(`tunnel ${t.name} not loaded: ${e instanceof OpError ? e.error.message : 'error'}`));
      }
    },

    snapshot: () => ({ tunnels: entries(), settings: settingsView() }),
    entries,

    async saveTunnel(draft) {
      const current = store.read();
      const prev = draft.previousName ? current.tunnels.find((t) => t.name === draft.previousName) : undefined;
      if (draft.previousName && !prev) fail({ code: 'NOT_FOUND', field: 'name', message: `There is no tunnel named "${draft.previousName}".` });
      const name = typeof draft.name === 'string' ? draft.name.trim() : draft.name;
      if (current.tunnels.some((t) => t.name === name && t.name !== draft.previousName)) {
        fail(invalidInput('name', `A tunnel named "${name}" already exists.`, 'Choose another name.'));
      }
      if (draft.mode === 'public' && !draft.confirmPublic) {
        fail({
          code: 'CONFIRM_PUBLIC',
          field: 'confirmPublic',
          message: 'A public tunnel has no sign-in: anyone with the URL reaches your app.',
          fix: 'Confirm that this tunnel should be public, or choose a FusionAuth mode.',
        });
      }
      const typedSecret = draft.fusionauth?.clientSecret ?? '';
      const storedSecret = prev?.fusionauth ? await secrets.get(SECRET_KEYS.clientSecret(prev.name)) : undefined;
      const secret = typedSecret || storedSecret || '';
      const { clientSecret: _typed, ...faPublic } = draft.fusionauth ?? ({} as FusionAuthDraft);
      const r = parseTunnelSpec({
        name: draft.name,
        target: draft.target,
        mode: draft.mode,
        domain: draft.domain,
        fusionauth: draft.fusionauth ? { ...faPublic, clientSecret: secret } : undefined,
      });
      if (!r.ok) fail(r.errors[0]!, r.errors);
      const spec = (r as { value: TunnelSpec }).value;

      const next: StoredTunnel = { name: spec.name, target: spec.target, mode: spec.mode, startWithPorthole: !!draft.startWithPorthole };
      if (spec.domain) next.domain = spec.domain;
      if (spec.fusionauth) {
        const { clientSecret: _s, ...fa } = spec.fusionauth;
        next.fusionauth = fa;
      }
      // The secret first: if the keychain refuses, nothing else has changed.
      const newKey = SECRET_KEYS.clientSecret(spec.name);
      if (spec.fusionauth?.clientSecret && (typedSecret || (prev && prev.name !== spec.name))) {
        await putSecret(newKey, spec.fusionauth.clientSecret, draft.allowInsecureStorage, 'fusionauth.clientSecret');
      }
      if (prev && prev.name !== spec.name) {
        await unregister(prev.name);
        await dropSecret(SECRET_KEYS.clientSecret(prev.name));
      }
      if (!spec.fusionauth?.clientSecret && stored.has(newKey)) await dropSecret(newKey);
      const tunnels = current.tunnels.filter((t) => t.name !== prev?.name && t.name !== spec.name);
      const at = prev ? current.tunnels.findIndex((t) => t.name === prev.name) : -1;
      tunnels.splice(at < 0 ? tunnels.length : at, 0, next);
      store.write({ ...current, tunnels });
      await register(next);
      changed();
      return entryOf(next, new Map(engine.list().map((v) => [v.name, v])));
    },

    async removeTunnel(name) {
      find(name);
      await unregister(name);
      await dropSecret(SECRET_KEYS.clientSecret(name));
      store.update((s) => ({ ...s, tunnels: s.tunnels.filter((t) => t.name !== name) }));
      changed();
      return null;
    },

    async startTunnel(name) {
      const t = find(name);
      await ensureSession();
      await register(t);
      await engine.start(name);
      return view(name);
    },

    async stopTunnel(name) {
      find(name);
      if (inEngine.has(name)) await engine.stop(name);
      return view(name);
    },

    async verifyTunnel(name) {
      find(name);
      const v = view(name);
      if (v.state !== 'online' || !v.url) {
        fail({ code: 'NOT_ONLINE', field: 'name', message: `Tunnel "${name}" is not online, so there is nothing to verify.`, fix: 'Start the tunnel first.' });
      }
      await engine.verify(name);
      return view(name);
    },

    async tunnelExtras(name) {
      const t = find(name);
      const spec = publicSpec(t);
      // The policy reads the client secret from an ngrok vault (VAULT_SECRET_REF): shown and copied alike.
      const extras: TunnelExtras = { ngrokCommand: ngrokCommandFor(spec), policyYaml: policyYaml(spec, { secret: VAULT_SECRET_REF }) };
      const url = view(name).url;
      if (url) extras.qrDataUrl = await deps.qrDataUrl(url);
      return extras;
    },

    async tunnelText(name, kind) {
      const t = find(name);
      if (kind === 'url') {
        const url = view(name).url;
        return url ?? fail({ code: 'NOT_ONLINE', field: 'name', message: `Tunnel "${name}" has no public URL yet.`, fix: 'Start the tunnel first.' });
      }
      if (kind === 'ngrok-command') return ngrokCommandFor(publicSpec(t));
      // Exactly what the window shows: the client secret stays in main, ngrok reads it from its vault.
      return policyYaml(publicSpec(t), { secret: VAULT_SECRET_REF });
    },

    async runPreflight(req) {
      const input = await preflightInput(req);
      const report = await deps.preflight(input);
      return { ...report, redirectUri: redirectUriFor() };
    },

    settingsView,

    async saveSettings(patch) {
      const s = store.read();
      const ngrok = { ...s.ngrok };
      if (patch.serverAddr !== undefined) {
        if (patch.serverAddr === null || !patch.serverAddr.trim()) delete ngrok.serverAddr;
        else ngrok.serverAddr = patch.serverAddr.trim();
      }
      if (patch.caPem !== undefined) {
        if (patch.caPem === null || !patch.caPem.trim()) delete ngrok.caPem;
        else ngrok.caPem = patch.caPem;
      }
      const check = sessionSpecSchema.pick({ serverAddr: true, caPem: true }).safeParse(ngrok);
      if (!check.success) {
        const errors = check.error.issues.map((i) => invalidInput(fieldOf(i.path), `${fieldOf(i.path)} ${i.message}`));
        fail(errors[0]!, errors);
      }
      const next: Settings = { ...s, ngrok };
      if (patch.startAtLogin !== undefined) {
        deps.loginItem.set(patch.startAtLogin);
        // The OS has the last word (a read-only autostart folder, a policy): store what it says now.
        next.startAtLogin = deps.loginItem.get();
        if (next.startAtLogin !== patch.startAtLogin) {
          fail({
            code: 'LOGIN_ITEM',
            field: 'startAtLogin',
            message: `Porthole could not ${patch.startAtLogin ? 'add itself to' : 'remove itself from'} the programs started at login.`,
            fix: 'Change it in your system’s startup applications settings instead.',
          });
        }
      }
      store.write(next);
      if (stored.has(SECRET_KEYS.ngrokAuthtoken)) await ensureSession();
      changed();
      return settingsView();
    },

    async saveCredentials(patch) {
      if (patch.ngrokAuthtoken !== undefined) {
        const token = patch.ngrokAuthtoken.trim();
        if (!token) await dropSecret(SECRET_KEYS.ngrokAuthtoken);
        else {
          const r = sessionSpecSchema.shape.authtoken.safeParse(token);
          if (!r.success) fail(invalidInput('ngrokAuthtoken', `ngrokAuthtoken ${r.error.issues[0]?.message ?? 'is not valid'}`, 'Copy your authtoken from https://dashboard.ngrok.com/get-started/your-authtoken.'));
          await putSecret(SECRET_KEYS.ngrokAuthtoken, token, patch.allowInsecureStorage, 'ngrokAuthtoken');
          await ensureSession();
        }
      }
      return settingsView();
    },

    async importAuthtoken(allowInsecureStorage) {
      const found = await deps.importAuthtoken();
      if (!found.ok) fail(found.error);
      const { authtoken, source } = found as { authtoken: string; source: string };
      await putSecret(SECRET_KEYS.ngrokAuthtoken, authtoken, allowInsecureStorage, 'ngrokAuthtoken');
      await ensureSession();
      return { source };
    },

    secretStorage,

    async startAll() {
      for (const t of store.read().tunnels.filter((x) => x.startWithPorthole)) {
        await ops.startTunnel(t.name).catch((e: unknown) => log(`tunnel ${t.name} did not start: ${e instanceof OpError ? e.error.code : 'error'}`));
      }
    },
  };
  return ops;
}

/** Where a client secret would go in a spec built for the window; no output shows it (see ngrokCommandFor, policyYaml). */
export const SECRET_PLACEHOLDER = '${FUSIONAUTH_CLIENT_SECRET}';

/** A stored tunnel as a TunnelSpec without its secret (for the command and the policy shown and copied). */
function publicSpec(t: StoredTunnel): TunnelSpec {
  const spec: TunnelSpec = { name: t.name, target: t.target, mode: t.mode };
  if (t.domain) spec.domain = t.domain;
  if (t.fusionauth) spec.fusionauth = { ...t.fusionauth, clientSecret: SECRET_PLACEHOLDER };
  return spec;
}

// ---- payload schemas: the shape of each channel's payload; the field rules are the engine's ----

const strings = z.array(z.string()).default([]);
const fusionAuthDraftPayload = z.object({
  issuer: z.string().default(''),
  clientId: z.string().default(''),
  clientSecret: z.string().optional(),
  allowEmails: strings,
  allowDomains: strings,
  scopes: strings,
});
const tunnelRef = z.object({ name: nameSchema });
const noPayload = z.undefined().or(z.null()).or(z.object({}).strict());

const PAYLOADS = {
  getState: noPayload,
  listTunnels: noPayload,
  saveTunnel: z.object({
    previousName: nameSchema.optional(),
    name: z.string({ error: 'is required' }),
    target: z.union([z.string(), z.number()], { error: 'is required' }),
    mode: z.string({ error: 'is required' }),
    domain: z.string().optional(),
    startWithPorthole: z.boolean().default(false),
    fusionauth: fusionAuthDraftPayload.optional(),
    confirmPublic: z.boolean().optional(),
    allowInsecureStorage: z.boolean().optional(),
  }),
  removeTunnel: tunnelRef,
  startTunnel: tunnelRef,
  stopTunnel: tunnelRef,
  verifyTunnel: tunnelRef,
  tunnelExtras: tunnelRef,
  copyTunnelText: z.object({ name: nameSchema, kind: z.enum(['url', 'ngrok-command', 'traffic-policy'], { error: 'must be url, ngrok-command or traffic-policy' }) }),
  runPreflight: z
    .object({ tunnel: nameSchema.optional(), fusionauth: fusionAuthDraftPayload.optional() })
    .refine((r) => r.tunnel !== undefined || r.fusionauth !== undefined, { error: 'give a tunnel or FusionAuth settings', path: ['fusionauth'] }),
  getSettings: noPayload,
  saveSettings: z.object({
    startAtLogin: z.boolean().optional(),
    serverAddr: z.string().nullable().optional(),
    caPem: z.string().max(100_000).nullable().optional(),
  }),
  saveCredentials: z.object({ ngrokAuthtoken: z.string().max(4096).optional(), allowInsecureStorage: z.boolean().optional() }),
  importNgrokAuthtoken: z.object({ allowInsecureStorage: z.boolean().optional() }).default({}),
  listListeningPorts: noPayload,
  probePort: z.object({ port: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be 1–65535' }).max(65535, { error: 'must be 1–65535' }) }),
  copyText: z.object({ text: z.string().max(100_000, { error: 'is too long' }) }),
  openExternal: z.object({ url: z.string() }),
  secretStorageInfo: noPayload,
} satisfies Record<InvokeKey, z.ZodType>;

type PayloadOf<K extends InvokeKey> = z.output<(typeof PAYLOADS)[K]>;

/** The sender check: the settings window's own document, nothing else (no other frame, no navigation). */
export function senderCheck(trusted: HandlerDeps['trustedSender']): (url: string) => boolean {
  if (typeof trusted === 'function') return trusted;
  const norm = (u: string): string | undefined => {
    try {
      const p = new URL(u);
      return `${p.protocol}//${p.host}${p.pathname}`;
    } catch {
      return undefined;
    }
  };
  const want = norm(trusted);
  return (url) => !!want && norm(url) === want;
}

const FORBIDDEN: PortholeError = {
  code: 'FORBIDDEN_SENDER',
  message: 'This request did not come from the Porthole settings window and was refused.',
};

/** Every text value submitted in a payload that is a secret, so no answer can echo one back. */
function payloadSecrets(payload: unknown): string[] {
  const p = payload as { fusionauth?: { clientSecret?: unknown }; ngrokAuthtoken?: unknown } | null | undefined;
  return [p?.fusionauth?.clientSecret, p?.ngrokAuthtoken].filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

/** Deep-replace any occurrence of the given secrets in a JSON-able value. */
function redact<T>(value: T, secretValues: string[]): T {
  if (!secretValues.length || value === undefined) return value;
  const json = JSON.stringify(value);
  if (!secretValues.some((s) => json.includes(JSON.stringify(s).slice(1, -1)))) return value;
  return JSON.parse(scrub(json, secretValues.map((s) => JSON.stringify(s).slice(1, -1)))) as T;
}

/** Build one handler per invoke channel over `ops` (the same operations the tray uses). */
export function createHandlers(deps: HandlerDeps, ops: Operations = createOperations(deps)): Handlers {
  const trusted = senderCheck(deps.trustedSender);
  const log = deps.log ?? (() => {});

  const wrap = <K extends InvokeKey>(key: K, run: (p: PayloadOf<K>) => Promise<Results[K]>) => {
    return async (senderUrl: string, payload: unknown): Promise<IpcResult<Results[K]>> => {
      const secretValues = payloadSecrets(payload);
      try {
        if (typeof senderUrl !== 'string' || !trusted(senderUrl)) {
          log(`ipc ${key}: refused a sender that is not the settings window`);
          return { ok: false, error: FORBIDDEN };
        }
        const parsed = PAYLOADS[key].safeParse(payload);
        if (!parsed.success) {
          const errors = parsed.error.issues.map((i) => {
            const field = fieldOf(i.path) || 'payload';
            return invalidInput(field, `${field} ${i.message}`);
          });
          return { ok: false, error: errors[0]!, errors };
        }
        const value = await run(parsed.data as PayloadOf<K>);
        return { ok: true, value: redact(value, secretValues) };
      } catch (err) {
        if (err instanceof OpError) return redact({ ok: false, error: err.error, errors: err.errors }, secretValues);
        const text = scrub(err instanceof Error ? err.message : String(err), secretValues);
        log(`ipc ${key}: ${text}`);
        return { ok: false, error: { code: 'INTERNAL', message: `Porthole could not do that: ${text}` } };
      }
    };
  };

  return {
    getState: wrap('getState', async () => ops.snapshot()),
    listTunnels: wrap('listTunnels', async () => ops.entries()),
    saveTunnel: wrap('saveTunnel', (p) => ops.saveTunnel(p as TunnelDraft)),
    removeTunnel: wrap('removeTunnel', (p) => ops.removeTunnel(p.name)),
    startTunnel: wrap('startTunnel', (p) => ops.startTunnel(p.name)),
    stopTunnel: wrap('stopTunnel', (p) => ops.stopTunnel(p.name)),
    verifyTunnel: wrap('verifyTunnel', (p) => ops.verifyTunnel(p.name)),
    tunnelExtras: wrap('tunnelExtras', (p) => ops.tunnelExtras(p.name)),
    copyTunnelText: wrap('copyTunnelText', async (p) => {
      deps.clipboard.writeText(await ops.tunnelText(p.name, p.kind));
      return null;
    }),
    runPreflight: wrap('runPreflight', (p) => ops.runPreflight(p as PreflightRequest)),
    getSettings: wrap('getSettings', async () => ops.settingsView()),
    saveSettings: wrap('saveSettings', (p) => ops.saveSettings(p as AppSettingsPatch)),
    saveCredentials: wrap('saveCredentials', (p) => ops.saveCredentials(p as CredentialsPatch)),
    importNgrokAuthtoken: wrap('importNgrokAuthtoken', (p) => ops.importAuthtoken(!!p.allowInsecureStorage)),
    listListeningPorts: wrap('listListeningPorts', () => deps.listPorts()),
    probePort: wrap('probePort', async (p) => ({ port: p.port, listening: await deps.probePort(p.port) })),
    copyText: wrap('copyText', async (p) => {
      deps.clipboard.writeText(p.text);
      return null;
    }),
    openExternal: wrap('openExternal', async (p) => {
      let url: URL | undefined;
      try {
        url = new URL(p.url);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        fail(invalidInput('url', 'url must be an http or https address', 'Only web pages open in the browser.'));
      }
      await deps.openExternal(url!.href);
      return null;
    }),
    secretStorageInfo: wrap('secretStorageInfo', async () => ops.secretStorage()),
  };
}
