// core: the desktop app's operations as one object — what the settings window asks through main/ipc/
// and what the tray's menu items do. Each throws OpError for an expected refusal, never a secret.
import type { TunnelView } from '../../common/types.js';
import type {
  AppSettingsPatch, CredentialsPatch, ListeningPort, PortProbe, PreflightRequest, PreflightResult, ReenterIntent,
  SettingsView, StateSnapshot, TunnelDraft, TunnelEntry, TunnelExtras, TunnelTextKind,
  FusionAuthApplied, FusionAuthApplyRequest, FusionAuthOutcome, FusionAuthPlanView, FusionAuthSetupRequest, ShareMinutes, VisitsView,
  ExchangeView, ReplayResult,
} from '../../common/contract.js';
import { invalidInput } from '../../common/errors.js';
import { SECRET_KEYS } from '../settings/secrets.js';
import type { CoreDeps } from '../ports.js';
import type { Core } from './core.js';
import { applyFusionAuthSetup, planFusionAuthSetup, type FusionAuthSetupDeps } from './fusionauth.js';
import { createShares } from './shares.js';
import { createEngineSync } from './engine-sync.js';
import { fail, OpError } from './op-error.js';
import { createSecretKeeper } from './secret-keeper.js';
import { createSerial } from './queue.js';
import { importAuthtoken, saveCredentials, saveSettings, settingsView } from './settings.js';
import * as tunnels from './tunnels.js';
import * as inspect from './inspect.js';

export { OpError } from './op-error.js';
export { isWeakBackend } from './secret-keeper.js';
export { SECRET_PLACEHOLDER } from './tunnels.js';

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
  /** Put a tunnel's text on the clipboard. */
  copyTunnelText(name: string, kind: TunnelTextKind): Promise<null>;
  runPreflight(req: PreflightRequest): Promise<PreflightResult>;
  settingsView(): SettingsView;
  saveSettings(patch: AppSettingsPatch): Promise<SettingsView>;
  saveCredentials(patch: CredentialsPatch): Promise<SettingsView>;
  importAuthtoken(allowInsecureStorage: boolean): Promise<{ source: string }>;
  listPorts(): Promise<ListeningPort[]>;
  probePort(port: number): Promise<PortProbe>;
  copyText(text: string): Promise<null>;
  /** Open an http(s) URL in the default browser; anything else is refused. */
  openUrl(url: string): Promise<null>;
  /** Start every tunnel marked "start with Porthole"; failures show in their views. */
  startAll(): Promise<void>;
  /** The stored secrets that can no longer be read, as the window intent that opens each one's field. */
  toReenter(): ReenterIntent[];
  /** "Set up FusionAuth for me": what applying would change (writes nothing). */
  planFusionAuthSetup(req: FusionAuthSetupRequest): Promise<FusionAuthOutcome<FusionAuthPlanView>>;
  /** Apply it (in the queue: it writes the settings and the secrets). */
  applyFusionAuthSetup(req: FusionAuthApplyRequest): Promise<FusionAuthOutcome<FusionAuthApplied>>;
  listVisits(name: string): VisitsView;
  inspectRequest(name: string, id: string, reveal: boolean): ExchangeView;
  replayRequest(name: string, id: string): Promise<ReplayResult>;
  copyRequestAsCurl(name: string, id: string, reveal: boolean): Promise<null>;
  /** Start the tunnel if stopped; set its deadline `minutes` from now (null: until stopped). */
  shareFor(name: string, minutes: ShareMinutes): Promise<TunnelView>;
  /** Look at the wall clock now (on resume): shares past their deadline stop. */
  checkShares(): void;
  /** True when some tunnel is shared until a deadline. */
  hasDeadlines(): boolean;
  /** Forget every deadline (quit). */
  cancelShares(): void;
}

/** The window intent for a secret key that must be entered again. */
function reenterIntent(key: string): ReenterIntent | undefined {
  if (key === SECRET_KEYS.ngrokAuthtoken) return { kind: 'reenter', secret: 'authtoken' };
  const m = /^client-secret-(.+)$/.exec(key);
  return m ? { kind: 'reenter', secret: 'client-secret', tunnel: m[1]! } : undefined;
}

/** Only web pages open in the browser: never a file:, javascript: or app-specific URL. */
function httpUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return fail(invalidInput('url', 'url must be an http or https address', 'Only web pages open in the browser.'));
  }
  return url.href;
}

export function createOperations(deps: CoreDeps): Operations {
  const log = deps.log ?? (() => {});
  const secrets = createSecretKeeper(deps.secrets, (key) => {
    log(`stored secret ${key} cannot be read: it must be entered again`);
    deps.onChange?.();
  });
  // At a deadline the tunnel stops as if by hand, then the app says why.
  const expire = (name: string): void => {
    void tunnels.stopTunnel(core, name)
      .then(() => deps.onShareEnded?.(name))
      .catch((e: unknown) => log(`share of ${name} ended but it did not stop: ${e instanceof OpError ? e.error.code : 'error'}`));
  };
  const core: Core = { deps, secrets, sync: createEngineSync(deps.engine, deps.store, secrets), shares: createShares(expire, deps.clock, deps.shareCheckEveryMs) };
  // Every read-modify-write of the settings, the secrets or the engine's tunnels runs in this one queue.
  const serial = createSerial();
  const fa: FusionAuthSetupDeps = { store: deps.store, secrets, sync: core.sync, preflight: deps.preflight, ...(deps.fusionauthApi ? { api: deps.fusionauthApi } : {}) };
  const ops: Operations = {
    init: () => serial(async () => {
      await secrets.load([SECRET_KEYS.ngrokAuthtoken, ...deps.store.read().tunnels.map((t) => SECRET_KEYS.clientSecret(t.name))]);
      await core.sync.refreshSession().catch((e: unknown) => {
        if (!(e instanceof OpError)) throw e;
        log(`no ngrok session yet: ${e.error.code}`);
      });
      // Tunnels join the engine when started or saved, not here: the engine announces each addition to
      // every subscriber with the whole list, so adding thousands at launch would cost the square.
      // Their client secrets are read once, so one that can no longer be decrypted is asked for now.
      for (const t of deps.store.read().tunnels) if (t.fusionauth) await secrets.get(SECRET_KEYS.clientSecret(t.name));
    }),
    snapshot: () => ({ tunnels: tunnels.tunnelEntries(core), settings: settingsView(core) }),
    entries: () => tunnels.tunnelEntries(core),
    saveTunnel: (draft) => serial(() => tunnels.saveTunnel(core, draft)),
    removeTunnel: (name) => serial(() => tunnels.removeTunnel(core, name)),
    async startTunnel(name) {
      // Registering is queued; the start itself (seconds, on a slow network) is not, so it blocks no save.
      await serial(() => tunnels.prepareStart(core, name));
      return tunnels.startPrepared(core, name);
    },
    stopTunnel: (name) => tunnels.stopTunnel(core, name),
    verifyTunnel: (name) => tunnels.verifyTunnel(core, name),
    tunnelExtras: (name) => tunnels.tunnelExtras(core, name),
    tunnelText: (name, kind) => tunnels.tunnelText(core, name, kind),
    async copyTunnelText(name, kind) {
      deps.clipboard.writeText(await tunnels.tunnelText(core, name, kind));
      return null;
    },
    runPreflight: (req) => tunnels.runPreflight(core, req),
    settingsView: () => settingsView(core),
    saveSettings: (patch) => serial(() => saveSettings(core, patch)),
    saveCredentials: (patch) => serial(() => saveCredentials(core, patch)),
    importAuthtoken: (allow) => serial(() => importAuthtoken(core, allow)),
    listPorts: () => deps.listPorts(),
    probePort: async (port) => ({ port, listening: await deps.probePort(port) }),
    async copyText(text) {
      deps.clipboard.writeText(text);
      return null;
    },
    async openUrl(url) {
      await deps.openExternal(httpUrl(url));
      return null;
    },
    async startAll() {
      for (const t of deps.store.read().tunnels.filter((x) => x.startWithPorthole)) {
        await ops.startTunnel(t.name).catch((e: unknown) => log(`tunnel ${t.name} did not start: ${e instanceof OpError ? e.error.code : 'error'}`));
      }
    },
    toReenter: () => secrets.toReenter().flatMap((k) => reenterIntent(k) ?? []),
    planFusionAuthSetup: (req) => planFusionAuthSetup(fa, req),
    applyFusionAuthSetup: (req) => serial(async () => {
      const r = await applyFusionAuthSetup(fa, req);
      if (r.ok) deps.onChange?.();
      return r;
    }),
    listVisits: (name) => tunnels.listVisits(core, name),
    inspectRequest: (name, id, reveal) => inspect.inspectRequest(core, name, id, reveal),
    replayRequest: (name, id) => inspect.replayRequest(core, name, id),
    async copyRequestAsCurl(name, id, reveal) {
      deps.clipboard.writeText(inspect.curlOf(core, name, id, reveal));
      return null;
    },
    shareFor: (name, minutes) => tunnels.shareFor(core, name, minutes, (n) => ops.startTunnel(n)),
    checkShares: () => core.shares.check(),
    hasDeadlines: () => core.shares.any(),
    cancelShares: () => core.shares.cancelAll(),
  };
  return ops;
}
