// pure: every port the desktop app's core talks through, in one place. The Electron glue (main/index.ts,
// glue/) implements them; tests pass recording fakes. Types only.
import type { RunPreflight } from '../common/types.js';
import type { ListeningPort, StateSnapshot, WindowIntent } from '../common/contract.js';
import type { Engine } from './engine/engine.js';
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
}
