// shell: the desktop app's composition root — settings, secrets, engine, the operations (main/core/),
// tray model, IPC handlers and notifications wired together through the ports of main/ports.ts.
// No electron import: main/index.ts passes Electron-backed ports.

import { toDataURL } from 'qrcode';
import type { PortholeError, RunPreflight, TunnelView, VerifyProtection } from '../common/types.js';
import type { Handlers, ReenterIntent, StateSnapshot, VisitRecorded } from '../common/contract.js';
import { coalesce, firstOnline, parseMenuId, SHARE_ACTION_MINUTES, TRAY_COALESCE_MS, trayIcon, trayMenu, trayTooltip, tunnelItemId, type MenuItemSpec, type ShareAction, type TunnelTrayDetails } from './tray/menu.js';
import type { Clock } from './visits/share-timer.js';
import type { FusionAuthSetupDeps } from './core/fusionauth.js';
import { noticesFor, settingsProblemNotice } from './tray/notices.js';
import { forwardInternalSnippet, isHttpUrl, isInternalUrl } from '../common/view-rules.js';
import type { SettingsStore } from './settings/settings-store.js';
import type { SecretStore } from './settings/secrets.js';
import { createEngine, type Engine, type EngineOptions } from './engine/engine.js';
import { runPreflight } from './oidc/preflight.js';
import { verifyProtection } from './oidc/verify.js';
import { createHandlers, type HandlerDeps } from './ipc/handlers.js';
import { createOperations, OpError, type Operations } from './core/operations.js';
import { createAgentApiSwitch } from './core/agent-api-switch.js';
import { portholeError } from '../common/errors.js';
import type { ClipboardPort, LoginItemPort, LogPort, Notice, NotifierPort, OpenExternalPort, TrayModel, TrayPort, WindowPort } from './ports.js';
import { listListeningPorts, probePort } from './system/listening-ports.js';
import { importNgrokAuthtoken } from './system/ngrok-config.js';

export type { ClipboardPort, LoginItemPort, LogPort, Notice, NotifierPort, OpenExternalPort, TrayModel, TrayPort, WindowPort } from './ports.js';

export interface PortholeDeps {
  /** The opened settings store (main/settings/settings-store.ts `openSettingsStore`). */
  store: SettingsStore;
  secrets: SecretStore;
  tray: TrayPort;
  /** The settings window; `pushVisits` sends the `visitRecorded` push (a batch) when it is open. */
  window: WindowPort & { pushVisits?(batch: VisitRecorded[]): void };
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
  /** Open the folder of the log file (tray "Open log folder"); absent: no such item. */
  openLogFolder?: () => void;
  /** The wall clock of timed shares (tests jump it as a sleeping machine does). Default: Date.now. */
  clock?: Clock;
  /** How often a share's deadline is looked at (default 1 s). */
  shareCheckEveryMs?: number;
  /** How often the tray's "2 min ago" and time left are refreshed (default 30 s). */
  tickMs?: number;
  /** Tests: the FusionAuth API client of "Set up FusionAuth for me". */
  fusionauthApi?: FusionAuthSetupDeps['api'];
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
function coreDeps(deps: PortholeDeps, engine: Engine, log: LogPort, onChange: () => void, onShareEnded: (name: string) => void): HandlerDeps {
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
    visits: engine.visits,
    ...(engine.inspector ? { inspector: engine.inspector } : {}),
    onShareEnded,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.shareCheckEveryMs ? { shareCheckEveryMs: deps.shareCheckEveryMs } : {}),
    ...(deps.fusionauthApi ? { fusionauthApi: deps.fusionauthApi } : {}),
  };
}

/** What the user is told when a stored secret can no longer be read. */
function reenterNotice(intent: ReenterIntent): Notice {
  const tunnel = intent.startsWith('reenter:client-secret:') ? intent.slice('reenter:client-secret:'.length) : undefined;
  const what = tunnel ? `The client secret of ${tunnel}` : 'The ngrok authtoken';
  return { title: `${what} must be entered again`, body: `${what} stored on this computer cannot be decrypted any more (a new keychain or a restored backup). Your tunnels and other settings are kept: enter it again in the window.` };
}

/** The tray line for a secret to enter again: clicking it opens the window at that field. */
function reenterMenuItem(intent: ReenterIntent): MenuItemSpec {
  const tunnel = intent.startsWith('reenter:client-secret:') ? intent.slice('reenter:client-secret:'.length) : undefined;
  return tunnel
    ? { id: tunnelItemId(tunnel, 'details'), label: `⚠ Enter the client secret of ${tunnel} again…`, enabled: true }
    : { id: 'settings', label: '⚠ Enter the ngrok authtoken again…', enabled: true };
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
    const reenter = ops.toReenter();
    if (action.kind === 'settings') return deps.window.show(reenter.includes('reenter:authtoken') ? 'reenter:authtoken' : 'settings');
    if (action.kind === 'quit') return quit();
    if (action.kind === 'open-log-folder') return deps.openLogFolder?.();
    if (action.kind === 'start-at-login') {
      void ops.saveSettings({ startAtLogin: !deps.store.read().startAtLogin }).catch(failed('Start at login'));
      return;
    }
    const { name } = action;
    if (action.action in SHARE_ACTION_MINUTES) {
      return void ops.shareFor(name, SHARE_ACTION_MINUTES[action.action as ShareAction]).catch(failed(`Sharing ${name}`));
    }
    const url = engine.get(name)?.url;
    switch (action.action) {
      case 'details':
        return deps.window.show(reenter.includes(`reenter:client-secret:${name}`) ? `reenter:client-secret:${name}` : `tunnel:${name}`);
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
      case 'copy-snippet':
        return copy(isInternalUrl(url) ? forwardInternalSnippet(url) : undefined);
    }
  };
}

/** At launch: "open at login" follows the OS (the user may change it there); damaged files are announced. */
function reconcileAtLaunch(deps: PortholeDeps, log: LogPort): void {
  const s = deps.store.read();
  const atLogin = deps.loginItem.get();
  try {
    if (s.startAtLogin !== atLogin) deps.store.write({ ...s, startAtLogin: atLogin });
  } catch (err) {
    // A read-only settings folder: already announced below; the app runs on what it read.
    log(`settings: start at login not saved: ${err instanceof OpError ? err.error.message : 'error'}`);
  }
  for (const p of deps.store.problems) {
    deps.notifier.notify(settingsProblemNotice(p));
    log(`settings: ${p.file} ${p.issue ?? 'moved aside'}: ${p.reason}`);
  }
}

/** The tray model: the engine's views plus who looked and the time left of each tunnel (the menu stays pure). */
function trayModel(deps: PortholeDeps, ops: Operations, now: number): TrayModel {
  const entries = ops.entries();
  const views = entries.map((e) => e.view);
  const details: Record<string, TunnelTrayDetails> = {};
  for (const e of entries) {
    if (e.visitorsLine || e.deadline !== undefined) {
      details[e.name] = { ...(e.visitorsLine ? { visitorsLine: e.visitorsLine } : {}), ...(e.deadline !== undefined ? { deadline: e.deadline } : {}), ...(e.shareMinutes !== undefined ? { shareMinutes: e.shareMinutes } : {}) };
    }
  }
  const reenter = ops.toReenter();
  const menu = [
    ...reenter.map(reenterMenuItem), ...(reenter.length ? [{ type: 'separator' as const }] : []),
    ...trayMenu(views, { startAtLogin: deps.store.read().startAtLogin, details, now, logFolder: !!deps.openLogFolder }),
  ];
  const tooltip = reenter.length ? `${trayTooltip(views).split('\n')[0]} — a stored secret must be entered again` : trayTooltip(views);
  return { menu, icon: reenter.length ? 'error' : trayIcon(views), tooltip };
}

/**
 * Visits reach the window (one `visitRecorded` push per burst) and the tray (its "N people viewed" line),
 * and someone's first sign-in is announced unless the user switched that off. Returns the unsubscribe.
 */
function wireVisits(deps: PortholeDeps, engine: Engine, refresh: () => void): { stop(): void } {
  let batch: VisitRecorded[] = [];
  // A page load is dozens of requests: the window and the tray are told once per burst.
  const flush = coalesce(() => {
    const out = batch;
    batch = [];
    deps.window.pushVisits?.(out);
    refresh();
  }, Math.max(deps.trayCoalesceMs ?? TRAY_COALESCE_MS, VISIT_COALESCE_MS));
  const offRequest = engine.visits.on('request', (record) => {
    batch.push({ tunnel: record.tunnel, record });
    flush();
  });
  const offNew = engine.visits.on('newVisitor', (n) => {
    if (deps.store.read().notifyNewVisitors === false) return;
    deps.notifier.notify({ title: n.title, body: n.body });
  });
  return {
    stop() {
      offRequest();
      offNew();
      flush.cancel();
    },
  };
}

/** How long visits are gathered before the window and the tray hear of them. */
const VISIT_COALESCE_MS = 100;

/** What the user is told when a timed share has ended. */
function shareEndedNotice(name: string): Notice {
  return { title: `${name} stopped: its time ran out`, body: `The share of ${name} reached the time you set, so Porthole stopped the tunnel. Start it again from the tray or the window.` };
}

/**
 * Start the desktop app's core: open the engine on the stored settings, keep the tray and the window
 * in step with it, notify on what matters, and start the tunnels marked "start with Porthole".
 */
export async function startPorthole(deps: PortholeDeps): Promise<PortholeApp> {
  const log = deps.log ?? (() => {});
  // No authtoken yet is a normal first run: the engine gets one when the user saves it.
  // The window's request details: each recorded exchange kept in memory (32 MB at most per tunnel).
  const engine = createEngine({ inspect: true, ...deps.engine, session: { authtoken: '' }, preflight: deps.preflight ?? runPreflight, verify: deps.verify ?? verifyProtection, log });

  const refresh = coalesce(() => {
    // Every saved tunnel, live or not (the engine holds only those started or saved since launch).
    deps.tray.render(trayModel(deps, ops, deps.clock?.now() ?? Date.now()));
    deps.window.pushState(ops.snapshot());
  }, deps.trayCoalesceMs ?? TRAY_COALESCE_MS);

  const shareEnded = (name: string): void => {
    log(`share of ${name} reached its deadline: stopped`);
    deps.notifier.notify(shareEndedNotice(name));
    refresh();
  };
  const agentApi = engine.inspector ? createAgentApiSwitch(engine, engine.inspector, deps.store) : undefined;
  const handlerDeps = { ...coreDeps(deps, engine, log, () => refresh(), shareEnded), ...(agentApi ? { agentApi } : {}) };
  const ops = createOperations(handlerDeps);
  const handlers = createHandlers(handlerDeps, ops);

  let previous: TunnelView[] = engine.list();
  engine.subscribe((_changed, all) => {
    for (const n of noticesFor(previous, all)) deps.notifier.notify(n);
    previous = all;
    refresh();
  });
  reconcileAtLaunch(deps, log);
  const visits = wireVisits(deps, engine, refresh);
  // "2 min ago" and "14 min left" age without any event.
  const tick = setInterval(() => refresh(), deps.tickMs ?? 30_000);
  tick.unref();

  await ops.init();
  if (deps.store.read().agentApi) await agentApi?.apply(true);
  refresh();
  refresh.flush();
  void ops.startAll().then(() => refresh());
  // A tray icon alone guides nobody (and some Linux desktops hide tray icons): on a first run, or when the
  // settings file had to be set aside, the window opens by itself, on the guide or the notice.
  const reenter = ops.toReenter();
  for (const intent of reenter) deps.notifier.notify(reenterNotice(intent));
  const first = !ops.settingsView().ngrok.authtoken.stored && deps.store.read().tunnels.length === 0 && reenter.length === 0;
  if (reenter.length > 0) deps.window.show(reenter[0]);
  else if (first || deps.store.problems.length > 0) deps.window.show('settings');

  const app: PortholeApp = {
    handlers,
    onMenuItem: menuActions(deps, engine, ops, () => (deps.requestQuit ? deps.requestQuit() : void app.quit())),
    onResume: () => {
      engine.recover();
      // Node's timers stood still while the machine slept; the wall clock did not.
      ops.checkShares();
    },
    onNetworkChange: () => engine.recover(),
    snapshot: () => ops.snapshot(),
    async quit() {
      clearInterval(tick);
      visits.stop();
      ops.cancelShares();
      await agentApi?.close();
      await engine.stopAll();
      refresh.cancel();
    },
  };
  return app;
}
