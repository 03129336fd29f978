// glue: Porthole's Electron entry. One instance, a tray and no dock icon; builds Electron-backed ports
// and hands them to startPorthole (main/app.ts), then forwards lifecycle events. Decides nothing itself.

import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, clipboard, dialog, net, powerMonitor, shell } from 'electron';
import { startPorthole, type PortholeApp, type PortholeDeps } from './app.js';
import { startupFailureText } from './core/startup-failure.js';
import { registerIpc } from './glue/ipc.js';
import { createNotifier } from './glue/notify.js';
import { createSecretStore, reportingSecretStore } from './settings/secrets.js';
import { openSettingsStore } from './settings/settings-store.js';
import { createSafeStorageEncryptor, electronStoreFactory } from './glue/electron-store.js';
import { createXdgAutostart } from './system/autostart.js';
import { createTray } from './glue/tray.js';
import { createFileLog, type FileLog } from './glue/log-file.js';
import { createSettingsWindow, denyAllPermissions } from './glue/window.js';

/** dist/, whether unpacked or inside app.asar. */
const DIST = fileURLToPath(new URL('..', import.meta.url));
/** How often the network is looked at: Electron has no network-change event. */
const NETWORK_POLL_MS = 3_000;
/** Quitting never hangs the OS's shutdown for longer than this, even if a tunnel won't close. */
const QUIT_DEADLINE_MS = 8_000;

let porthole: PortholeApp | undefined;
const settingsWindow = createSettingsWindow({
  rendererDir: join(DIST, 'renderer'),
  preloadPath: join(DIST, 'preload', 'index.cjs'),
});

/** Only ever http(s) to the default browser: app.ts checks first, and this is the last line of defence. */
async function openExternal(url: string): Promise<void> {
  const { protocol } = new URL(url);
  if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`refusing to open a ${protocol} URL`);
  await shell.openExternal(url);
}

async function electronDeps(fileLog: FileLog): Promise<PortholeDeps> {
  const { settings, secretsBackend } = openSettingsStore({
    cwd: app.getPath('userData'),
    factory: electronStoreFactory,
    projectVersion: app.getVersion(),
  });
  return {
    store: settings,
    secrets: reportingSecretStore(createSecretStore(secretsBackend, await createSafeStorageEncryptor()), fileLog.knowSecret),
    tray: createTray({ assetsDir: join(DIST, 'assets'), onMenuItem: (id) => porthole?.onMenuItem(id) }),
    window: settingsWindow,
    notifier: createNotifier(openExternal),
    clipboard: { writeText: (text) => void clipboard.writeText(text) },
    openExternal,
    // Electron's login items exist on macOS and Windows only; Linux desktops read XDG autostart entries
    loginItem:
      process.platform === 'linux'
        ? createXdgAutostart({ exec: process.env.APPIMAGE || process.execPath })
        : {
            get: () => app.getLoginItemSettings().openAtLogin,
            set: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
          },
    trustedSender: settingsWindow.url,
    // Quit from the tray goes through before-quit, which stops every tunnel first
    requestQuit: () => app.quit(),
    log: fileLog.log,
    openLogFolder: () => void shell.openPath(fileLog.folder),
  };
}

/** What the network looks like: online or not, and this machine's addresses (a new Wi-Fi changes them). */
function networkKey(): string {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i && !i.internal ? [i.address] : []));
  return `${net.isOnline()} ${addresses.sort().join(' ')}`;
}

function watchNetwork(onChange: () => void): void {
  let last = networkKey();
  setInterval(() => {
    const now = networkKey();
    if (now !== last) onChange();
    last = now;
  }, NETWORK_POLL_MS).unref();
}

async function main(): Promise<void> {
  denyAllPermissions();
  // the rotating log for bug reports; every line goes through the one scrubber, with every secret value
  // Porthole stores, reads or is handed removed too (glue/log-file.ts)
  const fileLog = createFileLog();
  const running = await startPorthole(await electronDeps(fileLog));
  porthole = running;
  registerIpc(running.handlers, fileLog.knowSecret);
  // powerMonitor can't be used before 'ready'
  powerMonitor.on('resume', () => running.onResume());
  powerMonitor.on('shutdown', () => app.quit());
  watchNetwork(() => running.onNetworkChange());
}

if (!app.requestSingleInstanceLock()) {
  // another Porthole is running: it gets 'second-instance' and shows its window
  app.quit();
} else {
  if (process.platform === 'win32') app.setAppUserModelId('dev.porthole.app'); // notifications need it
  app.dock?.hide(); // a menu-bar app (the packaged app also sets LSUIElement)
  app.on('second-instance', () => settingsWindow.show());
  // a tray app keeps running with no window open; only Quit (or the OS) ends it
  app.on('window-all-closed', () => undefined);

  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    const running = porthole;
    if (phase === 'stopped' || !running) return;
    event.preventDefault();
    if (phase === 'stopping') return; // a second Quit while the tunnels close changes nothing
    phase = 'stopping';
    const deadline = new Promise<void>((done) => setTimeout(done, QUIT_DEADLINE_MS));
    void Promise.race([running.quit().catch(() => undefined), deadline]).then(() => {
      phase = 'stopped';
      app.quit();
    });
  });

  app.whenReady().then(main).catch((err: unknown) => {
    // No tray exists yet: without the box the app would vanish without a word
    const { title, content } = startupFailureText(err);
    console.error(`[porthole] ${title}: ${content}`);
    dialog.showErrorBox(title, content);
    app.exit(1);
  });
}
