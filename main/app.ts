// shell: the desktop app's composition root — settings, secrets, engine, tray model, IPC handlers and
// notifications wired together through ports. No electron import: main/index.ts passes Electron-backed ports.

import type { RunPreflight, VerifyProtection } from './types.js';
import type { Handlers, StateSnapshot, WindowIntent } from '../preload/contract.js';
import type { MenuItemSpec, TrayIconName } from './tray/menu.js';
import type { Notice } from './tray/notices.js';
import type { SettingsStore } from './settings/settings-store.js';
import type { SecretStore } from './settings/secrets.js';

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
  /** Milliseconds to coalesce tray rebuilds over (default 100). */
  trayCoalesceMs?: number;
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
