// test: the Electron main process as shipped. The real build (scripts/build.mjs) is booted from the entry
// package.json `main` names, under Node, with `electron` answered by the recording stand-in in
// test/support/electron (type-checked against electron.d.ts). Each boot gets a fresh copy of the build and
// its own settings folder (app.getPath('userData')). The tunnels are real: @ngrok/ngrok against
// test/support/ingress. The last test plants, one at a time, the glue bugs the other tests exist to catch,
// in a copy of the build, and checks each is caught.
import '../support/electron/register.js';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { CHANNELS, INVOKE_KEYS } from '../../common/contract.js';
import { electronStandIn as E, safeStorage, type FakeBrowserWindow, type StandInOptions } from '../support/electron/index.js';
import { startIngress, type Ingress } from '../support/ingress/index.js';
// @ts-expect-error: a plain .mjs build script, no type declarations
import { buildAll } from '../../scripts/build.mjs';

const require = createRequire(import.meta.url);
const ROOT = resolve('.');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
/** main/index.ts QUIT_DEADLINE_MS: quitting never waits longer than this for the tunnels to close. */
const QUIT_DEADLINE_MS = 8_000;
const EVIL = 'https://evil.example/index.html';

let tmp: string;
/** The one build every boot copies: <tmp>/project/{dist,package.json,node_modules}. */
let project: string;
let ingress: Ingress;
let upstream: http.Server;
let port = 0;
let boots = 0;
const ENV = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'porthole-electron-main-'));
  project = join(tmp, 'project');
  mkdirSync(project);
  try {
    await buildAll(join(project, 'dist'));
  } catch (err) {
    // node:test skips after() when before() throws: leave nothing behind
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  writeFileSync(join(project, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  ingress = await startIngress();
  upstream = http.createServer((_q, s) => s.end('local app'));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  port = (upstream.address() as AddressInfo).port;
});
after(async () => {
  for (const [k, v] of Object.entries(ENV)) v === undefined ? delete process.env[k] : (process.env[k] = v);
  // each part may be missing when before() failed half-way
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  await ingress?.close();
  if (upstream) {
    upstream.closeAllConnections();
    await new Promise<void>((r) => upstream.close(() => r()));
  }
});

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const tick = () => new Promise((r) => setTimeout(r, 50));

interface Boot {
  /** The copy of the project this boot runs: dist/ as shipped, with package.json beside it. */
  dir: string;
  dist: string;
  userData: string;
  /** The window the app opened (first run opens it by itself). */
  window(): FakeBrowserWindow;
  /** Calls an invoke channel as a frame at `frameUrl` would (ipcRenderer.invoke). */
  invoke(key: (typeof INVOKE_KEYS)[number], payload?: unknown, frameUrl?: string | null): Promise<any>;
  /** The URL of the shipped index.html. */
  indexUrl: string;
  /** Quits the app (if still running) and waits until it ended. */
  shutdown(): Promise<void>;
}

interface BootOptions {
  /** Plants a bug in this boot's copy of dist/ before it runs. */
  mutate?: (dist: string) => void;
  /** Writes the settings folder before launch (a previous run). */
  seed?: (userData: string, dist: string) => Promise<void> | void;
  singleInstanceLock?: boolean;
  /** Not a folder, so the app cannot open its settings. */
  userDataIsFile?: boolean;
  /** More stand-in levers (a broken keyring, …). */
  standIn?: Partial<StandInOptions>;
  /** The stand-in's platform (app.dock exists on darwin only). */
  platform?: NodeJS.Platform;
  /** Fire 'ready' and wait until the app is up (default true). */
  ready?: boolean;
}

/** Launches a fresh Porthole: a copy of the build, a fresh stand-in, its own settings folder. */
async function boot(opts: BootOptions = {}): Promise<Boot> {
  const dir = join(tmp, `boot-${++boots}`);
  mkdirSync(dir);
  cpSync(join(project, 'dist'), join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), readFileSync(join(project, 'package.json')));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const dist = join(dir, 'dist');
  opts.mutate?.(dist);
  // the app finds "start at login" (XDG autostart) and the ngrok config through these: never the real ones
  process.env.HOME = join(dir, 'home');
  process.env.XDG_CONFIG_HOME = join(dir, 'home', '.config');
  mkdirSync(process.env.XDG_CONFIG_HOME, { recursive: true });
  const userData = join(dir, 'userData');
  if (opts.userDataIsFile) writeFileSync(userData, 'not a folder');
  else mkdirSync(userData);
  E.reset({ userData, paths: { home: dir, temp: tmp }, singleInstanceLock: opts.singleInstanceLock ?? true, ...(opts.platform ? { platform: opts.platform } : {}), ...opts.standIn });
  await opts.seed?.(userData, dist);

  await import(pathToFileURL(join(dir, PKG.main)).href);
  if (opts.ready ?? true) {
    await E.fireReady();
    await until(() => !!E.ended || (E.ipcMain.handlers.size > 0 && E.trays[0]?.contextMenu != null), 15_000, 'the app to start');
    await tick();
  }
  const indexUrl = pathToFileURL(join(dist, 'renderer', 'index.html')).href;
  return {
    dir,
    dist,
    userData,
    indexUrl,
    window() {
      const w = E.windows.at(-1);
      assert.ok(w, 'a window was created');
      return w;
    },
    invoke: (key, payload, frameUrl = indexUrl) => E.ipcMain.invoke(CHANNELS[key], payload, frameUrl),
    async shutdown() {
      if (!E.ended) {
        E.app.quit();
        await Promise.race([E.whenEnded(), new Promise((r) => setTimeout(r, QUIT_DEADLINE_MS + 2_000))]);
      }
    },
  };
}

/** A module of this boot's build that exports `name` (found by content, so a move within main/ is followed). */
async function builtExport<T>(dist: string, name: string): Promise<T> {
  const files = readdirSync(join(dist, 'main'), { recursive: true }).map(String).filter((f) => f.endsWith('.js'));
  for (const f of files) {
    const text = readFileSync(join(dist, 'main', f), 'utf8');
    if (new RegExp(`export (async )?function ${name}\\b|export const ${name}\\b`).test(text)) {
      return (await import(pathToFileURL(join(dist, 'main', f)).href))[name] as T;
    }
  }
  throw new Error(`no module in the build exports ${name}`);
}

/** Settings as a previous run left them: the test ingress, an authtoken, a tunnel that starts with Porthole and one that doesn't. */
async function seedTunnel(userData: string, dist: string): Promise<void> {
  const openSettingsStore = await builtExport<(o: { cwd: string }) => any>(dist, 'openSettingsStore');
  const createSecretStore = await builtExport<(backend: unknown, encryptor: unknown) => any>(dist, 'createSecretStore');
  const SECRET_KEYS = await builtExport<{ ngrokAuthtoken: string }>(dist, 'SECRET_KEYS');
  const { settings, secretsBackend } = openSettingsStore({ cwd: userData });
  settings.write({
    tunnels: [
      { name: 'web', target: String(port), mode: 'public', startWithPorthole: true },
      { name: 'late', target: String(port), mode: 'public', startWithPorthole: false },
    ],
    startAtLogin: false,
    ngrok: { serverAddr: ingress.serverAddr, caPem: ingress.caPem },
  });
  // sealed the way the app's own encryptor (safeStorage, here the stand-in's) seals it
  const encryptor = {
    isEncryptionAvailable: () => true,
    backend: () => 'gnome_libsecret',
    encrypt: (plain: string) => safeStorage.encryptStringAsync(plain),
    decrypt: async (buf: Buffer) => (await safeStorage.decryptStringAsync(buf)).result,
  };
  await createSecretStore(secretsBackend, encryptor).set(SECRET_KEYS.ngrokAuthtoken, 'electron-main-token');
}

async function tunnelState(b: Boot, name: string): Promise<{ state: string; url?: string } | undefined> {
  const r = await b.invoke('getState');
  assert.equal(r.ok, true, JSON.stringify(r));
  return r.value.tunnels.find((t: { name: string }) => t.name === name)?.view;
}

// ---- the checks (also run against planted bugs in the last test) -----------------------------------

/** The window is built with exactly settingsWindowOptions(), from the shipped preload, on the shipped page. */
async function checkWindow(b: Boot): Promise<void> {
  const win = b.window();
  const settingsWindowOptions = await builtExport<(preload: string, o: { dark: boolean }) => any>(b.dist, 'settingsWindowOptions');
  const preload = win.options.webPreferences?.preload;
  assert.equal(typeof preload, 'string', 'the window has a preload');
  assert.deepEqual(win.options, settingsWindowOptions(preload!, { dark: false }), 'built with exactly settingsWindowOptions()');
  // and what those options must say, in case they change too
  const wp = win.options.webPreferences!;
  assert.equal(wp.contextIsolation, true);
  assert.equal(wp.sandbox, true);
  assert.equal(wp.nodeIntegration, false);
  assert.equal(wp.webSecurity, true);
  assert.equal(wp.webviewTag, false);

  // the preload is the shipped CommonJS bundle: in dist/preload, requires only electron, compiles as a CJS body
  assert.equal(preload, join(b.dist, 'preload', 'index.cjs'));
  assert.ok(statSync(preload!).isFile(), 'the preload file exists');
  const code = readFileSync(preload!, 'utf8');
  assert.doesNotMatch(code, /^\s*(import|export)\s/m, 'no ESM statements in the preload');
  assert.match(code, /require\(["']electron["']\)/);
  new Script(`(function (exports, require, module) {\n${code}\n})`, { filename: preload! });

  assert.deepEqual(win.loadedUrls, [b.indexUrl], 'loads the shipped index.html by its file URL');
  assert.ok(existsSync(join(b.dist, 'renderer', 'index.html')));
  assert.equal(win.menu, null, 'no application menu on the window');
}

/** Navigation, redirects, <webview> and window.open are refused. */
async function checkLockDown(b: Boot): Promise<void> {
  const wc = b.window().webContents;
  for (const url of [EVIL, 'file:///etc/passwd', b.indexUrl]) {
    assert.equal(wc.navigate(url), true, `will-navigate to ${url} refused`);
    assert.equal(wc.redirect(url), true, `will-redirect to ${url} refused`);
    assert.deepEqual(wc.openWindow(url), { action: 'deny' }, `window.open(${url}) refused`);
  }
  assert.equal(wc.attachWebview(EVIL), true, '<webview> attach refused');
}

const PERMISSIONS = ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'display-capture', 'hid', 'serial', 'usb', 'unknown'] as const;

/** Every permission request and check is denied, for the app's own page and any other. */
async function checkPermissions(b: Boot): Promise<void> {
  assert.ok(E.session.permissionRequestHandler, 'a permission request handler is installed');
  assert.ok(E.session.permissionCheckHandler, 'a permission check handler is installed');
  for (const p of PERMISSIONS) {
    assert.equal(await E.session.request(p, b.window().webContents), false, `request for ${p} denied`);
    for (const origin of ['file:///', EVIL]) assert.equal(E.session.check(p, origin), false, `check of ${p} from ${origin} denied`);
  }
}

/** Every invoke channel of the contract is registered, answers the window, and refuses any other frame. */
async function checkIpc(b: Boot): Promise<void> {
  assert.deepEqual([...E.ipcMain.handlers.keys()].sort(), INVOKE_KEYS.map((k) => CHANNELS[k]).sort());
  const mine = await b.invoke('getState');
  assert.equal(mine.ok, true, 'the window itself is answered');
  for (const key of INVOKE_KEYS) {
    for (const from of [EVIL, b.indexUrl.replace('index.html', 'other.html'), null]) {
      const r = await b.invoke(key, undefined, from);
      assert.equal(r.ok, false, `${key} from ${from} refused`);
      assert.equal(r.error.code, 'FORBIDDEN_SENDER', `${key} from ${from}`);
    }
  }
}

// ---- the tests -------------------------------------------------------------------------------------

describe('the Electron main process, booted from the build', { timeout: 180_000 }, () => {
  test('the stand-in for electron type-checks against electron.d.ts', () => {
    const tsc = require.resolve('typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'test', 'support', 'electron', 'tsconfig.json')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  test('one instance: without the lock the app quits at once; a second instance shows the existing window', async () => {
    const other = await boot({ singleInstanceLock: false, ready: false });
    assert.equal(E.lockRequests, 1);
    assert.equal(E.ended?.how, 'quit', 'the second process quits');
    await E.fireReady();
    await tick();
    assert.equal(E.windows.length + E.trays.length + E.ipcMain.handlers.size, 0, 'and builds nothing');
    await other.shutdown();

    const b = await boot();
    try {
      const win = b.window(); // a first run opens the window by itself
      win.close();
      assert.equal(win.isDestroyed(), true);
      E.secondInstance();
      await tick();
      const shown = b.window();
      assert.notEqual(shown, win, 'a closed window is built again');
      assert.equal(shown.isVisible(), true, 'and shown');
      shown.minimize();
      E.secondInstance();
      assert.equal(E.windows.filter((w) => !w.isDestroyed()).length, 1, 'one window, never two');
      assert.equal(shown.isMinimized(), false, 'a minimised window is restored');
      assert.equal(shown.focused, true, 'and focused');
    } finally {
      await b.shutdown();
    }
  });

  test('the window: exactly settingsWindowOptions(), the shipped CommonJS preload, the shipped index.html', async () => {
    const b = await boot();
    try {
      await checkWindow(b);
      assert.equal(b.window().isVisible(), true, 'shown once ready');
    } finally {
      await b.shutdown();
    }
  });

  test('on macOS: template tray images, no dock icon, "start at login" through Electron', async () => {
    // the glue reads process.platform itself; it is changed for this one boot only (the ngrok native
    // module, which picks its binary by platform, is loaded for the real one first)
    await import('@ngrok/ngrok');
    const real = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { ...real, value: 'darwin' });
    let b: Boot | undefined;
    try {
      b = await boot({ platform: 'darwin' });
      assert.equal(E.dockState.isVisible(), false, 'the dock icon is hidden');
      const tray = E.trays[0]!;
      for (const img of tray.images) {
        assert.match(img.path, /Template\.png$/);
        assert.ok(existsSync(img.path) && !img.isEmpty(), `${img.path} exists`);
        assert.equal(img.isTemplateImage(), true, `${img.path} is a template image`);
      }
      tray.contextMenu!.click('start-at-login');
      await until(() => E.openAtLogin, 5000, 'the login item set through app.setLoginItemSettings');
    } finally {
      Object.defineProperty(process, 'platform', real);
      await b?.shutdown();
    }
  });

  test('navigation, redirects, <webview> and window.open are refused; every permission is denied', async () => {
    const b = await boot();
    try {
      await checkLockDown(b);
      await checkPermissions(b);
    } finally {
      await b.shutdown();
    }
  });

  test('every IPC channel of the contract is registered; the shipped page is the one trusted sender', async () => {
    const b = await boot();
    try {
      await checkIpc(b);
      // the calls that leave the app reach Electron only as they should: http(s) to the browser, text to the clipboard
      assert.equal((await b.invoke('openExternal', { url: 'https://example.com/docs' })).ok, true);
      for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share']) {
        assert.equal((await b.invoke('openExternal', { url })).ok, false, `${url} refused`);
      }
      assert.deepEqual(E.openedExternally, ['https://example.com/docs'], 'only the https URL reached shell.openExternal');
      assert.equal((await b.invoke('copyText', { text: 'hello' })).ok, true);
      assert.deepEqual(E.clipboard, ['hello']);
    } finally {
      await b.shutdown();
    }
  });

  test('the tray: icon files that exist, the menu of the menu model, clicks reach the app', async () => {
    const b = await boot();
    try {
      assert.equal(E.trays.length, 1);
      const tray = E.trays[0]!;
      for (const img of tray.images) {
        assert.ok(img.path.startsWith(join(b.dist, 'assets')), `${img.path} ships in dist/assets`);
        assert.ok(existsSync(img.path), `${img.path} exists`);
        assert.equal(img.isEmpty(), false, `${img.path} is a PNG Electron can read`);
        // Electron loads the @2x variant next to it by itself on HiDPI screens
        assert.ok(existsSync(img.path.replace(/\.png$/, '@2x.png')), `${img.path} has an @2x variant`);
        if (process.platform === 'darwin') assert.equal(img.isTemplateImage(), true);
      }
      const trayMenu = await builtExport<(views: unknown[], o: { startAtLogin: boolean }) => any[]>(b.dist, 'trayMenu');
      const strip = (items: any[]): any[] =>
        items.map(({ click: _click, submenu, type, ...rest }) => ({ ...rest, type: type ?? 'normal', ...(submenu ? { submenu: strip(submenu) } : {}) }));
      assert.deepEqual(strip(tray.contextMenu!.template), strip(trayMenu([], { startAtLogin: false, logFolder: true })), 'the menu is the menu model');
      assert.ok(tray.toolTip.length > 0, 'a tooltip');

      // "New tunnel…" reaches the app: the window is asked to show the new-tunnel form
      const win = b.window();
      win.webContents.sent.length = 0;
      tray.contextMenu!.click('new-tunnel');
      await until(() => win.webContents.sent.some(([c, d]) => c === CHANNELS.windowNavigate && (d as { kind?: string })?.kind === 'new-tunnel'), 2000, 'the new-tunnel intent');
      // "Start at login" reaches the settings and comes back as a checked item
      tray.contextMenu!.click('start-at-login');
      await until(() => E.trays[0]!.contextMenu!.find('start-at-login')?.checked === true, 5000, 'start at login checked');
      if (process.platform === 'linux') assert.ok(existsSync(join(b.dir, 'home', '.config', 'autostart', 'porthole.desktop')), 'the XDG autostart entry, in this boot\'s home');
      // "Quit Porthole" quits through before-quit
      tray.contextMenu!.click('quit');
      const ended = await E.whenEnded();
      assert.equal(ended.how, 'quit');
    } finally {
      await b.shutdown();
    }
  });

  test('resume and a network change bring a dead session back; before-quit stops every tunnel first', async () => {
    const b = await boot({ seed: seedTunnel });
    try {
      await until(() => ingress.binds.length > 0, 10_000, 'a Bind');
      const online = async () => (await tunnelState(b, 'web'))?.state === 'online';
      const waitOnline = async (ms: number, what: string) => {
        const end = Date.now() + ms;
        while (!(await online())) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await waitOnline(10_000, 'web online');

      // the laptop slept: the connection is half-open; only the engine's recovery gets a fresh session at once
      let auths = ingress.auths.length;
      let frozen = ingress.freeze();
      E.powerMonitor.emit('resume');
      await until(() => ingress.auths.length > auths, 3_000, 'a fresh session after resume');
      await waitOnline(3_000, 'web back online after resume');
      frozen.drop();

      // a network change (here: net.isOnline() flips) is noticed by the glue's poll and recovers too
      auths = ingress.auths.length;
      frozen = ingress.freeze();
      E.online = false;
      await until(() => ingress.auths.length > auths, 8_000, 'a fresh session after a network change');
      E.online = true;
      await waitOnline(5_000, 'web back online after the network change');
      frozen.drop();

      // Quit: before-quit holds the exit until every tunnel is closed (the ingress has seen the Unbind)
      const unbinds = ingress.unbinds.length;
      let unbindsAtEnd = -1;
      const end = E.whenEnded().then((e) => ((unbindsAtEnd = ingress.unbinds.length), e));
      E.app.quit();
      assert.equal(E.quitAttempts[0]?.prevented, true, 'the first quit is held');
      assert.equal(E.ended, undefined);
      E.app.quit(); // a second Quit while closing changes nothing
      const ended = await end;
      assert.equal(ended.how, 'quit');
      assert.ok(unbindsAtEnd > unbinds, 'the tunnel was unbound before the app ended');
      assert.ok(ended.at - E.quitAttempts[0]!.at < QUIT_DEADLINE_MS, 'and it did not wait for the deadline');
    } finally {
      await b.shutdown();
    }
  });

  test('before-quit gives up after its deadline when a tunnel will not close', async () => {
    const b = await boot({ seed: seedTunnel });
    let frozen: { drop(): void } | undefined;
    try {
      await until(() => ingress.binds.length > 0, 10_000, 'a Bind');
      for (let i = 0; i < 200 && (await tunnelState(b, 'web'))?.state !== 'online'; i++) await new Promise((r) => setTimeout(r, 50));
      // the session stops answering, then a second tunnel starts: its Bind is never answered, so stopping it hangs
      frozen = ingress.freeze();
      void b.invoke('startTunnel', { name: 'late' });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await tunnelState(b, 'late'))?.state, 'starting', 'the second tunnel hangs in starting');
      const start = performance.now();
      E.app.quit();
      const ended = await Promise.race([E.whenEnded(), new Promise<undefined>((r) => setTimeout(r, QUIT_DEADLINE_MS + 3_000))]);
      assert.ok(ended, `the app ended within ${QUIT_DEADLINE_MS + 3_000} ms of Quit`);
      assert.equal(ended.how, 'quit');
      const took = ended.at - start;
      assert.ok(took >= QUIT_DEADLINE_MS - 50 && took <= QUIT_DEADLINE_MS + 1_000, `ended ${took.toFixed(0)} ms after Quit: at the ${QUIT_DEADLINE_MS} ms deadline`);
    } finally {
      frozen?.drop();
      await b.shutdown();
    }
  });

  /** What the user was shown: dialogs and notifications. */
  const told = () => [...E.dialogs.map((d) => `${d.title}\n${d.content}`), ...E.notifications.map((n) => `${n.title}\n${n.body}`)];

  test('a settings folder that cannot be used is shown to the user, not a silent exit', async (t) => {
    const b = await boot({ userDataIsFile: true, ready: false });
    try {
      await E.fireReady();
      await until(() => !!E.ended || told().length > 0, 10_000, 'the app to react');
      await tick();
      t.diagnostic(`shown: ${JSON.stringify(told())}; ended: ${JSON.stringify(E.ended ?? null)}`);
      assert.ok(told().length > 0, `the user was told something${E.ended ? ` before exit(${E.ended.code})` : ''}`);
      assert.ok(told().some((m) => /setting|folder/i.test(m)), 'it says what went wrong');
    } finally {
      await b.shutdown();
    }
  });

  test('a start failure (the OS keyring throws) is shown to the user, not a silent exit', async () => {
    const b = await boot({ ready: false, standIn: { keyringBroken: true } });
    try {
      await E.fireReady();
      await until(() => !!E.ended || told().length > 0, 10_000, 'the app to react');
      await tick();
      assert.ok(told().length > 0, `the user was told something${E.ended ? ` before exit(${E.ended.code})` : ''}`);
      const box = E.dialogs.find((d) => d.kind === 'error-box');
      assert.ok(box, 'an error box, shown before the exit');
      assert.equal(box.title, 'Porthole could not start');
      assert.match(box.content, /keyring|key ?store|keychain/i, 'it says what went wrong');
      assert.match(box.content, /Failed to initialize the OS key store/, 'with the thrown message');
      assert.match(box.content, /^Fix: \S/m, 'and what to do');
      await until(() => !!E.ended, 5_000, 'the app to exit');
      assert.deepEqual({ how: E.ended!.how, code: E.ended!.code }, { how: 'exit', code: 1 });
    } finally {
      await b.shutdown();
    }
  });

  test('each planted glue bug is caught by the checks above', async (t) => {
    /** Replaces `from` in whichever built main/ file holds it; a mutation that no longer applies fails loudly. */
    const plant = (from: RegExp, to: string) => (dist: string) => {
      const files = readdirSync(join(dist, 'main'), { recursive: true }).map(String).filter((f) => f.endsWith('.js'));
      let hits = 0;
      for (const f of files) {
        const p = join(dist, 'main', f);
        const text = readFileSync(p, 'utf8');
        const next = text.replace(from, to);
        if (next !== text) (writeFileSync(p, next), hits++);
      }
      assert.equal(hits, 1, `the mutation ${from} applies to exactly one built file`);
    };
    const mutants: [string, (dist: string) => void, (b: Boot) => Promise<void>][] = [
      [
        'window built with sandbox: false, contextIsolation: false',
        plant(/new BrowserWindow\((settingsWindowOptions\([^;]*\))\);/, 'new BrowserWindow(((o) => ({ ...o, webPreferences: { ...o.webPreferences, sandbox: false, contextIsolation: false } }))($1));'),
        checkWindow,
      ],
      ['wrong preload path', plant(/'index\.cjs'/, "'index.js'"), checkWindow],
      ['no will-navigate guard', plant(/^.*'will-navigate'.*$/m, ''), checkLockDown],
      ['no will-redirect guard', plant(/^.*'will-redirect'.*$/m, ''), checkLockDown],
      ['no will-attach-webview guard', plant(/^.*'will-attach-webview'.*$/m, ''), checkLockDown],
      ["window.open allowed", plant(/action: 'deny'/, "action: 'allow'"), checkLockDown],
      ['a permission request handler that allows', plant(/callback\(false\)/, 'callback(true)'), checkPermissions],
      ['a permission check handler that allows', plant(/setPermissionCheckHandler\(\(\) => false\)/, 'setPermissionCheckHandler(() => true)'), checkPermissions],
      ['the IPC sender is not passed on', plant(/event\.senderFrame\?\.url \?\? ''/, 'event.sender.getURL()'), checkIpc],
    ];
    const survived: string[] = [];
    for (const [name, mutate, check] of mutants) {
      const b = await boot({ mutate });
      try {
        await check(b).then(
          () => survived.push(name),
          (err: unknown) => t.diagnostic(`caught: ${name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`),
        );
      } finally {
        await b.shutdown();
      }
    }
    assert.deepEqual(survived, [], 'planted bugs no check caught');
  });
});
