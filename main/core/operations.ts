// core: the desktop app's operations as one object — what the settings window asks through main/ipc/
// and what the tray's menu items do. Each throws OpError for an expected refusal, never a secret.
import type { TunnelView } from '../../common/types.js';
import type {
  AppSettingsPatch, CredentialsPatch, ListeningPort, PortProbe, PreflightRequest, PreflightResult,
  SecretStorageInfo, SettingsView, StateSnapshot, TunnelDraft, TunnelEntry, TunnelExtras, TunnelTextKind,
} from '../../common/contract.js';
import { invalidInput } from '../../common/errors.js';
import { SECRET_KEYS } from '../settings/secrets.js';
import type { CoreDeps } from '../ports.js';
import { createEngineSync } from './engine-sync.js';
import { fail, OpError } from './op-error.js';
import { createSecretKeeper } from './secret-keeper.js';
import { importAuthtoken, saveCredentials, saveSettings, settingsView } from './settings.js';
import * as tunnels from './tunnels.js';

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
  secretStorage(): SecretStorageInfo;
  listPorts(): Promise<ListeningPort[]>;
  probePort(port: number): Promise<PortProbe>;
  copyText(text: string): Promise<null>;
  /** Open an http(s) URL in the default browser; anything else is refused. */
  openUrl(url: string): Promise<null>;
  /** Start every tunnel marked "start with Porthole"; failures show in their views. */
  startAll(): Promise<void>;
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
  const secrets = createSecretKeeper(deps.secrets);
  const core: tunnels.Core = { deps, secrets, sync: createEngineSync(deps.engine, deps.store, secrets) };
  const ops: Operations = {
    async init() {
      await secrets.load([SECRET_KEYS.ngrokAuthtoken, ...deps.store.read().tunnels.map((t) => SECRET_KEYS.clientSecret(t.name))]);
      await core.sync.ensureSession().catch((e: unknown) => {
        if (!(e instanceof OpError)) throw e;
        log(`no ngrok session yet: ${e.error.code}`);
      });
      for (const t of deps.store.read().tunnels) {
        // A tunnel whose secret went missing stays out of the engine until it is saved again.
        await core.sync.register(t).catch((e: unknown) => log(`tunnel ${t.name} not loaded: ${e instanceof OpError ? e.error.message : 'error'}`));
      }
    },
    snapshot: () => ({ tunnels: tunnels.tunnelEntries(core), settings: settingsView(core) }),
    entries: () => tunnels.tunnelEntries(core),
    saveTunnel: (draft) => tunnels.saveTunnel(core, draft),
    removeTunnel: (name) => tunnels.removeTunnel(core, name),
    startTunnel: (name) => tunnels.startTunnel(core, name),
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
    saveSettings: (patch) => saveSettings(core, patch),
    saveCredentials: (patch) => saveCredentials(core, patch),
    importAuthtoken: (allow) => importAuthtoken(core, allow),
    secretStorage: () => secrets.storage(),
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
  };
  return ops;
}
