// test support: the settings window as shipped (renderer/ bundled by scripts/build.mjs, served over
// node:http on 127.0.0.1:0) in headless Chromium, with `window.porthole` answered by the REAL
// startPorthole (engine, store, secrets, preflight) running in this test process. The preload's
// place is taken by an init script over page.exposeBinding; the sender check sees the frame's URL.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildRenderer } from '../../scripts/build.mjs';
import { startPorthole, type Notice, type PortholeApp, type PortholeDeps, type TrayModel } from '../../main/app.js';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore } from '../../main/settings/secrets.js';
import { INVOKE_KEYS, type StateSnapshot, type VisitRecorded, type WindowIntent } from '../../common/contract.js';

export { CHROMIUM, CHROMIUM_ARGS, chromiumMissing, launchChromium } from '../support/browser.js';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/** Bundle renderer/ exactly as `npm run build` does, into a temp dir, and serve it on loopback. */
export async function serveRenderer(): Promise<{ url: string; dir: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-renderer-'));
  await buildRenderer(dir);
  const server = http.createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`;
  return {
    url,
    dir,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}


/** Everything the fake Electron ports saw: what the tray showed, what was copied, notified, opened. */
export interface Recorded {
  tray: TrayModel[];
  clipboard: string[];
  notices: Notice[];
  opened: string[];
  shown: (WindowIntent | undefined)[];
  /** Every IPC result, serialized: the test checks that no secret is in any of them. */
  results: string[];
  /** Every state push to the window, serialized: checked for secrets like the results. */
  pushes: string[];
  loginItem: boolean;
}

export interface Desktop {
  app: PortholeApp;
  page: Page;
  rec: Recorded;
  cwd: string;
  /** Script errors and console errors of the page (CSP violations show here). */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Start Porthole's core on a fresh settings directory (or on `cwd` as a previous run left it, with the
 * secrets' AES `key`) and open the window in a new page. `backend` names the secret-storage backend the (real AES-GCM) Encryptor reports, e.g. 'basic_text'.
 */
export async function openDesktop(
  browser: Browser,
  rendererUrl: string,
  opts: { backend?: string; env?: Record<string, string>; home?: string; deps?: Partial<PortholeDeps>; cwd?: string; key?: Buffer } = {},
): Promise<Desktop> {
  const cwd = opts.cwd ?? mkdtempSync(join(tmpdir(), 'porthole-desktop-'));
  const { settings, secretsBackend } = openSettingsStore({ cwd });
  const secrets = createSecretStore(secretsBackend, createAesGcmEncryptor(opts.key, opts.backend ?? 'gnome_libsecret'));
  const rec: Recorded = { tray: [], clipboard: [], notices: [], opened: [], shown: [], results: [], pushes: [], loginItem: false };
  const context = await browser.newContext({ viewport: { width: 960, height: 760 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  let pageReady = false;
  /** What main asked the window to show before the page was up: sent once it is, as did-finish-load does in main/glue/window.ts. */
  let pendingIntent: WindowIntent | undefined;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => void pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });

  const app = await startPorthole({
    store: settings,
    secrets,
    tray: { render: (m) => void rec.tray.push(m) },
    window: {
      // as main/window.ts does for an open window: bring it up and tell the page what to show
      show: (intent) => {
        rec.shown.push(intent);
        if (!pageReady) pendingIntent = intent ?? { kind: 'settings' };
        if (pageReady) void page.evaluate((i) => (window as unknown as { __portholeEmit(c: string, d: unknown): void }).__portholeEmit('navigate', i), intent ?? { kind: 'settings' }).catch(() => undefined);
      },
      // as main/glue/window.ts does: the `visitRecorded` push, a batch per burst
      pushVisits: (batch: VisitRecorded[]) => {
        rec.pushes.push(JSON.stringify(batch));
        if (pageReady) void page.evaluate((b) => (window as unknown as { __portholeEmit(c: string, d: unknown): void }).__portholeEmit('visits', b), batch).catch(() => undefined);
      },
      pushState: (state: StateSnapshot) => {
        rec.pushes.push(JSON.stringify(state));
        if (pageReady) void page.evaluate((s) => (window as unknown as { __portholeEmit(c: string, d: unknown): void }).__portholeEmit('state', s), state).catch(() => undefined);
      },
    },
    notifier: { notify: (n) => void rec.notices.push(n) },
    clipboard: { writeText: (t) => void rec.clipboard.push(t) },
    openExternal: async (url) => void rec.opened.push(url),
    loginItem: { get: () => rec.loginItem, set: (v) => void (rec.loginItem = v) },
    trustedSender: rendererUrl,
    env: opts.env ?? {},
    home: opts.home ?? cwd,
    ...opts.deps,
  });

  // The preload's stand-in: the same PortholeApi shape, each call carried to the real handler with the
  // calling frame's URL as the sender.
  await page.exposeBinding('__portholeInvoke', async (source, key: string, payload: unknown) => {
    const handler = app.handlers[key as keyof typeof app.handlers];
    const result = await handler(source.frame.url(), payload);
    rec.results.push(JSON.stringify(result));
    return result;
  });
  // A string, not a function: tsx would compile a function with helpers the page does not have.
  await page.addInitScript(`(() => {
    const keys = ${JSON.stringify([...INVOKE_KEYS])};
    const listeners = { state: new Set(), navigate: new Set(), visits: new Set() };
    const api = {};
    for (const k of keys) api[k] = (payload) => window.__portholeInvoke(k, payload);
    const on = (channel) => (fn) => { listeners[channel].add(fn); return () => listeners[channel].delete(fn); };
    api.onState = on('state');
    api.onNavigate = on('navigate');
    api.onVisits = on('visits');
    window.porthole = Object.freeze(api);
    window.__portholeEmit = (channel, data) => listeners[channel] && listeners[channel].forEach((fn) => fn(data));
  })();`);
  await page.goto(rendererUrl);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 }).catch((e: Error) => {
    throw new Error(`the window did not start: ${pageErrors.join(' | ') || e.message}`);
  });
  pageReady = true;
  if (pendingIntent) await page.evaluate((i) => (window as unknown as { __portholeEmit(c: string, d: unknown): void }).__portholeEmit('navigate', i), pendingIntent);

  return {
    app,
    page,
    rec,
    cwd,
    pageErrors,
    async close() {
      await app.quit();
      await context.close();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
