// test: startPorthole, the desktop app's composition root, with recording stand-ins for the Electron
// ports and everything else real (store on disk, AES-GCM secrets, the engine on the loopback ingress):
// tunnels marked "start with Porthole" start at launch; the tray follows; notifications; menu actions;
// recovery on network change; a damaged settings file is reported; quit stops every tunnel.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPorthole, type Notice, type PortholeApp, type TrayModel } from '../../main/app.js';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore, SECRET_KEYS } from '../../main/settings/secrets.js';
import type { WindowIntent } from '../../common/contract.js';
import type { TunnelView } from '../../common/types.js';
import { startIngress, type Ingress } from '../support/ingress/index.js';

const WINDOW = 'file:///app/dist/renderer/index.html';

async function until(pred: () => boolean, ms = 8000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('startPorthole', { timeout: 60_000 }, () => {
  let ing: Ingress;
  let upstream: http.Server;
  let port = 0;

  before(async () => {
    ing = await startIngress();
    upstream = http.createServer((_q, s) => s.end('local app'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    port = (upstream.address() as AddressInfo).port;
  });
  after(async () => {
    await ing?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((r) => upstream?.close(() => r()));
  });

  async function launch(setup: (cwd: string) => Promise<void> | void = () => {}, opts: { trayCoalesceMs?: number; projectVersion?: string } = { trayCoalesceMs: 20 }) {
    const cwd = mkdtempSync(join(tmpdir(), 'porthole-app-'));
    await setup(cwd);
    const key = Buffer.alloc(32, 3);
    const { settings, secretsBackend } = openSettingsStore({ cwd, ...(opts.projectVersion ? { projectVersion: opts.projectVersion } : {}) });
    const secrets = createSecretStore(secretsBackend, createAesGcmEncryptor(key));
    const rec = {
      tray: [] as TrayModel[],
      /** performance.now() of each tray render and each notice (a notice is sent the moment the engine changes). */
      trayAt: [] as number[],
      noticeAt: [] as number[],
      notices: [] as Notice[],
      clipboard: [] as string[],
      opened: [] as string[],
      shown: [] as (WindowIntent | undefined)[],
      pushed: 0,
      quitRequested: 0,
      login: true,
    };
    const app: PortholeApp = await startPorthole({
      store: settings,
      secrets,
      tray: { render: (m) => void (rec.tray.push(m), rec.trayAt.push(performance.now())) },
      window: { show: (i) => void rec.shown.push(i), pushState: () => void rec.pushed++ },
      notifier: { notify: (n) => void (rec.notices.push(n), rec.noticeAt.push(performance.now())) },
      clipboard: { writeText: (t) => void rec.clipboard.push(t) },
      openExternal: async (u) => void rec.opened.push(u),
      loginItem: { get: () => rec.login, set: (v) => void (rec.login = v) },
      trustedSender: WINDOW,
      requestQuit: () => void rec.quitRequested++,
      ...(opts.trayCoalesceMs !== undefined ? { trayCoalesceMs: opts.trayCoalesceMs } : {}),
      env: {},
      home: cwd,
    });
    const tray = () => rec.tray.at(-1)!;
    return { app, rec, cwd, tray, secrets, close: async () => (await app.quit(), rmSync(cwd, { recursive: true, force: true })) };
  }

  /** Settings as a previous run left them: the ingress, an authtoken, and two tunnels, one starting with Porthole. */
  async function seed(cwd: string): Promise<void> {
    const { settings, secretsBackend } = openSettingsStore({ cwd });
    settings.write({
      tunnels: [
        { name: 'auto', target: String(port), mode: 'public', startWithPorthole: true },
        { name: 'manual', target: String(port), mode: 'public', startWithPorthole: false },
      ],
      startAtLogin: false,
      ngrok: { serverAddr: ing.serverAddr, caPem: ing.caPem },
    });
    await createSecretStore(secretsBackend, createAesGcmEncryptor(Buffer.alloc(32, 3))).set(SECRET_KEYS.ngrokAuthtoken, 'app-test-token');
  }

  test('launch: "start with Porthole" tunnels start; tray, notifications and menu actions follow the engine', async () => {
    const d = await launch(seed);
    const view = (name: string): TunnelView | undefined => d.app.snapshot().tunnels.find((t) => t.name === name)?.view;
    try {
      // The OS's login item wins over the stored flag.
      assert.equal(d.tray().menu.find((m) => m.id === 'start-at-login')?.checked, true);

      await until(() => view('auto')?.state === 'online', 10_000, 'auto online');
      assert.equal(view('manual')?.state, 'stopped');
      assert.equal(ing.auths.at(-1)?.authtoken, 'app-test-token');
      const url = view('auto')!.url!;
      await until(() => d.tray().icon === 'online', 2000, 'online icon');
      assert.deepEqual(d.tray().menu[0], { id: 'copy-first-url', label: 'Copy URL of auto', enabled: true });
      assert.match(d.tray().tooltip, /auto: Online/);
      assert.ok(d.rec.notices.some((n) => n.title === 'auto is online' && n.url === url), JSON.stringify(d.rec.notices));
      assert.ok(d.rec.pushed > 0, 'the window got state pushes');

      // Menu actions.
      d.app.onMenuItem('copy-first-url');
      assert.equal(d.rec.clipboard.at(-1), url);
      d.app.onMenuItem('tunnel:auto:open');
      assert.deepEqual(d.rec.opened, [url]);
      d.app.onMenuItem('new-tunnel');
      d.app.onMenuItem('settings');
      assert.deepEqual(d.rec.shown, [{ kind: 'new-tunnel' }, { kind: 'settings' }]);
      d.app.onMenuItem('start-at-login');
      await until(() => d.rec.login === false, 2000, 'login item off');
      await until(() => d.tray().menu.find((m) => m.id === 'start-at-login')?.checked === false, 2000, 'checkbox off');
      d.app.onMenuItem('tunnel:manual:start');
      await until(() => view('manual')?.state === 'online', 10_000, 'manual online');
      d.app.onMenuItem('tunnel:manual:stop');
      await until(() => view('manual')?.state === 'stopped', 5000, 'manual stopped');
      d.app.onMenuItem('no-such-item'); // ignored
      d.app.onMenuItem('quit');
      assert.equal(d.rec.quitRequested, 1);

      // A dropped connection: the network-change hook rebuilds the session at once (the URL may change
      // without a reserved domain: a new session binds a new endpoint).
      const authsBefore = ing.auths.length;
      ing.dropAll();
      d.app.onNetworkChange();
      await until(() => ing.auths.length > authsBefore && view('auto')?.state === 'online', 5000, 'back online');
      const res = await fetch(view('auto')!.url!);
      assert.equal(await res.text(), 'local app');

      // Quit: every tunnel stops; the ingress sees the Unbind.
      const unbindsBefore = ing.unbinds.length;
      await d.app.quit();
      assert.ok(d.app.snapshot().tunnels.every((t) => t.view.state === 'stopped'));
      assert.ok(ing.unbinds.length > unbindsBefore);
    } finally {
      await d.close();
    }
  });

  test('no authtoken: a tray Start fails with a notice that says so, and opens the window on the ngrok settings', async () => {
    const d = await launch((cwd) => {
      openSettingsStore({ cwd }).settings.write({ tunnels: [{ name: 'web', target: String(port), mode: 'public', startWithPorthole: false }], startAtLogin: false, ngrok: {} });
    });
    try {
      assert.equal(d.tray().icon, 'idle');
      d.app.onMenuItem('tunnel:web:start');
      await until(() => d.rec.notices.length > 0, 3000, 'a notice');
      assert.equal(d.rec.notices[0]!.title, 'Starting web failed');
      assert.match(d.rec.notices[0]!.body, /authtoken/i);
      assert.deepEqual(d.rec.shown, [{ kind: 'ngrok' }]);
    } finally {
      await d.close();
    }
  });

  test('a damaged settings file is reported once, and the app still starts', async () => {
    const d = await launch((cwd) => writeFileSync(join(cwd, 'settings.json'), '{ this is not json'));
    try {
      assert.equal(d.rec.notices.length, 1);
      assert.match(d.rec.notices[0]!.title, /damaged/);
      assert.match(d.rec.notices[0]!.body, /settings\.json\.corrupt-/);
      assert.deepEqual(d.app.snapshot().tunnels, []);
      // The window opens by itself and carries the notice until the user dismisses it.
      assert.deepEqual(d.rec.shown, [{ kind: 'settings' }]);
      const r = await d.app.handlers.getSettings(WINDOW, undefined);
      assert.ok(r.ok);
      assert.deepEqual(r.value.problems, [{ kind: 'settings', movedTo: d.rec.notices[0]!.body.match(/as (\S+settings\.json\.corrupt-\S+?)\. /)![1], keptTunnels: 0, reason: r.value.problems[0]?.reason }]);
      assert.match(r.value.problems[0]!.reason!, /JSON/);
    } finally {
      await d.close();
    }
  });
  test('state changes reach the tray at once, with the default coalescing (one frame)', async () => {
    const d = await launch(seed, {});
    const view = (name: string): TunnelView | undefined => d.app.snapshot().tunnels.find((t) => t.name === name)?.view;
    try {
      await until(() => view('auto')?.state === 'online', 10_000, 'auto online');
      d.app.onMenuItem('tunnel:manual:start');
      await until(() => view('manual')?.state === 'online', 10_000, 'manual online');
      ing.dropAll();
      await until(() => d.rec.notices.some((n) => / dropped$/.test(n.title)), 5000, 'a drop noticed');
      await until(() => view('auto')?.state === 'online' && view('manual')?.state === 'online', 10_000, 'back online');
      await new Promise((r) => setTimeout(r, 100));

      // Each notice is sent the moment the engine changed; the tray rebuild that shows it follows within a frame.
      const delays = d.rec.noticeAt.map((at) => (d.rec.trayAt.find((t) => t >= at) ?? Infinity) - at);
      assert.ok(delays.length >= 4, JSON.stringify(d.rec.notices.map((n) => n.title)));
      assert.ok(Math.min(...delays) <= 50, `fastest tray update ${Math.min(...delays).toFixed(1)} ms after a change (delays ${delays.map((x) => x.toFixed(0)).join(', ')})`);
      // A busy 2-core CI machine may be late with a timer, never by seconds.
      assert.ok(Math.max(...delays) < 1000, `slowest tray update ${Math.max(...delays).toFixed(0)} ms`);
    } finally {
      await d.close();
    }
  });

  test('a settings file from an older version migrates on launch, and its "start with Porthole" tunnel starts', async () => {
    const d = await launch(
      async (cwd) => {
        await seed(cwd);
        // What a 0.0.x development build wrote: `port` and `autoStart`, a top-level serverAddr, no conf version.
        writeFileSync(join(cwd, 'settings.json'), JSON.stringify({ serverAddr: ing.serverAddr, ngrok: { caPem: ing.caPem }, tunnels: [{ name: 'legacy', port, mode: 'public', autoStart: true }] }));
      },
      { trayCoalesceMs: 20, projectVersion: '0.2.0' },
    );
    try {
      assert.deepEqual(d.rec.notices.filter((n) => /damaged/.test(n.title)), [], 'a migration is not damage');
      const t = d.app.snapshot().tunnels;
      assert.deepEqual(t.map((x) => [x.name, x.target, x.startWithPorthole]), [['legacy', String(port), true]]);
      await until(() => d.app.snapshot().tunnels[0]?.view.state === 'online', 10_000, 'legacy online');
      const raw = JSON.parse(readFileSync(join(d.cwd, 'settings.json'), 'utf8'));
      assert.equal(raw.__internal__?.migrations?.version, '0.2.0');
      assert.equal(raw.serverAddr, undefined);
      assert.deepEqual(raw.ngrok, { serverAddr: ing.serverAddr, caPem: ing.caPem });
    } finally {
      await d.close();
    }
  });

  test('an unreadable secrets file: the notice says the secrets must be entered again, and the tunnels are kept', async () => {
    const d = await launch(async (cwd) => {
      await seed(cwd);
      writeFileSync(join(cwd, 'secrets.json'), 'not json at all');
    });
    try {
      assert.deepEqual(d.rec.notices.map((n) => n.title), ['Porthole’s stored secrets could not be read']);
      assert.match(d.rec.notices[0]!.body, /secrets\.json\.corrupt-.*enter the ngrok authtoken and each tunnel’s client secret again/);
      assert.deepEqual(d.app.snapshot().tunnels.map((t) => t.name), ['auto', 'manual']);
      assert.equal(d.app.snapshot().settings.ngrok.authtoken.stored, false);
      assert.deepEqual(d.rec.shown, [{ kind: 'settings' }], 'the window opens to say so');
    } finally {
      await d.close();
    }
  });

  test('first run (no authtoken, no tunnel): the window opens by itself, on the guide', async () => {
    const d = await launch();
    try {
      assert.deepEqual(d.rec.shown, [{ kind: 'settings' }]);
    } finally {
      await d.close();
    }
  });
});
