// test: visits, timed shares and FusionAuth set-up through the composition root, everything real (store on disk, AES-GCM secrets, the
// engine on the loopback ingress, the FusionAuth API stand-in): "Set up FusionAuth for me" through IPC,
// visits reaching listVisits, the push and the tray line, the new-visitor notice on and off, and a timed
// share that stops at its deadline, also when the wall clock jumps (a machine waking from sleep).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPorthole, type Notice, type TrayModel } from '../../main/app.js';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore, SECRET_KEYS } from '../../main/settings/secrets.js';
import { createPreflight } from '../../main/oidc/preflight.js';
import type { MenuItemSpec } from '../../main/tray/menu.js';
import type { VisitRecorded } from '../../common/contract.js';
import type { Clock } from '../../main/core/share-timer.js';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { standInVisitor } from '../support/ingress/edge.js';
import { startFusionAuthApi, SUPER_KEY, type StandIn } from '../support/fusionauth-api/index.js';

const WINDOW = 'file:///app/dist/renderer/index.html';

async function until(pred: () => boolean, ms = 8000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every label in the menu, submenus included. */
const labels = (items: MenuItemSpec[]): string[] => items.flatMap((i) => [i.label ?? '', ...labels(i.submenu ?? [])]);

/** The wall clock, which a test can move forward as a sleeping machine's is on waking. */
function jumpClock(): Clock & { jump(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
    jump: (ms) => void (offset += ms),
  };
}

describe('visits, timed shares and FusionAuth set-up in the app', { timeout: 90_000 }, () => {
  let ing: Ingress;
  let upstream: http.Server;
  let port = 0;
  const dirs: string[] = [];

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
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function launch(opts: { notify?: boolean; api?: StandIn } = {}) {
    const cwd = mkdtempSync(join(tmpdir(), 'porthole-visits-'));
    dirs.push(cwd);
    const key = Buffer.alloc(32, 3);
    const boot = openSettingsStore({ cwd });
    boot.settings.write({
      tunnels: [{ name: 'web', target: String(port), mode: 'public', startWithPorthole: false }],
      startAtLogin: false,
      ngrok: { serverAddr: ing.serverAddr, caPem: ing.caPem },
      ...(opts.notify === false ? { notifyNewVisitors: false } : {}),
    });
    await createSecretStore(boot.secretsBackend, createAesGcmEncryptor(key)).set(SECRET_KEYS.ngrokAuthtoken, 'visits-test-token');
    const { settings, secretsBackend } = openSettingsStore({ cwd });
    const rec = { tray: [] as TrayModel[], notices: [] as Notice[], visits: [] as VisitRecorded[] };
    const clock = jumpClock();
    const app = await startPorthole({
      store: settings,
      secrets: createSecretStore(secretsBackend, createAesGcmEncryptor(key)),
      tray: { render: (m) => void rec.tray.push(m) },
      window: { show: () => undefined, pushState: () => undefined, pushVisits: (b) => void rec.visits.push(...b) },
      notifier: { notify: (n) => void rec.notices.push(n) },
      clipboard: { writeText: () => undefined },
      openExternal: async () => undefined,
      loginItem: { get: () => false, set: () => undefined },
      trustedSender: WINDOW,
      trayCoalesceMs: 20,
      clock,
      shareCheckEveryMs: 50,
      tickMs: 200,
      preflight: createPreflight({ timeoutMs: 3000 }),
      openLogFolder: () => undefined,
      env: {},
      home: cwd,
    });
    const tray = () => rec.tray.at(-1)!;
    const entry = (name: string) => app.snapshot().tunnels.find((t) => t.name === name);
    return { app, rec, clock, tray, entry, store: settings };
  }

  test('shareFor starts the tunnel with a deadline; the tray shows the time left; a clock jump stops it on resume', async () => {
    const d = await launch();
    try {
      const r = await d.app.handlers.shareFor(WINDOW, { name: 'web', minutes: 15 });
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.state, 'online');
      const deadline = d.entry('web')!.deadline!;
      assert.ok(Math.abs(deadline - (d.clock.now() + 15 * 60_000)) < 5000, String(deadline));
      await until(() => labels(d.tray().menu).some((l) => /web — Online.*15 min left/.test(l)), 3000, 'time left in the tray');
      assert.ok(labels(d.tray().menu).includes('Share for 1 h'));
      assert.ok(labels(d.tray().menu).includes('Open log folder'));
      // Limits: anything but the four choices is refused, naming the field.
      const bad = await d.app.handlers.shareFor(WINDOW, { name: 'web', minutes: 7 });
      assert.ok(!bad.ok && bad.error.field === 'minutes', JSON.stringify(bad));

      // The machine sleeps through the deadline: on waking the wall clock says it passed.
      d.clock.jump(16 * 60_000);
      d.app.onResume();
      await until(() => d.entry('web')?.view.state === 'stopped', 5000, 'stopped at the deadline');
      await until(() => d.rec.notices.some((n) => /web stopped: its time ran out/.test(n.title)), 2000, 'the notice');
      assert.equal(d.entry('web')!.deadline, undefined);

      // From the tray, then "until I stop" clears the deadline; the interval alone stops a timed share.
      d.app.onMenuItem('tunnel:web:share-60');
      await until(() => d.entry('web')?.deadline !== undefined && d.entry('web')?.view.state === 'online', 10_000, 'shared 1 h');
      d.app.onMenuItem('tunnel:web:share-until-stopped');
      await until(() => d.entry('web')?.deadline === undefined, 3000, 'deadline cleared');
      const s = await d.app.handlers.shareFor(WINDOW, { name: 'web', minutes: 15 });
      assert.ok(s.ok);
      d.clock.jump(15 * 60_000 + 1000);
      await until(() => d.entry('web')?.view.state === 'stopped', 5000, 'stopped by the interval check');
    } finally {
      await d.app.quit();
    }
  });

  test('visits reach listVisits, the push and the tray line; the record flag is saved', async () => {
    const d = await launch();
    try {
      const started = await d.app.handlers.startTunnel(WINDOW, { name: 'web' });
      assert.ok(started.ok, JSON.stringify(started));
      const res = await fetch(`${started.value.url!}/hello?x=1`);
      assert.equal(await res.text(), 'local app');
      await until(() => d.rec.visits.length > 0, 5000, 'the visit push');
      await until(() => d.rec.visits.some((x) => x.record.path === '/hello?x=1'), 5000, 'our visit pushed');
      // Porthole's own protection check reaches a public tunnel's app: it is recorded as the check, not as a visitor.
      await until(() => d.rec.visits.some((x) => x.record.probe === true), 5000, "the check's request");
      assert.ok(d.rec.visits.every((x) => x.tunnel === 'web'));
      const v = await d.app.handlers.listVisits(WINDOW, { name: 'web' });
      assert.ok(v.ok);
      const mine = v.value.requests.find((x) => x.path === '/hello?x=1');
      assert.equal(mine?.status, 200);
      assert.equal(mine?.user, null);
      assert.ok(v.value.requests.some((x) => x.probe), JSON.stringify(v.value.requests));
      assert.equal(v.value.visitors.anonymous, v.value.requests.filter((x) => !x.probe).length, 'the check is not a visitor');
      await until(() => labels(d.tray().menu).some((l) => /^\d+ requests?, nobody signed in$/.test(l)), 3000, 'the tray line');
      assert.ok(!('visitorsLine' in d.entry('web')!), 'the tray line stays in the tray: the window has its Visitors section');
      assert.equal(d.entry('web')!.record, true);

      const saved = await d.app.handlers.saveTunnel(WINDOW, { previousName: 'web', name: 'web', target: String(port), mode: 'public', startWithPorthole: false, confirmPublic: true, record: false });
      assert.ok(saved.ok, JSON.stringify(saved));
      assert.equal(saved.value.record, false);
      assert.equal(d.entry('web')!.record, false);
    } finally {
      await d.app.quit();
    }
  });

  test("ngrok's agent API is served only while its setting is on, and lists the app's tunnels and requests", async () => {
    const d = await launch();
    try {
      assert.equal(d.app.snapshot().settings.agentApi.on, false);
      const started = await d.app.handlers.startTunnel(WINDOW, { name: 'web' });
      assert.ok(started.ok, JSON.stringify(started));
      await (await fetch(`${started.value.url!}/kept?x=1`)).text();
      const on = await d.app.handlers.saveSettings(WINDOW, { agentApi: true });
      assert.ok(on.ok, JSON.stringify(on));
      const url = on.value.agentApi.url!;
      assert.match(url, /^http:\/\/127\.0\.0\.1:404\d$/);
      const tunnels = await (await fetch(`${url}/api/tunnels`)).json();
      assert.deepEqual(tunnels.tunnels.map((t: { name: string; public_url: string }) => [t.name, t.public_url]), [['web', started.value.url]]);
      await until(() => d.rec.visits.some((x) => x.record.path === '/kept?x=1'), 5000, 'the visit');
      const reqs = await (await fetch(`${url}/api/requests/http?tunnel_name=web`)).json();
      assert.ok(reqs.requests.some((r: { request: { uri: string } }) => r.request.uri === '/kept?x=1'), JSON.stringify(reqs));
      const off = await d.app.handlers.saveSettings(WINDOW, { agentApi: false });
      assert.ok(off.ok);
      assert.equal(off.value.agentApi.url, undefined);
      await assert.rejects(fetch(`${url}/api/tunnels`), 'off: nothing listens any more');
      assert.equal(d.store.read().agentApi, false);
    } finally {
      await d.app.quit();
    }
  });

  for (const notify of [true, false]) {
    test(`FusionAuth set-up through IPC, then a signed-in visitor: notice ${notify ? 'on' : 'off'}`, async () => {
      const api = await startFusionAuthApi();
      const d = await launch({ notify, api });
      try {
        const plan = await d.app.handlers.planFusionAuthSetup(WINDOW, { url: api.url, apiKey: SUPER_KEY, tunnel: 'sso', fixIssuer: true });
        assert.ok(plan.ok && plan.value.ok, JSON.stringify(plan));
        assert.ok(plan.value.value.lines.some((l) => l.kind === 'create-application'));
        const applied = await d.app.handlers.applyFusionAuthSetup(WINDOW, { url: api.url, apiKey: SUPER_KEY, tunnel: 'sso', fixIssuer: true, target: String(port), allowInsecureStorage: true });
        assert.ok(applied.ok && applied.value.ok, JSON.stringify(applied));
        assert.ok(!JSON.stringify(applied).includes(SUPER_KEY), 'the API key is never answered');
        const sso = d.entry('sso')!;
        assert.equal(sso.mode, 'oidc');
        assert.equal(sso.fusionauth?.clientId, applied.value.value.clientId);
        assert.equal(sso.fusionauth?.clientSecret.stored, true);

        const started = await d.app.handlers.startTunnel(WINDOW, { name: 'sso' });
        assert.ok(started.ok, JSON.stringify(started));
        const res = await fetch(`${started.value.url!}/`, { headers: { cookie: standInVisitor({ email: 'alice@example.test', name: 'Alice' }) } });
        assert.equal(await res.text(), 'local app');
        await until(() => labels(d.tray().menu).includes('1 person viewed · last: alice@example.test, just now'), 5000, 'tray line');
        const noticed = d.rec.notices.some((n) => n.title === 'alice@example.test opened sso');
        assert.equal(noticed, notify, JSON.stringify(d.rec.notices));
        // "2 min ago" follows the wall clock, at the next redraw (the app's tick).
        d.clock.jump(2 * 60_000 + 1000);
        await until(() => labels(d.tray().menu).includes('1 person viewed · last: alice@example.test, 2 min ago'), 3000, 'tray line after 2 min');
      } finally {
        await d.app.quit();
        const v = api.violations;
        await api.close();
        assert.deepEqual(v, []);
      }
    });
  }
});
