// test support: a recording stand-in for the main-process half of `electron`, loaded in its place by
// ./register.ts when a test imports the built entry (dist/main/index.js) under plain Node.
// Faithful where Porthole's glue could get it wrong: BrowserWindow/session/powerMonitor refuse to work
// before 'ready', ipcMain.handle refuses a second handler, a missing image file gives an empty
// NativeImage, app.quit() goes through a preventable 'before-quit', window.open is allowed unless a
// handler denies it, and a permission nobody handles is granted — Electron's defaults, which the glue
// must override. Everything the glue does is recorded in `electronStandIn` for tests to inspect.
// Each piece is checked against electron.d.ts (`satisfies Pick<…>` / `implements Pick<…>`) by
// ./tsconfig.json, which test/shell/electron-main.test.ts type-checks, so it cannot drift from Electron 45.
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type * as Electron from 'electron';

type PermissionRequestHandler = Parameters<Electron.Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Electron.Session['setPermissionCheckHandler']>[0];
type WindowOpenHandler = Parameters<Electron.WebContents['setWindowOpenHandler']>[0];
type InvokeListener = Parameters<Electron.IpcMain['handle']>[1];
type Template = Array<Electron.MenuItemConstructorOptions | Electron.MenuItem>;

/** The object an Electron event listener gets: preventable, and remembers whether it was prevented. */
export interface RecordedEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
  [key: string]: unknown;
}
function preventable(fields: Record<string, unknown> = {}): RecordedEvent {
  const e: RecordedEvent = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

function notReady(what: string): Error {
  // Electron's own wording, so a glue change that calls these too early fails the way it would in the app
  return new Error(`${what} can only be used after the app is ready`);
}

// ---- nativeImage ----------------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export class FakeNativeImage implements Pick<Electron.NativeImage, 'isEmpty' | 'isTemplateImage' | 'setTemplateImage' | 'toPNG'> {
  #template: boolean;
  constructor(
    /** The file it was created from ('' for an empty image). */
    readonly path: string,
    private readonly data: Buffer,
  ) {
    // Electron's macOS rule: a file whose name ends in "Template" is a template image
    this.#template = /Template(@\dx)?$/.test(basename(path, extname(path)));
  }
  isEmpty(): boolean {
    return this.data.length === 0;
  }
  isTemplateImage(): boolean {
    return this.#template;
  }
  setTemplateImage(option: boolean): void {
    this.#template = option;
  }
  toPNG(): Buffer {
    return this.data;
  }
}

export const nativeImage = {
  /** Like Electron: an image that can't be read is an empty image, not an error. */
  createFromPath(path: string): FakeNativeImage {
    let data = Buffer.alloc(0);
    if (existsSync(path)) {
      const bytes = readFileSync(path);
      if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) data = bytes;
    }
    return new FakeNativeImage(path, data);
  },
  createEmpty(): FakeNativeImage {
    return new FakeNativeImage('', Buffer.alloc(0));
  },
} satisfies Record<'createFromPath' | 'createEmpty', (...args: never[]) => Pick<Electron.NativeImage, 'isEmpty' | 'isTemplateImage'>>;

// ---- Menu -----------------------------------------------------------------------------------------

export class FakeMenu extends EventEmitter {
  constructor(readonly template: Template) {
    super();
  }
  static buildFromTemplate(template: Template): FakeMenu {
    const check = (items: Template): void => {
      for (const item of items) {
        // Electron: "Invalid template for MenuItem: must have at least one of label, role or type"
        if (!('label' in item && item.label) && !item.role && !item.type) {
          throw new TypeError('Invalid template for MenuItem: must have at least one of label, role or type');
        }
        const sub = item.submenu;
        if (Array.isArray(sub)) check(sub);
      }
    };
    check(template);
    const menu = new FakeMenu(template);
    electronStandIn.menus.push(menu);
    return menu;
  }
  static setApplicationMenu(menu: FakeMenu | null): void {
    electronStandIn.applicationMenu = menu;
  }
  /** Every item, submenus flattened. */
  allItems(): Electron.MenuItemConstructorOptions[] {
    const out: Electron.MenuItemConstructorOptions[] = [];
    const walk = (items: Template): void => {
      for (const item of items as Electron.MenuItemConstructorOptions[]) {
        out.push(item);
        if (Array.isArray(item.submenu)) walk(item.submenu);
      }
    };
    walk(this.template);
    return out;
  }
  find(id: string): Electron.MenuItemConstructorOptions | undefined {
    return this.allItems().find((i) => i.id === id);
  }
  /** Clicks an item the way Electron does: click(menuItem, focusedWindow, keyboardEvent). */
  click(id: string): void {
    const item = this.find(id);
    if (!item) throw new Error(`no menu item ${id}`);
    if (item.enabled === false) return; // Electron never calls a disabled item's click
    item.click?.(item as unknown as Electron.MenuItem, undefined, { triggeredByAccelerator: false } as Electron.KeyboardEvent);
  }
}
export const Menu = FakeMenu;
// The static side Porthole uses, against Electron's
Menu satisfies { buildFromTemplate(template: Template): object; setApplicationMenu(menu: null): void };

// ---- Tray -----------------------------------------------------------------------------------------

export class FakeTray extends EventEmitter implements Pick<Electron.Tray, 'setContextMenu' | 'setImage' | 'setToolTip' | 'isDestroyed' | 'destroy' | 'popUpContextMenu'> {
  image: FakeNativeImage;
  readonly images: FakeNativeImage[] = [];
  contextMenu: FakeMenu | null = null;
  toolTip = '';
  #destroyed = false;
  constructor(image: FakeNativeImage | string) {
    super();
    // stricter than Electron needs to be: a tray icon made before 'ready' never appears on some desktops
    if (!electronStandIn.ready) throw notReady('Tray');
    this.image = typeof image === 'string' ? nativeImage.createFromPath(image) : image;
    this.images.push(this.image);
    electronStandIn.trays.push(this);
  }
  setContextMenu(menu: Electron.Menu | null): void {
    this.contextMenu = menu as unknown as FakeMenu | null;
  }
  setImage(image: Electron.NativeImage | string): void {
    this.image = typeof image === 'string' ? nativeImage.createFromPath(image) : (image as unknown as FakeNativeImage);
    this.images.push(this.image);
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }
  isDestroyed(): boolean {
    return this.#destroyed;
  }
  destroy(): void {
    this.#destroyed = true;
  }
  popUpContextMenu(): void {
    electronStandIn.popUps++;
  }
}
export const Tray = FakeTray;

// ---- Notification ---------------------------------------------------------------------------------

export class FakeNotification extends EventEmitter implements Pick<Electron.Notification, 'show' | 'close' | 'title' | 'body'> {
  title: string;
  body: string;
  shown = false;
  constructor(readonly options: Electron.NotificationConstructorOptions = {}) {
    super();
    this.title = options.title ?? '';
    this.body = options.body ?? '';
  }
  static isSupported(): boolean {
    return electronStandIn.notificationsSupported;
  }
  show(): void {
    this.shown = true;
    electronStandIn.notifications.push(this);
    this.emit('show', preventable());
  }
  close(): void {
    this.emit('close', preventable());
  }
  /** The user clicked it. */
  click(): void {
    this.emit('click', preventable());
  }
}
export const Notification = FakeNotification;

// ---- BrowserWindow and webContents ----------------------------------------------------------------

export class FakeWebContents
  extends EventEmitter
  implements Pick<Electron.WebContents, 'send' | 'isLoading' | 'isDestroyed' | 'setWindowOpenHandler' | 'getURL' | 'id'>
{
  static #ids = 0;
  readonly id = ++FakeWebContents.#ids;
  readonly sent: [string, ...unknown[]][] = [];
  windowOpenHandler: WindowOpenHandler | undefined;
  url = '';
  loading = false;
  destroyed = false;
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  isLoading(): boolean {
    return this.loading;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.url;
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  // What a page (or an attacker who controls it) can attempt; each returns whether the glue refused it.
  /** A navigation of the main frame to `url` (a link, location.href = …). */
  navigate(url: string): boolean {
    const e = preventable({ url, isSameDocument: false, isMainFrame: true, frame: null, initiator: null });
    this.emit('will-navigate', e, url, false, true, 1, 1);
    return e.defaultPrevented;
  }
  /** A server-side redirect while loading `url`. */
  redirect(url: string): boolean {
    const e = preventable({ url, isSameDocument: false, isMainFrame: true, frame: null, initiator: null });
    this.emit('will-redirect', e, url, false, true, 1, 1);
    return e.defaultPrevented;
  }
  /** A <webview> the page adds. */
  attachWebview(src: string): boolean {
    const e = preventable();
    this.emit('will-attach-webview', e, { nodeIntegration: false } satisfies Electron.WebPreferences, { src, instanceId: '1' });
    return e.defaultPrevented;
  }
  /** window.open(url) or a target=_blank link: Electron opens it unless a handler denies. */
  openWindow(url: string): Electron.WindowOpenHandlerResponse {
    const details: Electron.HandlerDetails = { url, frameName: '', features: '', disposition: 'new-window', referrer: { url: this.url, policy: 'strict-origin-when-cross-origin' } };
    return this.windowOpenHandler ? this.windowOpenHandler(details) : { action: 'allow' };
  }
}

export class FakeBrowserWindow
  extends EventEmitter
  implements Pick<Electron.BrowserWindow, 'show' | 'focus' | 'isMinimized' | 'restore' | 'isDestroyed' | 'setMenu' | 'loadURL' | 'close' | 'isVisible' | 'id'>
{
  static #ids = 0;
  readonly id = ++FakeBrowserWindow.#ids;
  readonly webContents = new FakeWebContents();
  /** What the constructor got, deep-copied so later changes by the glue don't hide what it was built with. */
  readonly options: Electron.BrowserWindowConstructorOptions;
  readonly loadedUrls: string[] = [];
  menu: Electron.Menu | null | 'default' = 'default';
  visible = false;
  focused = false;
  minimized = false;
  #destroyed = false;
  constructor(options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    if (!electronStandIn.ready) throw new Error('Cannot create BrowserWindow before app is ready');
    this.options = structuredClone(options);
    electronStandIn.windows.push(this);
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return electronStandIn.windows.filter((w) => !w.isDestroyed());
  }
  show(): void {
    this.visible = true;
    this.focused = true;
    this.minimized = false;
    this.emit('show');
  }
  focus(): void {
    this.focused = true;
    this.emit('focus');
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  minimize(): void {
    this.minimized = true;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.#destroyed;
  }
  setMenu(menu: Electron.Menu | null): void {
    this.menu = menu;
  }
  /** Loads like Electron: the page is "loading" until the next turn, then ready-to-show and did-finish-load. */
  loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
    this.webContents.url = url;
    this.webContents.loading = true;
    return new Promise((done) =>
      setImmediate(() => {
        if (this.#destroyed) return done();
        this.webContents.loading = false;
        this.emit('ready-to-show');
        this.webContents.emit('did-finish-load');
        done();
      }),
    );
  }
  /** The user closed it. */
  close(): void {
    const e = preventable();
    this.emit('close', e);
    if (e.defaultPrevented) return;
    this.#destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}
export const BrowserWindow = FakeBrowserWindow;

// ---- session --------------------------------------------------------------------------------------

class FakeSession implements Pick<Electron.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: PermissionCheckHandler | undefined;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }
  /** A page asks for `permission`; resolves with the answer. Unhandled, Electron grants it. */
  request(permission: Parameters<NonNullable<PermissionRequestHandler>>[1], contents = new FakeWebContents()): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((answer) =>
      handler(contents as unknown as Electron.WebContents, permission, answer, { requestingUrl: contents.url || 'file:///', isMainFrame: true } as Electron.PermissionRequest),
    );
  }
  /** A page checks whether it has `permission`. Unhandled, Electron says yes for most. */
  check(permission: Parameters<NonNullable<PermissionCheckHandler>>[1], origin = 'file:///'): boolean {
    const handler = this.permissionCheckHandler;
    if (!handler) return true;
    return handler(null, permission, origin, { isMainFrame: true, requestingUrl: origin, embeddingOrigin: origin } as Electron.PermissionCheckHandlerHandlerDetails);
  }
}
export const session = {
  get defaultSession(): FakeSession {
    if (!electronStandIn.ready) throw new Error('Session can only be received when app is ready');
    return electronStandIn.defaultSession;
  },
};

// ---- ipcMain --------------------------------------------------------------------------------------

class FakeIpcMain extends EventEmitter implements Pick<Electron.IpcMain, 'handle' | 'removeHandler'> {
  readonly handlers = new Map<string, InvokeListener>();
  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /**
   * ipcRenderer.invoke(channel, payload) from a frame at `frameUrl` (null: the frame is gone). Rejects
   * like Electron when nothing handles the channel; a handler's throw reaches the renderer as a rejection.
   */
  async invoke(channel: string, payload: unknown, frameUrl: string | null): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    const sender = electronStandIn.windows.at(-1)?.webContents ?? new FakeWebContents();
    const event = { ...preventable(), type: 'frame', processId: 1, frameId: 1, sender, senderFrame: frameUrl === null ? null : { url: frameUrl } };
    return await handler(event as unknown as Electron.IpcMainInvokeEvent, payload);
  }
}
export const ipcMain = new FakeIpcMain();

// ---- app ------------------------------------------------------------------------------------------

class FakeDock implements Pick<Electron.Dock, 'hide' | 'show' | 'isVisible'> {
  visible = true;
  hide(): void {
    this.visible = false;
  }
  show(): Promise<void> {
    this.visible = true;
    return Promise.resolve();
  }
  isVisible(): boolean {
    return this.visible;
  }
}

type PathName = Parameters<Electron.App['getPath']>[0];

class FakeApp
  extends EventEmitter
  implements
    Pick<
      Electron.App,
      | 'requestSingleInstanceLock'
      | 'whenReady'
      | 'isReady'
      | 'getPath'
      | 'getVersion'
      | 'getName'
      | 'quit'
      | 'exit'
      | 'setAppUserModelId'
      | 'getLoginItemSettings'
      | 'setLoginItemSettings'
    >
{
  requestSingleInstanceLock(): boolean {
    electronStandIn.lockRequests++;
    return electronStandIn.singleInstanceLock;
  }
  whenReady(): Promise<void> {
    return electronStandIn.readyPromise;
  }
  isReady(): boolean {
    return electronStandIn.ready;
  }
  getPath(name: PathName): string {
    const path = electronStandIn.paths[name];
    // Electron throws for a name it doesn't know; here, for one a test didn't set
    if (!path) throw new Error(`Failed to get '${name}' path`);
    return path;
  }
  getVersion(): string {
    return electronStandIn.version;
  }
  getName(): string {
    return 'Porthole';
  }
  /** Electron: 'before-quit' (preventable), then 'will-quit' (preventable), then the app ends. */
  quit(): void {
    const s = electronStandIn;
    const before = preventable();
    this.emit('before-quit', before);
    s.quitAttempts.push({ at: performance.now(), prevented: before.defaultPrevented });
    if (before.defaultPrevented) return;
    const will = preventable();
    this.emit('will-quit', will);
    if (will.defaultPrevented) return;
    if (s.ended) return;
    s.ended = { how: 'quit', code: 0, at: performance.now() };
    this.emit('quit', preventable(), 0);
    s.onEnd?.(s.ended);
  }
  /** Ends at once: no 'before-quit', no 'will-quit'. */
  exit(exitCode = 0): void {
    const s = electronStandIn;
    if (s.ended) return;
    s.ended = { how: 'exit', code: exitCode, at: performance.now() };
    s.onEnd?.(s.ended);
  }
  setAppUserModelId(id: string): void {
    electronStandIn.appUserModelId = id;
  }
  getLoginItemSettings(): Electron.LoginItemSettings {
    return { openAtLogin: electronStandIn.openAtLogin } as Electron.LoginItemSettings;
  }
  setLoginItemSettings(settings: Electron.Settings): void {
    electronStandIn.openAtLogin = settings.openAtLogin ?? false;
  }
  /** Only macOS has a dock; elsewhere Electron's app.dock is undefined. */
  get dock(): FakeDock | undefined {
    return electronStandIn.platform === 'darwin' ? electronStandIn.dockState : undefined;
  }
}
export const app = new FakeApp();

// ---- the small modules ----------------------------------------------------------------------------

class FakePowerMonitor extends EventEmitter {
  // Electron: "powerMonitor module can't be used before the ready event"
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    if (!electronStandIn.ready) throw new Error("powerMonitor module can't be used before the ready event");
    return super.on(event, listener);
  }
}
export const powerMonitor = new FakePowerMonitor();
// Electron's `on` overloads return a full PowerMonitor; the event names and listener shapes are what matter
powerMonitor satisfies { on(event: Parameters<Electron.PowerMonitor['on']>[0], listener: () => void): unknown };

export const net = {
  isOnline: (): boolean => electronStandIn.online,
  get online(): boolean {
    return electronStandIn.online;
  },
} satisfies Pick<Electron.Net, 'isOnline' | 'online'>;

export const shell = {
  async openExternal(url: string, _options?: Electron.OpenExternalOptions): Promise<void> {
    electronStandIn.openedExternally.push(url);
  },
  async openPath(path: string): Promise<string> {
    electronStandIn.openedPaths.push(path);
    return '';
  },
} satisfies Pick<Electron.Shell, 'openExternal' | 'openPath'>;

/** Electron 45 types these as the W3C async clipboard (Promises), so the stand-in answers with Promises too. */
export const clipboard = {
  async writeText(text: string): Promise<void> {
    electronStandIn.clipboard.push(text);
  },
  async readText(): Promise<string> {
    return electronStandIn.clipboard.at(-1) ?? '';
  },
} satisfies Pick<Electron.Clipboard, 'writeText' | 'readText'>;

export const nativeTheme = {
  get shouldUseDarkColors(): boolean {
    return electronStandIn.dark;
  },
} satisfies Pick<Electron.NativeTheme, 'shouldUseDarkColors'>;

/** An encryption that is visibly not the plain text, and reversible: what safeStorage promises. */
const SEALED = Buffer.from('sealed:');
export const safeStorage = {
  isAsyncEncryptionAvailable: async (): Promise<boolean> => {
    if (electronStandIn.keyringBroken) throw new Error('Failed to initialize the OS key store');
    if (!electronStandIn.ready) return false; // Electron: before 'ready' no backend answers
    return electronStandIn.encryptionAvailable;
  },
  isEncryptionAvailable: (): boolean => electronStandIn.ready && electronStandIn.encryptionAvailable,
  getSelectedStorageBackend: (): ReturnType<Electron.SafeStorage['getSelectedStorageBackend']> => electronStandIn.storageBackend,
  async encryptStringAsync(plainText: string): Promise<Buffer> {
    if (!electronStandIn.encryptionAvailable) throw new Error('Encryption is not available.');
    return Buffer.concat([SEALED, Buffer.from(Buffer.from(plainText, 'utf8').toString('base64'), 'utf8')]);
  },
  async decryptStringAsync(encrypted: Buffer): Promise<Electron.DecryptStringAsyncReturnValue> {
    if (!encrypted.subarray(0, SEALED.length).equals(SEALED)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return { shouldReEncrypt: false, result: Buffer.from(encrypted.subarray(SEALED.length).toString('utf8'), 'base64').toString('utf8') };
  },
} satisfies Pick<Electron.SafeStorage, 'isAsyncEncryptionAvailable' | 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptStringAsync' | 'decryptStringAsync'>;

export const dialog = {
  showErrorBox(title: string, content: string): void {
    electronStandIn.dialogs.push({ kind: 'error-box', title, content });
  },
  async showMessageBox(options: Electron.MessageBoxOptions): Promise<Electron.MessageBoxReturnValue> {
    electronStandIn.dialogs.push({ kind: 'message-box', title: options.title ?? '', content: `${options.message}\n${options.detail ?? ''}`.trim() });
    return { response: 0, checkboxChecked: false };
  },
  showMessageBoxSync(options: Electron.MessageBoxSyncOptions): number {
    electronStandIn.dialogs.push({ kind: 'message-box', title: options.title ?? '', content: `${options.message}\n${options.detail ?? ''}`.trim() });
    return 0;
  },
};
// overloads (with and without a parent window) make a Pick too strict; the one-argument forms are checked
dialog satisfies { showErrorBox: Electron.Dialog['showErrorBox']; showMessageBox(o: Electron.MessageBoxOptions): Promise<Electron.MessageBoxReturnValue>; showMessageBoxSync(o: Electron.MessageBoxSyncOptions): number };

// ---- the recorder ---------------------------------------------------------------------------------

export interface Ended {
  how: 'quit' | 'exit';
  code: number;
  at: number;
}

export interface StandInOptions {
  /** app.getPath('userData'): the settings folder. Required: the app never touches a real one. */
  userData: string;
  /** Other app.getPath names (home, temp, logs…). */
  paths?: Partial<Record<PathName, string>>;
  /** What requestSingleInstanceLock answers (false: another instance runs). */
  singleInstanceLock?: boolean;
  /** Decides app.dock (macOS only); process.platform itself is not changed. */
  platform?: NodeJS.Platform;
  version?: string;
  dark?: boolean;
  online?: boolean;
  encryptionAvailable?: boolean;
  /** safeStorage's backend throws instead of answering (a broken keyring daemon): a start failure to provoke. */
  keyringBroken?: boolean;
  notificationsSupported?: boolean;
}

function freshState(opts: StandInOptions) {
  let fireReady!: () => void;
  const readyPromise = new Promise<void>((r) => (fireReady = r));
  return {
    ready: false,
    readyPromise,
    resolveReady: fireReady,
    paths: { ...opts.paths, userData: opts.userData } as Partial<Record<PathName, string>>,
    singleInstanceLock: opts.singleInstanceLock ?? true,
    lockRequests: 0,
    platform: opts.platform ?? process.platform,
    version: opts.version ?? '0.1.0',
    dark: opts.dark ?? false,
    online: opts.online ?? true,
    encryptionAvailable: opts.encryptionAvailable ?? true,
    keyringBroken: opts.keyringBroken ?? false,
    storageBackend: 'gnome_libsecret' as ReturnType<Electron.SafeStorage['getSelectedStorageBackend']>,
    notificationsSupported: opts.notificationsSupported ?? true,
    openAtLogin: false,
    appUserModelId: undefined as string | undefined,
    dockState: new FakeDock(),
    defaultSession: new FakeSession(),
    windows: [] as FakeBrowserWindow[],
    trays: [] as FakeTray[],
    menus: [] as FakeMenu[],
    applicationMenu: undefined as FakeMenu | null | undefined,
    popUps: 0,
    notifications: [] as FakeNotification[],
    dialogs: [] as { kind: 'error-box' | 'message-box'; title: string; content: string }[],
    openedExternally: [] as string[],
    openedPaths: [] as string[],
    clipboard: [] as string[],
    quitAttempts: [] as { at: number; prevented: boolean }[],
    ended: undefined as Ended | undefined,
    onEnd: undefined as ((e: Ended) => void) | undefined,
  };
}
type State = ReturnType<typeof freshState>;

/** What the glue did, and the levers a test pulls (ready, second instance, resume, …). */
export interface ElectronStandIn extends State {
  /** Forget everything (listeners, handlers, windows, …) and start over as a fresh process would. */
  reset(opts: StandInOptions): void;
  /** The app is ready: 'ready' is emitted and whenReady() resolves. */
  fireReady(): Promise<void>;
  /** Another instance was launched. */
  secondInstance(argv?: string[]): void;
  /** Resolves when the app quits or exits. */
  whenEnded(): Promise<Ended>;
  readonly session: FakeSession;
  readonly ipcMain: FakeIpcMain;
  readonly app: FakeApp;
  readonly powerMonitor: FakePowerMonitor;
}

export const electronStandIn: ElectronStandIn = {
  ...freshState({ userData: '' }),
  reset(opts) {
    app.removeAllListeners();
    powerMonitor.removeAllListeners();
    ipcMain.removeAllListeners();
    ipcMain.handlers.clear();
    Object.assign(electronStandIn, freshState(opts));
  },
  async fireReady() {
    electronStandIn.ready = true;
    app.emit('ready', preventable(), {});
    electronStandIn.resolveReady();
    await electronStandIn.readyPromise;
  },
  secondInstance(argv = ['porthole']) {
    app.emit('second-instance', preventable(), argv, process.cwd(), {});
  },
  whenEnded() {
    const s = electronStandIn;
    if (s.ended) return Promise.resolve(s.ended);
    return new Promise((done) => {
      const prev = s.onEnd;
      s.onEnd = (e) => {
        prev?.(e);
        done(e);
      };
    });
  },
  get session() {
    return electronStandIn.defaultSession;
  },
  ipcMain,
  app,
  powerMonitor,
};

// `import electron from 'electron'` (electron-store) gets the same objects as the named imports
export default { app, BrowserWindow, session, Tray, Menu, nativeImage, Notification, ipcMain, safeStorage, powerMonitor, net, shell, clipboard, nativeTheme, dialog };
