// glue: opens or focuses the settings window (options from main/window-options.ts), locks it down
// (no navigation, no new windows, no permissions) and pushes state to it. Implements WindowPort.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, nativeTheme, session, type WebContents } from 'electron';
import { CHANNELS, type StateSnapshot, type VisitRecorded, type WindowIntent } from '../../common/contract.js';
import type { WindowPort } from '../ports.js';
import { settingsWindowOptions } from '../window-options.js';

interface SettingsWindowPaths {
  /** dist/renderer: index.html, app.js, styles.css. */
  rendererDir: string;
  /** dist/preload/index.cjs. */
  preloadPath: string;
}

interface SettingsWindow extends WindowPort {
  /** The exact URL the window loads: the only trusted IPC sender (PortholeDeps.trustedSender). */
  readonly url: string;
  /** The `visitRecorded` push (a batch of completed requests) if the window is open. */
  pushVisits(batch: VisitRecorded[]): void;
}

/** Denies every permission (camera, notifications, clipboard-read, …) to every page of the session. */
export function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** No navigation away from the bundled page, no new windows, no <webview>. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The settings window: created on first show, re-created after the user closes it. */
export function createSettingsWindow(opts: SettingsWindowPaths): SettingsWindow {
  const url = pathToFileURL(join(opts.rendererDir, 'index.html')).href;
  let win: BrowserWindow | undefined;

  const send = (channel: string, data: unknown): void => {
    if (win && !win.isDestroyed() && !win.webContents.isLoading()) win.webContents.send(channel, data);
  };

  return {
    url,
    show(intent: WindowIntent = { kind: 'settings' }): void {
      if (win && !win.isDestroyed()) {
        if (win.isMinimized()) win.restore();
        win.show();
        win.focus();
        send(CHANNELS.windowNavigate, intent);
        return;
      }
      const created = new BrowserWindow(settingsWindowOptions(opts.preloadPath, { dark: nativeTheme.shouldUseDarkColors }));
      win = created;
      created.setMenu(null);
      lockDown(created.webContents);
      created.once('ready-to-show', () => created.show());
      created.webContents.once('did-finish-load', () => send(CHANNELS.windowNavigate, intent));
      created.on('closed', () => {
        if (win === created) win = undefined;
      });
      // loaded by the very URL trustedSender compares against; a failed load leaves an empty window
      created.loadURL(url).catch(() => undefined);
    },
    pushState(state: StateSnapshot): void {
      send(CHANNELS.stateChanged, state);
    },
    pushVisits(batch: VisitRecorded[]): void {
      send(CHANNELS.visitRecorded, batch);
    },
  };
}
