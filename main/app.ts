// shell: the desktop app's composition root — settings, secrets, engine, the operations (main/core/),
// tray model, IPC handlers and notifications wired together through the ports of main/ports.ts.
// No electron import: main/index.ts passes Electron-backed ports.

import { toDataURL } from 'qrcode';
import type { PortholeError, RunPreflight, TunnelView, VerifyProtection } from '../common/types.js';
import type { Handlers, StateSnapshot } from '../common/contract.js';
import { coalesce, firstOnline, parseMenuId, TRAY_COALESCE_MS, trayIcon, trayMenu, trayTooltip } from './tray/menu.js';
import { noticesFor, settingsProblemNotice } from './tray/notices.js';
import { isHttpUrl } from '../common/view-rules.js';
import type { SettingsStore } from './settings/settings-store.js';
import type { SecretStore } from './settings/secrets.js';
import { createEngine, type Engine, type EngineOptions } from './engine/engine.js';
import { runPreflight } from './oidc/preflight.js';
import { verifyProtection } from './oidc/verify.js';
import { createHandlers, type HandlerDeps } from './ipc/handlers.js';
import { createOperations, OpError, type Operations } from './core/operations.js';
import { portholeError } from '../common/errors.js';
import type { ClipboardPort, LoginItemPort, LogPort, NotifierPort, OpenExternalPort, TrayPort, WindowPort } from './ports.js';
import { listListeningPorts, probePort } from './system/listening-ports.js';
import { importNgrokAuthtoken } from './system/ngrok-config.js';

export type { ClipboardPort, LoginItemPort, LogPort, Notice, NotifierPort, OpenExternalPort, TrayModel, TrayPort, WindowPort } from './ports.js';

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
  /** One handler per invoke channel; main/glue/ipc.ts calls `handlers[key](event.senderFrame.url, payload)`. */
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

/** The ports the operations work through, built from the app's dependencies. */
function coreDeps(deps: PortholeDeps, engine: Engine, log: LogPort, onChange: () => void): HandlerDeps {
  const where = { ...(deps.env ? { env: deps.env } : {}), ...(deps.home ? { home: deps.home } : {}), ...(deps.platform ? { platform: deps.platform } : {}) };
  return {
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
    importAuthtoken: () => importNgrokAuthtoken(where),
    qrDataUrl: (text) => toDataURL(text, { margin: 1, width: 336, errorCorrectionLevel: 'M' }),
    log,
    onChange,
  };
}

/** What a tray menu item does (its MenuItemSpec id); failures become notifications. */
function menuActions(deps: PortholeDeps, engine: Engine, ops: Operations, quit: () => void): (id: string) => void {
  const failed = (what: string) => (err: unknown): void => {
    const e: PortholeError = err instanceof OpError ? err.error : portholeError('INTERNAL');
    deps.notifier.notify({ title: `${what} failed`, body: `${e.message}${e.fix ? ` ${e.fix}` : ''}` });
    if (e.field === 'ngrokAuthtoken') deps.window.show('ngrok');
  };
  const copy = (url: string | undefined): void => {
    if (url) deps.clipboard.writeText(url);
  };
  return (id) => {
    const action = parseMenuId(id);
    if (!action) return;
    if (action.kind === 'copy-first-url') return copy(firstOnline(engine.list())?.url);
    if (action.kind === 'new-tunnel') return deps.window.show('new-tunnel');
    if (action.kind === 'settings') return deps.window.show('settings');
    if (action.kind === 'quit') return quit();
    if (action.kind === 'start-at-login') {
      void ops.saveSettings({ startAtLogin: !deps.store.read().startAtLogin }).catch(failed('Start at login'));
      return;
    }
    const { name } = action;
    const url = engine.get(name)?.url;
    switch (action.action) {
      case 'copy-url':
        return copy(url);
      case 'open':
        if (isHttpUrl(url)) void deps.openExternal(url).catch(() => undefined);
        return;
      case 'start':
        return void ops.startTunnel(name).catch(failed(`Starting ${name}`));
      case 'stop':
        return void ops.stopTunnel(name).catch(failed(`Stopping ${name}`));
      case 'verify':
        return void ops.verifyTunnel(name).catch(failed(`Verifying ${name}`));
    }
  };
}

/** At launch: "open at login" follows the OS (the user may change it there); damaged files are announced. */
function reconcileAtLaunch(deps: PortholeDeps, log: LogPort): void {
  const s = deps.store.read();
  const atLogin = deps.loginItem.get();
  if (s.startAtLogin !== atLogin) deps.store.write({ ...s, startAtLogin: atLogin });
  for (const p of deps.store.problems) {
    deps.notifier.notify(settingsProblemNotice(p));
    log(`settings: ${p.file} moved aside: ${p.reason}`);
  }
}

/**
 * Start the desktop app's core: open the engine on the stored settings, keep the tray and the window
 * in step with it, notify on what matters, and start the tunnels marked "start with Porthole".
 */
export async function startPorthole(deps: PortholeDeps): Promise<PortholeApp> {
  const log = deps.log ?? (() => {});
  // No authtoken yet is a normal first run: the engine gets one when the user saves it.
  const engine = createEngine({ ...deps.engine, session: { authtoken: '' }, preflight: deps.preflight ?? runPreflight, verify: deps.verify ?? verifyProtection, log });

  const refresh = coalesce(() => {
    const views = engine.list();
    deps.tray.render({ menu: trayMenu(views, { startAtLogin: deps.store.read().startAtLogin }), icon: trayIcon(views), tooltip: trayTooltip(views) });
    deps.window.pushState(ops.snapshot());
  }, deps.trayCoalesceMs ?? TRAY_COALESCE_MS);

  const handlerDeps = coreDeps(deps, engine, log, () => refresh());
  const ops = createOperations(handlerDeps);
  const handlers = createHandlers(handlerDeps, ops);

  let previous: TunnelView[] = engine.list();
  engine.subscribe((_changed, all) => {
    for (const n of noticesFor(previous, all)) deps.notifier.notify(n);
    previous = all;
    refresh();
  });
  reconcileAtLaunch(deps, log);

  await ops.init();
  refresh();
  refresh.flush();
  void ops.startAll().then(() => refresh());
  // A tray icon alone guides nobody (and some Linux desktops hide tray icons): on a first run, or when the
  // settings file had to be set aside, the window opens by itself, on the guide or the notice.
  const first = !ops.settingsView().ngrok.authtoken.stored && deps.store.read().tunnels.length === 0;
  if (first || deps.store.problems.length > 0) deps.window.show('settings');

  const app: PortholeApp = {
    handlers,
    onMenuItem: menuActions(deps, engine, ops, () => (deps.requestQuit ? deps.requestQuit() : void app.quit())),
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
