// pure: the one description of the bridge between the settings window and the main process.
// Channel names, payloads, results and the `PortholeApi` the preload exposes as `window.porthole`.
// Imports types only, so main, preload and renderer can all import it without pulling in code.

import type { AuthMode, PortholeError, PreflightReport, TunnelView } from '../main/types.js';

/**
 * Every IPC channel, `noun:verb`. Invoke channels map 1:1 to the `PortholeApi` method of the same
 * key (main/ipc/handlers.ts has one handler per key); `stateChanged` and `windowNavigate` are
 * pushes from main to the window (`webContents.send`), never invoked.
 */
export const CHANNELS = {
  /** → StateSnapshot: every tunnel with its live state. */
  getState: 'state:get',
  /** → TunnelEntry[]: the stored tunnels (no secrets) joined with their live state. */
  listTunnels: 'tunnels:list',
  /** TunnelDraft → TunnelEntry: add a tunnel, or edit one (`previousName` to rename). */
  saveTunnel: 'tunnel:save',
  /** TunnelRef → null: stop and forget a tunnel and its client secret. */
  removeTunnel: 'tunnel:remove',
  /** TunnelRef → TunnelView. */
  startTunnel: 'tunnel:start',
  /** TunnelRef → TunnelView. */
  stopTunnel: 'tunnel:stop',
  /** TunnelRef → TunnelView: request the public URL with no cookies, record the protection. */
  verifyTunnel: 'tunnel:verify',
  /** TunnelRef → TunnelExtras: ngrok command, traffic policy and QR code of a tunnel. */
  tunnelExtras: 'tunnel:extras',
  /** CopyTunnelTextRequest → null: copy a tunnel's URL, ngrok command or policy (none of them holds a secret). */
  copyTunnelText: 'tunnel:copy',
  /** PreflightRequest → PreflightResult: the FusionAuth checklist. */
  runPreflight: 'preflight:run',
  /** → SettingsView: app settings; secrets only as `{ stored }`. */
  getSettings: 'settings:get',
  /** AppSettingsPatch → SettingsView. */
  saveSettings: 'settings:save',
  /** CredentialsPatch → SettingsView: write-only secrets (the ngrok authtoken). */
  saveCredentials: 'credentials:save',
  /** ImportAuthtokenRequest → ImportAuthtokenResult: from the ngrok config file or NGROK_AUTHTOKEN. */
  importNgrokAuthtoken: 'authtoken:import',
  /** → ListeningPort[]: ports listening on this machine, with process names where the OS tells. */
  listListeningPorts: 'ports:list',
  /** PortRef → PortProbe: is anything listening on this port? */
  probePort: 'port:probe',
  /** CopyTextRequest → null: put text on the clipboard. */
  copyText: 'clipboard:write',
  /** OpenExternalRequest → null: open an http(s) URL in the default browser. */
  openExternal: 'browser:open',
  /** → SecretStorageInfo: which OS backend protects the secrets. */
  secretStorageInfo: 'secrets:info',
  /** push, main → window: StateSnapshot on every engine change. */
  stateChanged: 'state:changed',
  /** push, main → window: WindowIntent (tray "New tunnel…" while the window is open). */
  windowNavigate: 'window:navigate',
} as const;

export type ChannelKey = keyof typeof CHANNELS;
export type Channel = (typeof CHANNELS)[ChannelKey];
/** The invoke channels: everything but the pushes. */
export type InvokeKey = Exclude<ChannelKey, 'stateChanged' | 'windowNavigate'>;
export const PUSH_KEYS = ['stateChanged', 'windowNavigate'] as const satisfies readonly ChannelKey[];
export const INVOKE_KEYS = (Object.keys(CHANNELS) as ChannelKey[]).filter(
  (k): k is InvokeKey => !(PUSH_KEYS as readonly string[]).includes(k),
);

/**
 * Every answer over IPC is a value, never a thrown error (invoke would keep only its message).
 * A refused form carries every field error in `errors` (the first is also `error`), so the window
 * can mark each field at once.
 */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: PortholeError; errors?: PortholeError[] };

/** A secret as the window may see it: whether one is stored, never its value. */
export interface StoredSecret {
  stored: boolean;
}

/** FusionAuth settings of a stored tunnel, as the window sees them. */
export interface FusionAuthPublic {
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
  /** Required (true) for mode `public`: anyone with the URL gets in. */
  confirmPublic?: boolean;
  /** Required (true) to store a secret where the OS offers no real keychain (`basic_text`). */
  allowInsecureStorage?: boolean;
}

export interface TunnelRef {
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
export interface CopyTunnelTextRequest {
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

/** A damaged settings file, set aside at launch. */
export interface SettingsProblem {
  /** `settings`: tunnels and flags, whatever was readable kept; `secrets`: the stored secrets are lost. */
  kind: 'settings' | 'secrets';
  /** Where the damaged file now is (`…/settings.json.corrupt-<time>`). */
  movedTo: string;
  /** How many tunnels were still readable and kept. */
  keptTunnels: number;
}

export interface AppSettingsPatch {
  startAtLogin?: boolean;
  /** `null` clears the value. */
  serverAddr?: string | null;
  caPem?: string | null;
}

export interface CredentialsPatch {
  /** A new ngrok authtoken; an empty string deletes the stored one. */
  ngrokAuthtoken?: string;
  allowInsecureStorage?: boolean;
}

export interface ImportAuthtokenRequest {
  allowInsecureStorage?: boolean;
}
export interface ImportAuthtokenResult {
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

export interface PortRef {
  port: number;
}
export interface PortProbe {
  port: number;
  listening: boolean;
}

export interface CopyTextRequest {
  text: string;
}
export interface OpenExternalRequest {
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
 * What main asks the window to show: `settings` the window as the user left it (tray "Settings…"),
 * `new-tunnel` the add form (tray "New tunnel…"), `ngrok` the ngrok settings (a start failed for
 * want of a valid authtoken).
 */
export type WindowIntent = 'settings' | 'new-tunnel' | 'ngrok';

/** The API the preload exposes as `window.porthole`. One method per invoke channel. */
export interface PortholeApi {
  getState(): Promise<IpcResult<StateSnapshot>>;
  listTunnels(): Promise<IpcResult<TunnelEntry[]>>;
  saveTunnel(draft: TunnelDraft): Promise<IpcResult<TunnelEntry>>;
  removeTunnel(ref: TunnelRef): Promise<IpcResult<null>>;
  startTunnel(ref: TunnelRef): Promise<IpcResult<TunnelView>>;
  stopTunnel(ref: TunnelRef): Promise<IpcResult<TunnelView>>;
  verifyTunnel(ref: TunnelRef): Promise<IpcResult<TunnelView>>;
  tunnelExtras(ref: TunnelRef): Promise<IpcResult<TunnelExtras>>;
  copyTunnelText(req: CopyTunnelTextRequest): Promise<IpcResult<null>>;
  runPreflight(req: PreflightRequest): Promise<IpcResult<PreflightResult>>;
  getSettings(): Promise<IpcResult<SettingsView>>;
  saveSettings(patch: AppSettingsPatch): Promise<IpcResult<SettingsView>>;
  saveCredentials(patch: CredentialsPatch): Promise<IpcResult<SettingsView>>;
  importNgrokAuthtoken(req: ImportAuthtokenRequest): Promise<IpcResult<ImportAuthtokenResult>>;
  listListeningPorts(): Promise<IpcResult<ListeningPort[]>>;
  probePort(ref: PortRef): Promise<IpcResult<PortProbe>>;
  copyText(req: CopyTextRequest): Promise<IpcResult<null>>;
  openExternal(req: OpenExternalRequest): Promise<IpcResult<null>>;
  secretStorageInfo(): Promise<IpcResult<SecretStorageInfo>>;
  /** Called with every state push; returns the unsubscribe function. */
  onState(listener: (state: StateSnapshot) => void): () => void;
  /** Called when main asks the open window to show a view; returns the unsubscribe function. */
  onNavigate(listener: (intent: WindowIntent) => void): () => void;
}

/** Payload type of each invoke channel (what the preload sends; `undefined` for none). */
export interface Payloads {
  getState: undefined;
  listTunnels: undefined;
  saveTunnel: TunnelDraft;
  removeTunnel: TunnelRef;
  startTunnel: TunnelRef;
  stopTunnel: TunnelRef;
  verifyTunnel: TunnelRef;
  tunnelExtras: TunnelRef;
  copyTunnelText: CopyTunnelTextRequest;
  runPreflight: PreflightRequest;
  getSettings: undefined;
  saveSettings: AppSettingsPatch;
  saveCredentials: CredentialsPatch;
  importNgrokAuthtoken: ImportAuthtokenRequest;
  listListeningPorts: undefined;
  probePort: PortRef;
  copyText: CopyTextRequest;
  openExternal: OpenExternalRequest;
  secretStorageInfo: undefined;
}

/** Result type of each invoke channel, derived from the API so the two cannot drift. */
export type Results = {
  [K in InvokeKey]: PortholeApi[K] extends (...args: never[]) => Promise<IpcResult<infer T>> ? T : never;
};

/** What a channel's handler in main looks like: the sender's URL, the raw payload, a result. */
export type Handler<K extends InvokeKey> = (senderUrl: string, payload: unknown) => Promise<IpcResult<Results[K]>>;
export type Handlers = { [K in InvokeKey]: Handler<K> };
