// pure: the one description of the bridge between the settings window and the main process.
// Channel names, payloads, results and the `PortholeApi` the preload exposes as `window.porthole`.
// Pure data and types (no imports but types), so main, preload and renderer can all import it.

import type { AuthMode, PortholeError, PreflightReport, TunnelView } from './types.js';

/** An invoke channel's declaration: its name on the wire; payload and result live in the type only. */
interface InvokeChannel<P, R> {
  readonly channel: string;
  /** Never set: carries the payload type. */
  readonly payload?: P;
  /** Never set: carries the result type. */
  readonly result?: R;
}
/** A push channel (main → window, `webContents.send`): its name and the data it carries. */
interface PushChannel<T> {
  readonly channel: string;
  /** Never set: carries the data type. */
  readonly data?: T;
}
/** `undefined`: the channel takes no payload. */
type None = undefined;
const invoke = <P, R>(channel: string): InvokeChannel<P, R> => ({ channel });
const push = <T>(channel: string): PushChannel<T> => ({ channel });

/**
 * Every invoke channel, declared once: `noun:verb` on the wire, payload → result. The preload's
 * methods (`window.porthole.<key>`), main's handlers and their zod schemas all derive from this table.
 */
export const INVOKE = {
  /** every tunnel with its live state */
  getState: invoke<None, StateSnapshot>('state:get'),
  /** add a tunnel, or edit one (`previousName` to rename) */
  saveTunnel: invoke<TunnelDraft, TunnelEntry>('tunnel:save'),
  /** stop and forget a tunnel and its client secret */
  removeTunnel: invoke<TunnelRef, null>('tunnel:remove'),
  startTunnel: invoke<TunnelRef, TunnelView>('tunnel:start'),
  stopTunnel: invoke<TunnelRef, TunnelView>('tunnel:stop'),
  /** request the public URL with no cookies, record the protection */
  verifyTunnel: invoke<TunnelRef, TunnelView>('tunnel:verify'),
  /** ngrok command, traffic policy and QR code of a tunnel */
  tunnelExtras: invoke<TunnelRef, TunnelExtras>('tunnel:extras'),
  /** copy a tunnel's URL, ngrok command or policy (none of them holds a secret) */
  copyTunnelText: invoke<CopyTunnelTextRequest, null>('tunnel:copy'),
  /** the FusionAuth checklist */
  runPreflight: invoke<PreflightRequest, PreflightResult>('preflight:run'),
  /** app settings; secrets only as `{ stored }` */
  getSettings: invoke<None, SettingsView>('settings:get'),
  saveSettings: invoke<AppSettingsPatch, SettingsView>('settings:save'),
  /** write-only secrets (the ngrok authtoken) */
  saveCredentials: invoke<CredentialsPatch, SettingsView>('credentials:save'),
  /** from the ngrok config file or NGROK_AUTHTOKEN */
  importNgrokAuthtoken: invoke<ImportAuthtokenRequest, ImportAuthtokenResult>('authtoken:import'),
  /** ports listening on this machine, with process names where the OS tells */
  listListeningPorts: invoke<None, ListeningPort[]>('ports:list'),
  /** is anything listening on this port? */
  probePort: invoke<PortRef, PortProbe>('port:probe'),
  copyText: invoke<CopyTextRequest, null>('clipboard:write'),
  /** open an http(s) URL in the default browser */
  openExternal: invoke<OpenExternalRequest, null>('browser:open'),
  /** "Set up FusionAuth for me": read FusionAuth and say what applying would change (writes nothing) */
  planFusionAuthSetup: invoke<FusionAuthSetupRequest, FusionAuthOutcome<FusionAuthPlanView>>('fusionauth:plan'),
  /** apply the plan (with the consents given), store the credentials, run the preflight with them */
  applyFusionAuthSetup: invoke<FusionAuthApplyRequest, FusionAuthOutcome<FusionAuthApplied>>('fusionauth:apply'),
  /** a tunnel's kept requests (the last 1,000, oldest first) and who visited it */
  listVisits: invoke<TunnelRef, VisitsView>('visits:list'),
  /** A kept request's details (the inspector); `reveal` shows credentials for this one request. */
  inspectRequest: invoke<{ name: string; id: string; reveal?: boolean }, ExchangeView>('visits:inspect'),
  /** Sends a kept request again, straight to the local app; the new answer beside the old. */
  replayRequest: invoke<{ name: string; id: string }, ReplayResult>('visits:replay'),
  /** Copies a kept request as a curl command (redacted values left out unless `reveal`). */
  copyRequestAsCurl: invoke<{ name: string; id: string; reveal?: boolean }, null>('visits:copy-curl'),
  /** share for a set time: starts the tunnel if it is stopped, sets (or with `minutes: null` clears) its deadline */
  shareFor: invoke<ShareForRequest, TunnelView>('tunnel:share-for'),
} as const;

/** The pushes from main to the window, and the PortholeApi subscriber of each. */
export const PUSH = {
  /** every engine change */
  stateChanged: push<StateSnapshot>('state:changed'),
  /** tray "New tunnel…" while the window is open */
  windowNavigate: push<WindowIntent>('window:navigate'),
  /** requests completed since the last push, oldest first (coalesced like state pushes: one push per burst) */
  visitRecorded: push<VisitRecorded[]>('visits:recorded'),
} as const;

export type InvokeKey = keyof typeof INVOKE;
type PushKey = keyof typeof PUSH;
type ChannelKey = InvokeKey | PushKey;
export const INVOKE_KEYS = Object.keys(INVOKE) as InvokeKey[];
/** Every channel's wire name by key. */
export const CHANNELS = Object.fromEntries(
  [...Object.entries(INVOKE), ...Object.entries(PUSH)].map(([k, v]) => [k, v.channel]),
) as { readonly [K in ChannelKey]: string };

/** Payload type of each invoke channel (what the preload sends; `undefined` for none). */
export type Payloads = { [K in InvokeKey]: (typeof INVOKE)[K] extends InvokeChannel<infer P, unknown> ? P : never };
/** Result type of each invoke channel. */
export type Results = { [K in InvokeKey]: (typeof INVOKE)[K] extends InvokeChannel<unknown, infer R> ? R : never };

/**
 * Every answer over IPC is a value, never a thrown error (invoke would keep only its message).
 * A refused form carries every field error in `errors` (the first is also `error`), so the window
 * can mark each field at once.
 */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: PortholeError; errors?: PortholeError[] };

/** A secret as the window may see it: whether one is stored, never its value. */
export interface StoredSecret {
  stored: boolean;
  /**
   * True when one is stored but cannot be read (a new OS keychain, a restored backup, a damaged value):
   * `stored` is then false and the user must enter it again. The ciphertext is kept until then.
   */
  mustReenter?: boolean;
}

/** FusionAuth settings of a stored tunnel, as the window sees them. */
interface FusionAuthPublic {
  issuer: string;
  clientId: string;
  clientSecret: StoredSecret;
  allowEmails: string[];
  allowDomains: string[];
  scopes: string[];
}

/** A stored tunnel (no secrets) with its live state. */
export interface TunnelEntry {
  name: string;
  target: string;
  mode: AuthMode;
  domain?: string;
  /** Start this tunnel when Porthole launches. */
  startWithPorthole: boolean;
  fusionauth?: FusionAuthPublic;
  /** Record who visits (the loopback recording proxy); false: nothing but the ngrok SDK in the data path. */
  record: boolean;
  /** Host header to the app: as the visitor sent it, or rewritten to the local target (dev servers' host checks). */
  hostHeader: 'as-sent' | 'rewrite';
  /** Shares its URL with other agents (ngrok endpoint pooling); absent: not pooled. */
  pool?: boolean;
  /** When a timed share ends (ms since the epoch); absent: shared until stopped. */
  deadline?: number;
  /** The "Share for" choice in force (minutes), with `deadline`: the window and the tray tick it. */
  shareMinutes?: number;
  view: TunnelView;
}

/** What the main process pushes on every change, and `getState` answers. */
export interface StateSnapshot {
  tunnels: TunnelEntry[];
  /** The app settings too: the tray changes some (start at login), and an open window must follow. */
  settings: SettingsView;
}

/** FusionAuth settings as the form sends them; the client secret is write-only. */
export interface FusionAuthDraft {
  issuer: string;
  clientId: string;
  /** A new client secret; omitted or empty keeps the stored one. */
  clientSecret?: string;
  allowEmails: string[];
  allowDomains: string[];
  scopes: string[];
}

/** The add/edit form. Validated in main with the engine's own schema; errors name the field. */
export interface TunnelDraft {
  /** The tunnel's name before this edit; absent for a new tunnel. */
  previousName?: string;
  name: string;
  target: string;
  mode: AuthMode;
  domain?: string;
  startWithPorthole: boolean;
  fusionauth?: FusionAuthDraft;
  /** Record who visits; omitted keeps the stored value (true for a new tunnel). */
  record?: boolean;
  /** Host header to the app; omitted keeps the stored value ('as-sent' for a new tunnel). */
  hostHeader?: 'as-sent' | 'rewrite';
  /** Share the URL with other agents (pooling: needs a reserved domain or the internal mode); omitted keeps the stored value. */
  pool?: boolean;
  /** Required (true) for mode `public`: anyone with the URL gets in. */
  confirmPublic?: boolean;
  /** Required (true) to store a secret where the OS offers no real keychain (`basic_text`). */
  allowInsecureStorage?: boolean;
}

interface TunnelRef {
  name: string;
}

export interface TunnelExtras {
  /** The equivalent `ngrok http …` command; it reads the client secret from $FUSIONAUTH_CLIENT_SECRET. */
  ngrokCommand: string;
  /** The Traffic Policy YAML; the client secret is an ngrok vault reference (main/tunnel/policy.ts VAULT_SECRET_REF). */
  policyYaml: string;
  /** QR code of the public URL as a `data:image/png` URL, when the tunnel has one. */
  qrDataUrl?: string;
}

export type TunnelTextKind = 'url' | 'ngrok-command' | 'traffic-policy';
interface CopyTunnelTextRequest {
  name: string;
  kind: TunnelTextKind;
}

/**
 * Check FusionAuth settings: either a stored tunnel's (`tunnel`), or the form's (`fusionauth`);
 * with both, the form's values win and a missing client secret comes from the stored tunnel.
 */
export interface PreflightRequest {
  tunnel?: string;
  fusionauth?: FusionAuthDraft;
}
export interface PreflightResult extends PreflightReport {
  /** The Authorized redirect URL to add to the FusionAuth application. */
  redirectUri: string;
}

export interface SettingsView {
  startAtLogin: boolean;
  /** A notification when someone signs in to a tunnel for the first time (default true). */
  notifyNewVisitors: boolean;
  /** ngrok's agent API for scripts (default off): where it is served, or why it couldn't be. */
  agentApi: { on: boolean; url?: string; problem?: string };
  ngrok: {
    authtoken: StoredSecret;
    /** Custom agent ingress `host:port`; absent means ngrok's own. */
    serverAddr?: string;
    /** PEM of the custom ingress's CA (not a secret). */
    caPem?: string;
  };
  secretStorage: SecretStorageInfo;
  /** Settings files found damaged at launch and moved aside (the window shows them until dismissed). */
  problems: SettingsProblem[];
}

/** A settings file found damaged, unreadable or unwritable at launch. */
export interface SettingsProblem {
  /** Which file: `settings` (tunnels and flags) or `secrets` (the encrypted secrets). */
  kind: 'settings' | 'secrets';
  /**
   * Absent: the file was damaged and set aside (whatever was readable kept). `unreadable`: it could not
   * be read (no permission, a folder in its place) and was left untouched, so nothing in it is used and
   * nothing is saved over it. `read-only`: it was read, but its folder cannot be written, so changes are
   * not saved.
   */
  issue?: 'unreadable' | 'read-only';
  /** Where the file now is: `…/settings.json.corrupt-<time>` when set aside, else where it was found. */
  movedTo: string;
  /** How many tunnels were still readable and kept. */
  keptTunnels: number;
  /** What the OS or the parser said (`EACCES: permission denied`, …); never holds a secret. */
  reason?: string;
}

export interface AppSettingsPatch {
  startAtLogin?: boolean;
  notifyNewVisitors?: boolean;
  /** Serve ngrok's agent API (inspect and replay requests) on 127.0.0.1:4040…4049. */
  agentApi?: boolean;
  /** `null` clears the value. */
  serverAddr?: string | null;
  caPem?: string | null;
}

export interface CredentialsPatch {
  /** A new ngrok authtoken; an empty string deletes the stored one. */
  ngrokAuthtoken?: string;
  allowInsecureStorage?: boolean;
}

interface ImportAuthtokenRequest {
  allowInsecureStorage?: boolean;
}
interface ImportAuthtokenResult {
  /** Where the authtoken came from: a config file path or `NGROK_AUTHTOKEN`. The value is never returned. */
  source: string;
}

export interface ListeningPort {
  port: number;
  /** The address it listens on (`0.0.0.0`, `127.0.0.1`, `::`, …). */
  address: string;
  pid?: number;
  /** The owning process's name, where the OS tells it. */
  process?: string;
}

interface PortRef {
  port: number;
}
export interface PortProbe {
  port: number;
  listening: boolean;
}

interface CopyTextRequest {
  text: string;
}
interface OpenExternalRequest {
  url: string;
}

export interface SecretStorageInfo {
  /** Electron's safeStorage backend (`keychain`, `dpapi`, `gnome_libsecret`, `kwallet`, `basic_text`, …). */
  backend: string;
  available: boolean;
  /** True when secrets would be stored without a real keychain: the window asks first. */
  weak: boolean;
}

/**
 * A stored secret that must be entered again (it cannot be decrypted any more, or its stored value is
 * damaged): the authtoken opens the ngrok settings at its field, a client secret that tunnel's form at
 * its field.
 */
export type ReenterIntent = { kind: 'reenter'; secret: 'authtoken' } | { kind: 'reenter'; secret: 'client-secret'; tunnel: string };

/**
 * What main asks the window to show: `settings` the window as the user left it (tray "Settings…"),
 * `new-tunnel` the add form (tray "New tunnel…"), `ngrok` the ngrok settings (a start failed for want
 * of a valid authtoken), `tunnel` that tunnel's pane (tray "Show details and fix…"), `reenter` the
 * field of a secret that must be entered again.
 */
export type WindowIntent = { kind: 'settings' } | { kind: 'new-tunnel' } | { kind: 'ngrok' } | { kind: 'tunnel'; tunnel: string } | ReenterIntent;

/** The secret to enter again for `tunnel` (its client secret), or the authtoken when no tunnel is given. */
export function reenterOf(intents: readonly ReenterIntent[], tunnel?: string): ReenterIntent | undefined {
  return intents.find((r) => (tunnel === undefined ? r.secret === 'authtoken' : r.secret === 'client-secret' && r.tunnel === tunnel));
}

/**
 * Maximum sizes of what the window may send (characters; entries for lists). Main refuses more with an
 * INVALID_INPUT error naming the field and the limit. Generous for real values (an email is at most
 * 254, a DNS name 253, a URL a few hundred), small enough that nothing can fill the disk or the log.
 */
export const LIMITS = {
  /** an ngrok authtoken or a client secret */
  secret: 4096,
  /** an issuer URL or any URL */
  url: 2048,
  /** client id, domain, target, server address, one list entry */
  text: 512,
  /** entries in allowEmails, allowDomains, scopes */
  listEntries: 200,
  /** a CA certificate (PEM, possibly a chain) */
  pem: 100_000,
  /** text put on the clipboard */
  clipboard: 100_000,
  /** saved tunnels: start-up and the tray stay quick, and one file stays small */
  tunnels: 5000,
} as const;

// ---- "Set up FusionAuth for me" (main/core/fusionauth.ts) ----

export interface FusionAuthSetupRequest {
  /** The FusionAuth base URL (what the tenant's issuer must be). */
  url: string;
  /** Write-only; when absent, the remembered one (if the user asked for that before). */
  apiKey?: string;
  tenantId?: string;
  appName?: string;
  /** Consent to change the tenant's issuer (every application on the tenant signs tokens with it). */
  fixIssuer?: boolean;
  requireRegistration?: boolean;
  /** Emails of existing FusionAuth users to register to the application. */
  register?: string[];
  /** The tunnel whose FusionAuth settings receive the client id (and its secret the client secret). */
  tunnel: string;
}

export interface FusionAuthApplyRequest extends FusionAuthSetupRequest {
  /** When the tunnel doesn't exist yet: create it (mode oidc) sharing this target. */
  target?: string;
  /** Keep the API key (encrypted) for the next set-up. Default: used for this step only. */
  rememberApiKey?: boolean;
  /** Accept a weak secret store (Linux basic_text), as for the other secrets. */
  allowInsecureStorage?: boolean;
  /**
   * The plan the user approved: its lines' `text`, in order. Apply re-reads FusionAuth and writes nothing
   * unless the new plan says exactly this (else FUSIONAUTH_PLAN_CHANGED with the new plan). Absent: apply
   * whatever FusionAuth needs now, unseen — only for callers that show no plan.
   */
  approved?: string[];
}

type FusionAuthChangeKind = 'fix-issuer' | 'create-application' | 'update-application' | 'register-user';

export interface PlanLine {
  kind: FusionAuthChangeKind;
  text: string;
  /** The consent this line needs before it is applied (the window's checkbox), if any. */
  consent?: 'fixIssuer';
  consented: boolean;
}

export interface FusionAuthPlanView {
  issuer: string;
  tenant: { id: string; name: string };
  applicationId: string;
  /** True when the application will be created (none found by the stored id or by name). */
  creates: boolean;
  lines: PlanLine[];
  /** True when FusionAuth is already set up (`lines` is empty). */
  nothingToDo: boolean;
}

export interface FusionAuthApplied {
  issuer: string;
  clientId: string;
  applicationId: string;
  created: boolean;
  changes: string[];
  tunnel: string;
  apiKeyStored: boolean;
  checks: PreflightReport;
}

/** One of FusionAuth's own `fieldErrors` (field '' for its `generalErrors`). */
export interface FusionAuthFieldError {
  field: string;
  code: string;
  message: string;
}

/** FusionAuth refused, or could not be reached: its codes are FUSIONAUTH_* (main/fusionauth/errors.ts) or INVALID_INPUT / SECRET_STORAGE_*. */
export interface FusionAuthSetupError {
  code: string;
  message: string;
  fix?: string;
  /** The window's field at fault (`fusionauth.url`, `fusionauth.apiKey`, `target`, …). */
  field?: string;
  fieldErrors?: FusionAuthFieldError[];
  /** The plan's lines when the error stopped it (e.g. the issuer without consent). */
  changes?: string[];
  /** FUSIONAUTH_PLAN_CHANGED: FusionAuth changed since the plan was shown; this is the plan now, to approve again. */
  plan?: FusionAuthPlanView;
}

/**
 * The answer of plan and apply inside the IPC value: `ok: false` is FusionAuth's (or the set-up's) refusal,
 * in its words; the IPC-level `{ ok: false }` stays for a bad payload or sender.
 */
export type FusionAuthOutcome<T> = { ok: true; value: T } | { ok: false; error: FusionAuthSetupError };

// ---- who is looking (main/visits/) ----

/** One completed request through a recording tunnel, as `share --requests --json` prints it (plus `event`). */
export interface VisitRecord {
  tunnel: string;
  /** When the request arrived, ISO 8601. */
  at: string;
  /** The signed-in visitor's email (set by ngrok's edge), null when nobody signed in. */
  user: string | null;
  method: string;
  /** Path and query as requested. */
  path: string;
  /** 101 for a WebSocket, 502 when the app was down, 499 when the visitor left first. */
  status: number;
  /** From arrival to the last byte (for a WebSocket: to its close). */
  ms: number;
  /** Body bytes sent to the visitor (for a WebSocket: every byte sent on its connection). */
  bytes: number;
  /** The app closed or reset its connection before the answer was complete. */
  cut?: true;
  /** Porthole's own protection check, not a visitor. */
  probe?: true;
  /** The answer was a dev server's host check refusing the tunnel's host name (common/host-check.ts). */
  hostCheck?: 'vite' | 'webpack';
  /** The inspector's id of the kept request and answer, while inspection is on. */
  id?: string;
  /** Sent again by the user's "Replay", straight to the local app. */
  replayed?: true;
}

/** A body as the inspector shows it. */
export interface BodyView {
  /** json, form and text carry `text` (pretty-printed); binary and empty don't; evicted: dropped to stay within 32 MB. */
  kind: 'json' | 'form' | 'text' | 'binary' | 'empty' | 'evicted';
  text?: string;
  /** Bytes that went by (the first 64 KB are kept). */
  size: number;
  /** Content-Type as sent. */
  type: string;
  /** Longer than what is kept. */
  truncated: boolean;
}

/** One side of a kept exchange: its start line, its headers as sent (credentials redacted unless revealed), its body. */
export interface ExchangeSideView {
  start: string;
  headers: [string, string][];
  body: BodyView;
}

/** A kept request and its answer, for the request's details in the window. */
export interface ExchangeView {
  id: string;
  tunnel: string;
  at: string;
  ms: number;
  visitor: string | null;
  replayed: boolean;
  /** Credentials shown as sent (the user asked, for this request). */
  revealed: boolean;
  request: ExchangeSideView | null;
  response: ExchangeSideView | null;
  /** The request as a curl command to the local app; redacted values left out unless revealed. */
  curl: string;
}

/** A replay's outcome: the request's original exchange and the new one, side by side. */
export interface ReplayResult {
  before: ExchangeView;
  after: ExchangeView;
}

/** One person who signed in and reached the app. */
export interface VisitorView {
  user: string;
  /** ISO times of their first and latest request. */
  firstSeen: string;
  lastSeen: string;
  requests: number;
}

export interface VisitsView {
  /** The kept requests (the last 1,000), oldest first. */
  requests: VisitRecord[];
  /** Every visitor since the tunnel was added (most recent first) and the requests nobody signed in for. */
  /** `forgotten`: people dropped from a full book (the least recently seen go first). */
  visitors: { visitors: VisitorView[]; anonymous: number; forgotten: number };
}

/** One entry of the `visitRecorded` push. */
export interface VisitRecorded {
  tunnel: string;
  record: VisitRecord;
}

/** Share for a set time; `minutes: null` shares until stopped (clears the deadline). */
interface ShareForRequest {
  name: string;
  minutes: ShareMinutes;
}
export type ShareMinutes = 15 | 60 | 240 | null;
export const SHARE_MINUTES: readonly ShareMinutes[] = [15, 60, 240, null];

/** The method of an invoke channel: no argument when it takes no payload. */
export type InvokeMethod<K extends InvokeKey> = Payloads[K] extends undefined
  ? () => Promise<IpcResult<Results[K]>>
  : (payload: Payloads[K]) => Promise<IpcResult<Results[K]>>;

/** The API the preload exposes as `window.porthole`: one method per invoke channel, plus the subscriptions. */
export type PortholeApi = { [K in InvokeKey]: InvokeMethod<K> } & {
  /** Called with every state push; returns the unsubscribe function. */
  onState(listener: (state: StateSnapshot) => void): () => void;
  /** Called when main asks the open window to show a view; returns the unsubscribe function. */
  onNavigate(listener: (intent: WindowIntent) => void): () => void;
  /** Called with each batch of completed requests (every tunnel); returns the unsubscribe function. */
  onVisits(listener: (batch: VisitRecorded[]) => void): () => void;
};

/** What a channel's handler in main looks like: the sender's URL, the raw payload, a result. */
type Handler<K extends InvokeKey> = (senderUrl: string, payload: unknown) => Promise<IpcResult<Results[K]>>;
export type Handlers = { [K in InvokeKey]: Handler<K> };
