// pure: every port the desktop app's core talks through, in one place, and what the Electron glue hands
// startPorthole (PortholeDeps) and gets back (PortholeApp). The glue (main/index.ts, glue/) implements
// the ports; tests pass recording fakes. Types only.
import type { RunPreflight, VerifyProtection } from '../common/types.js';
import type { Handlers, ListeningPort, StateSnapshot, VisitRecorded, WindowIntent } from '../common/contract.js';
import type { Engine, EngineOptions } from './engine/engine.js';
import type { FusionAuthApi } from './fusionauth/client.js';
import type { SetupInput } from './fusionauth/setup.js';
import type { Clock } from './core/share-timer.js';
import type { Visits } from './visits/recorder.js';
import type { Inspector } from './engine/engine.js';
import type { AgentApiSwitch } from './core/agent-api-switch.js';
import type { SecretStore } from './settings/secrets.js';
import type { SettingsStore } from './settings/settings-store.js';
import type { AuthtokenImport } from './system/ngrok-config.js';
import type { MenuItemSpec, TrayIconName } from './tray/menu.js';
import type { Notice } from './tray/notices.js';

export type { Notice };

/** What the tray shows: applied by main/glue/tray.ts to the Electron Tray. */
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
  /** Push a state snapshot to the window if it is open (the `stateChanged` push channel). */
  pushState(state: StateSnapshot): void;
}
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

/** What the operations need of the engine (main/engine/engine.ts). */
export type EnginePort = Pick<Engine, 'add' | 'update' | 'remove' | 'start' | 'stop' | 'verify' | 'list' | 'get' | 'setSession'>;

/** Everything the app's operations (main/core/) work through. */
export interface CoreDeps {
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
  /** The engine's visits (engine.visits); without them a tunnel shows no visitors. */
  visits?: Pick<Visits, 'list' | 'summary'>;
  /** The engine's inspector (engine.inspector): the window's request details. */
  inspector?: Inspector;
  /** ngrok's agent API on loopback, switched by the setting (main/core/agent-api-switch.ts). */
  agentApi?: AgentApiSwitch;
  /** The wall clock of timed shares and "2 min ago" (tests jump it as a sleeping machine does). */
  clock?: Clock;
  /** How often a share's deadline is looked at (default 1 s). */
  shareCheckEveryMs?: number;
  /** A timed share reached its deadline and its tunnel was stopped. */
  onShareEnded?: (name: string) => void;
  /** Tests: the FusionAuth API client (default main/fusionauth/client.ts's). */
  fusionauthApi?: (input: SetupInput) => FusionAuthApi;
}

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
  fusionauthApi?: (input: SetupInput) => FusionAuthApi;
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
