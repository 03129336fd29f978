// shell: the desktop app's composition root: the engine on the stored settings, the operations
// (main/core/), the IPC handlers, the tray and the window kept in step, notices, all wired through the
// ports of main/ports.ts. No electron import: main/index.ts passes Electron-backed ports.

import { toDataURL } from 'qrcode';
import type { TunnelView } from '../common/types.js';
import { coalesce, TRAY_COALESCE_MS } from './tray/refresh.js';
import { trayModel } from './tray/model.js';
import { trayActions } from './tray/actions.js';
import { noticesFor, shareEndedNotice } from './tray/notices.js';
import { createEngine, type Engine } from './engine/engine.js';
import { runPreflight } from './oidc/preflight.js';
import { verifyProtection } from './oidc/verify.js';
import { createHandlers } from './ipc/handlers.js';
import { createOperations } from './core/operations.js';
import { feedVisits } from './core/visits-feed.js';
import { createAgentApiSwitch } from './core/agent-api-switch.js';
import { greetAtLaunch, reconcileAtLaunch } from './core/launch.js';
import type { CoreDeps, LogPort, PortholeApp, PortholeDeps } from './ports.js';
import { listListeningPorts, probePort } from './system/listening-ports.js';
import { importNgrokAuthtoken } from './system/ngrok-config.js';

export type { ClipboardPort, LoginItemPort, LogPort, Notice, NotifierPort, OpenExternalPort, PortholeApp, PortholeDeps, TrayModel, TrayPort, WindowPort } from './ports.js';

/** The ports the operations work through, built from the app's dependencies. */
function coreDeps(deps: PortholeDeps, engine: Engine, log: LogPort, onChange: () => void, onShareEnded: (name: string) => void): CoreDeps {
  const where = { ...(deps.env ? { env: deps.env } : {}), ...(deps.home ? { home: deps.home } : {}), ...(deps.platform ? { platform: deps.platform } : {}) };
  return {
    ...{ store: deps.store, secrets: deps.secrets, engine, preflight: deps.preflight ?? runPreflight },
    ...{ clipboard: deps.clipboard, openExternal: deps.openExternal, loginItem: deps.loginItem, log, onChange, visits: engine.visits, onShareEnded },
    ...(engine.inspector ? { inspector: engine.inspector } : {}),
    listPorts: () => listListeningPorts(deps.platform ? { platform: deps.platform } : {}),
    probePort: (port) => probePort(port),
    importAuthtoken: () => importNgrokAuthtoken(where),
    qrDataUrl: (text) => toDataURL(text, { margin: 1, width: 336, errorCorrectionLevel: 'M' }),
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.shareCheckEveryMs ? { shareCheckEveryMs: deps.shareCheckEveryMs } : {}),
    ...(deps.fusionauthApi ? { fusionauthApi: deps.fusionauthApi } : {}),
  };
}

/**
 * Start the desktop app's core: open the engine on the stored settings, keep the tray and the window
 * in step with it, notify on what matters, and start the tunnels marked "start with Porthole".
 */
export async function startPorthole(deps: PortholeDeps): Promise<PortholeApp> {
  const log = deps.log ?? (() => {});
  const coalesceMs = deps.trayCoalesceMs ?? TRAY_COALESCE_MS;
  // No authtoken yet is a normal first run: the engine gets one when the user saves it.
  // The window's request details: each recorded exchange kept in memory (32 MB at most per tunnel).
  const engine = createEngine({ inspect: true, ...deps.engine, session: { authtoken: '' }, preflight: deps.preflight ?? runPreflight, verify: deps.verify ?? verifyProtection, log });
  const agentApi = engine.inspector ? createAgentApiSwitch(engine, engine.inspector, deps.store) : undefined;
  const refresh = coalesce(() => {
    // Every saved tunnel, live or not (the engine holds only those started or saved since launch).
    // The entries once for both: the tray adds who looked, the window shows them in its own section.
    const now = deps.clock?.now() ?? Date.now();
    const tunnels = ops.entries();
    deps.tray.render(trayModel({ entries: tunnels, visitors: (name) => engine.visits.glance(name), reenter: ops.toReenter(), startAtLogin: deps.store.read().startAtLogin, logFolder: !!deps.openLogFolder, now }));
    deps.window.pushState({ tunnels, settings: ops.settingsView() });
  }, coalesceMs);
  const shareEnded = (name: string): void => {
    log(`share of ${name} reached its deadline: stopped`);
    deps.notifier.notify(shareEndedNotice(name));
    refresh();
  };
  const ops = createOperations({ ...coreDeps(deps, engine, log, () => refresh(), shareEnded), ...(agentApi ? { agentApi } : {}) });
  const handlers = createHandlers(ops, { trustedSender: deps.trustedSender, log });

  let previous: TunnelView[] = engine.list();
  engine.subscribe((_changed, all) => {
    for (const n of noticesFor(previous, all)) deps.notifier.notify(n);
    previous = all;
    refresh();
  });
  const launch = { store: deps.store, loginItem: deps.loginItem, notifier: deps.notifier, window: deps.window, log };
  reconcileAtLaunch(launch);
  const visits = feedVisits({ visits: engine.visits, store: deps.store, notifier: deps.notifier, pushVisits: deps.window.pushVisits?.bind(deps.window), refresh, coalesceMs });
  // "2 min ago" and "14 min left" age without any event.
  const tick = setInterval(() => refresh(), deps.tickMs ?? 30_000);
  tick.unref();

  await ops.init();
  if (deps.store.read().agentApi) await agentApi?.apply(true);
  refresh();
  refresh.flush();
  void ops.startAll().then(() => refresh());
  greetAtLaunch(launch, ops);

  const quit = () => (deps.requestQuit ? deps.requestQuit() : void app.quit());
  const app: PortholeApp = {
    handlers,
    onMenuItem: trayActions({ ...deps, engine, ops, quit }),
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
