// pure: the settings window's BrowserWindow options; no electron import, so Node tests check the security flags.

/** The webPreferences Porthole sets; structurally a subset of Electron's WebPreferences. */
interface SettingsWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
  spellcheck: false;
  disableBlinkFeatures: string;
}

/** Options for `new BrowserWindow(…)`; structurally a subset of Electron's BrowserWindowConstructorOptions. */
interface SettingsWindowOptions {
  title: string;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: false;
  autoHideMenuBar: true;
  backgroundColor: string;
  webPreferences: SettingsWebPreferences;
}

/**
 * The settings window's options (`dark`: the OS uses a dark colour scheme). Every security flag is
 * spelled out even where Electron's default already agrees, so a future default change or a
 * "make it work" edit shows up in the test.
 */
export function settingsWindowOptions(preloadPath: string, opts: { dark?: boolean } = {}): SettingsWindowOptions {
  return {
    title: 'Porthole',
    width: 960,
    height: 760,
    minWidth: 640,
    minHeight: 480,
    // shown on 'ready-to-show', so the user never sees a blank frame
    show: false,
    autoHideMenuBar: true,
    // renderer/styles.css's --bg for the OS's colour scheme: no light flash before a dark page paints
    backgroundColor: opts.dark ? '#15191f' : '#f6f7f9',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // middle-click opens links in new windows without going through setWindowOpenHandler's intent
      disableBlinkFeatures: 'Auxclick',
    },
  };
}
