// shell: the desktop app's composition root — settings, secrets, engine, tray model, IPC handlers and
// notifications wired together through ports. No electron import: main/index.ts passes Electron-backed ports.

import { toDataURL } from 'qrcode';
import type { PortholeError, RunPreflight, TunnelView, VerifyProtection } from './types.js';
import type { Handlers, StateSnapshot, WindowIntent } from '../preload/contract.js';
import { coalesce, firstOnline, parseMenuId, TRAY_COALESCE_MS, trayIcon, trayMenu, trayTooltip, type MenuItemSpec, type TrayIconName } from './tray/menu.js';
import { noticesFor, type Notice } from './tray/notices.js';
import type { SettingsStore } from './settings/settings-store.js';
import type { SecretStore } from './settings/secrets.js';
import { createEngine, type EngineOptions } from './engine/engine.js';
import { runPreflight } from './oidc/preflight.js';
import { verifyProtection } from './oidc/verify.js';
import { createHandlers, createOperations, OpError, type HandlerDeps } from './ipc/handlers.js';
import { listListeningPorts, probePort } from './system/listening-ports.js';
import { importNgrokAuthtoken } from './system/ngrok-config.js';

/** What the tray shows: applied by main/tray/tray.ts to the Electron Tray. */
export interface TrayModel {
  menu: MenuItemSpec[];
  icon: TrayIconName;
  tooltip: string;
}
/** Port: the tray icon. `render` is called (coalesced) after every change. */
export interface TrayPort {
  render(model: TrayModel): void;
}
/** Port: the settings window. */
export interface WindowPort {
  /** Open (or focus) the settings window, showing `intent`. */
  show(intent?: WindowIntent): void;
  /** Push a state snapshot to the window if it is open (CHANNELS.stateChanged). */
  pushState(state: StateSnapshot): void;
}
export type { Notice };
/** Port: desktop notifications. */
export interface NotifierPort {
  notify(notice: Notice): void;
}
/** Port: the system clipboard. */
export interface ClipboardPort {
  writeText(text: string): void;
}
/** Port: open a URL in the default browser (only ever given http(s) URLs). */
export type OpenExternalPort = (url: string) => Promise<void>;
/** Port: "start at login" (Electron's app.getLoginItemSettings / setLoginItemSettings). */
export interface LoginItemPort {
  get(): boolean;
  set(enabled: boolean): void;
}
/** Port: a log sink; never given a secret. */
export type LogPort = (line: string) => void;

export interface PortholeDeps {
  /** The opened settings store (main/settings/settings-store.ts `openSettingsStore`). */
  store: SettingsStore;
  secrets: SecretStore;
  tray: TrayPort;
  window: WindowPort;
  notifier: NotifierPort;
  clipboard: ClipboardPort;
  openExternal: OpenExternalPort;
  loginItem: LoginItemPort;
  /**
   * Which IPC senders are the settings window: its exact URL (`file:///…/renderer/index.html`,
   * compared without query or hash), or a predicate.
   */
  trustedSender: string | ((senderUrl: string) => boolean);
  /** Defaults: main/oidc/preflight.ts runPreflight, main/oidc/verify.ts verifyProtection. */
  preflight?: RunPreflight;
  verify?: VerifyProtection;
  log?: LogPort;
  /** Environment for the ngrok config import (defaults: process.env, os.homedir(), process.platform). */
  env?: Record<string, string | undefined>;
  home?: string;
  platform?: NodeJS.Platform;
  /** Milliseconds to coalesce tray (and window) refreshes over (default TRAY_COALESCE_MS, one frame). */
  trayCoalesceMs?: number;
  /** Ask the app to quit (Electron: app.quit(), whose before-quit calls PortholeApp.quit()). Default: quit(). */
  requestQuit?: () => void;
  /** Engine tuning (recovery timings) and test ports; the session comes from the stored settings. */
  engine?: Omit<EngineOptions, 'session' | 'preflight' | 'verify' | 'log'>;
}

/** The running app, as the Electron glue drives it. */
export interface PortholeApp {
  /** One handler per invoke channel; main/ipc/register.ts calls `handlers[key](event.senderFrame.url, payload)`. */
  handlers: Handlers;
  /** A tray menu item was clicked (its MenuItemSpec id). */
  onMenuItem(id: string): void;
  /** The machine woke from sleep: rebuild sessions at once. */
  onResume(): void;
  /** The network changed: rebuild sessions at once. */
  onNetworkChange(): void;
  /** The current snapshot (for a window that just opened). */
  snapshot(): StateSnapshot;
  /** Stop every tunnel cleanly; resolve when all are closed. Call before exit. */
  quit(): Promise<void>;
}

const isHttpUrl = (url: string | undefined): url is string => !!url && /^https?:\/\//i.test(url);

/**
 * Start the desktop app's core: open the engine on the stored settings, keep the tray and the window
 * in step with it, notify on what matters, and start the tunnels marked "start with Porthole".
 */
export async function startPorthole(deps: PortholeDeps): Promise<PortholeApp> {
  const log = deps.log ?? (() => {});
  // No authtoken yet is a normal first run: the engine gets one when the user saves it.
  const engine = createEngine({
    ...deps.engine,
    session: { authtoken: '' },
    preflight: deps.preflight ?? runPreflight,
    verify: deps.verify ?? verifyProtection,
    log,
  });

  const refresh = coalesce(() => {
    const views = engine.list();
    deps.tray.render({ menu: trayMenu(views, { startAtLogin: deps.store.read().startAtLogin }), icon: trayIcon(views), tooltip: trayTooltip(views) });
    deps.window.pushState(ops.snapshot());
  }, deps.trayCoalesceMs ?? TRAY_COALESCE_MS);

  const handlerDeps: HandlerDeps = {
    trustedSender: deps.trustedSender,
    store: deps.store,
    secrets: deps.secrets,
    engine,
    preflight: deps.preflight ?? runPreflight,
    clipboard: deps.clipboard,
    openExternal: deps.openExternal,
    loginItem: deps.loginItem,
    listPorts: () => listListeningPorts(deps.platform ? { platform: deps.platform } : {}),
    probePort: (port) => probePort(port),
    importAuthtoken: () =>
      importNgrokAuthtoken({ ...(deps.env ? { env: deps.env } : {}), ...(deps.home ? { home: deps.home } : {}), ...(deps.platform ? { platform: deps.platform } : {}) }),
    qrDataUrl: (text) => toDataURL(text, { margin: 1, width: 336, errorCorrectionLevel: 'M' }),
    log,
    onChange: () => refresh(),
  };
  const ops = createOperations(handlerDeps);
  const handlers = createHandlers(handlerDeps, ops);

  let previous: TunnelView[] = engine.list();
  engine.subscribe((_changed, all) => {
    for (const n of noticesFor(previous, all)) deps.notifier.notify(n);
    previous = all;
    refresh();
  });

  // The OS owns "open at login" (the user may change it there); the settings follow it.
  const s = deps.store.read();
  const atLogin = deps.loginItem.get();
  if (s.startAtLogin !== atLogin) deps.store.write({ ...s, startAtLogin: atLogin });

  for (const p of deps.store.problems) {
    deps.notifier.notify(
      p.kind === 'secrets'
        ? { title: 'Porthole’s stored secrets could not be read', body: `The file was set aside as ${p.movedTo}. Your tunnels are kept; enter the ngrok authtoken and client secrets again.` }
        : { title: 'Porthole’s settings file was damaged', body: `It was set aside as ${p.movedTo}. ${p.keptTunnels} tunnel${p.keptTunnels === 1 ? '' : 's'} kept; your secrets are unaffected.` },
    );
    log(`settings: ${p.file} moved aside: ${p.reason}`);
  }

  await ops.init();
  refresh();
  refresh.flush();
  void ops.startAll().then(() => refresh());
  // A tray icon alone guides nobody (and some Linux desktops hide tray icons): on a first run, or when the
  // settings file had to be set aside, the window opens by itself, on the guide or the notice.
  const first = !ops.settingsView().ngrok.authtoken.stored && deps.store.read().tunnels.length === 0;
  if (first || deps.store.problems.length > 0) deps.window.show('settings');

  const failed = (what: string, err: unknown): void => {
    const e: PortholeError = err instanceof OpError ? err.error : { code: 'INTERNAL', message: 'Something went wrong.' };
    deps.notifier.notify({ title: `${what} failed`, body: `${e.message}${e.fix ? ` ${e.fix}` : ''}` });
    if (e.field === 'ngrokAuthtoken') deps.window.show('ngrok');
  };

  const onMenuItem = (id: string): void => {
    const action = parseMenuId(id);
    if (!action) return;
    switch (action.kind) {
      case 'copy-first-url': {
        const v = firstOnline(engine.list());
        if (v?.url) deps.clipboard.writeText(v.url);
        return;
      }
      case 'new-tunnel':
        return deps.window.show('new-tunnel');
      case 'settings':
        return deps.window.show('settings');
      case 'start-at-login':
        void ops.saveSettings({ startAtLogin: !deps.store.read().startAtLogin }).catch((e: unknown) => failed('Start at login', e));
        return;
      case 'quit':
        if (deps.requestQuit) deps.requestQuit();
        else void app.quit();
        return;
      case 'tunnel': {
        const { name } = action;
        const v = engine.get(name);
        switch (action.action) {
          case 'copy-url':
            if (v?.url) deps.clipboard.writeText(v.url);
            return;
          case 'open':
            if (isHttpUrl(v?.url)) void deps.openExternal(v.url).catch(() => undefined);
            return;
          case 'start':
            void ops.startTunnel(name).catch((e: unknown) => failed(`Starting ${name}`, e));
            return;
          case 'stop':
            void ops.stopTunnel(name).catch((e: unknown) => failed(`Stopping ${name}`, e));
            return;
          case 'verify':
            void ops.verifyTunnel(name).catch((e: unknown) => failed(`Verifying ${name}`, e));
            return;
        }
      }
    }
  };

  const app: PortholeApp = {
    handlers,
    onMenuItem,
    onResume: () => engine.recover(),
    onNetworkChange: () => engine.recover(),
    snapshot: () => ops.snapshot(),
    async quit() {
      await engine.stopAll();
      refresh.cancel();
    },
  };
  return app;
}
