// test: the app's core against the failures a hostile or broken machine causes, everything real (store on disk, AES-GCM
// secrets, the engine on the loopback ingress): a keychain reset, a secrets file of the wrong shape,
// concurrent saves/removes/starts, oversized IPC fields, and start-up time against the tunnel count.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPorthole, type Notice, type PortholeApp, type TrayModel } from '../../main/app.js';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore, SECRET_KEYS } from '../../main/settings/secrets.js';
import type { StoredTunnel } from '../../main/settings/schema.js';
import { LIMITS, type StateSnapshot, type WindowIntent } from '../../common/contract.js';
import { startIngress, type Ingress } from '../support/ingress/index.js';

const WINDOW = 'file:///app/dist/renderer/index.html';
const KEY = Buffer.alloc(32, 3);

async function launch(cwd: string, key = KEY) {
  const { settings, secretsBackend } = openSettingsStore({ cwd });
  const rec = { tray: [] as TrayModel[], notices: [] as Notice[], shown: [] as (WindowIntent | undefined)[], state: undefined as StateSnapshot | undefined };
  const app: PortholeApp = await startPorthole({
    store: settings,
    secrets: createSecretStore(secretsBackend, createAesGcmEncryptor(key)),
    tray: { render: (m) => void rec.tray.push(m) },
    window: { show: (i) => void rec.shown.push(i), pushState: (s) => void (rec.state = s) },
    notifier: { notify: (n) => void rec.notices.push(n) },
    clipboard: { writeText: () => undefined },
    openExternal: async () => undefined,
    loginItem: { get: () => false, set: () => undefined },
    trustedSender: WINDOW,
    trayCoalesceMs: 5,
    env: {},
    home: cwd,
  });
  return { app, rec, settings };
}

const oidc = (name: string): StoredTunnel => ({
  name,
  target: '3000',
  mode: 'oidc',
  startWithPorthole: false,
  fusionauth: { issuer: 'https://auth.example.com', clientId: `c-${name}`, allowEmails: [], allowDomains: ['example.com'], scopes: ['email'] },
});
const pub = (name: string): StoredTunnel => ({ name, target: '3000', mode: 'public', startWithPorthole: false });

async function seed(cwd: string, tunnels: StoredTunnel[], key = KEY, ngrok: { serverAddr?: string; caPem?: string } = {}): Promise<void> {
  const { settings, secretsBackend } = openSettingsStore({ cwd });
  settings.write({ tunnels, startAtLogin: false, ngrok });
  const secrets = createSecretStore(secretsBackend, createAesGcmEncryptor(key));
  await secrets.set(SECRET_KEYS.ngrokAuthtoken, 'hardening-token');
  for (const t of tunnels) if (t.fusionauth) await secrets.set(SECRET_KEYS.clientSecret(t.name), `secret-of-${t.name}`);
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'porthole-hard-'));

test('a keychain reset: the app starts, asks for each secret again at its field, and keeps everything else', async () => {
  const cwd = tmp();
  try {
    await seed(cwd, [oidc('web'), pub('open')]);
    const secretsBefore = readFileSync(join(cwd, 'secrets.json'), 'utf8');
    const { app, rec } = await launch(cwd, Buffer.alloc(32, 9)); // another machine's keychain
    try {
      assert.deepEqual(rec.shown, [{ kind: 'reenter', secret: 'authtoken' }]);
      assert.deepEqual(rec.notices.map((n) => n.title).sort(), ['The client secret of web must be entered again', 'The ngrok authtoken must be entered again']);
      const s = app.snapshot();
      assert.deepEqual(s.settings.ngrok.authtoken, { stored: false, mustReenter: true });
      assert.deepEqual(s.tunnels.map((t) => t.name), ['web', 'open'], 'the tunnels are kept');
      assert.deepEqual(s.tunnels[0]!.fusionauth?.clientSecret, { stored: false, mustReenter: true });
      const tray = rec.tray.at(-1)!;
      assert.equal(tray.menu[0]!.label, '⚠ Enter the ngrok authtoken again…');
      assert.match(tray.tooltip, /must be entered again/);
      app.onMenuItem(tray.menu[0]!.id!);
      app.onMenuItem(tray.menu[1]!.id!);
      assert.deepEqual(rec.shown.slice(1), [{ kind: 'reenter', secret: 'authtoken' }, { kind: 'reenter', secret: 'client-secret', tunnel: 'web' }]);
      assert.equal(readFileSync(join(cwd, 'secrets.json'), 'utf8'), secretsBefore, 'nothing is thrown away');
      // Entering it again clears the flag.
      const r = await app.handlers.saveCredentials(WINDOW, { ngrokAuthtoken: 'a-new-token-123', allowInsecureStorage: true });
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(r.value.ngrok.authtoken, { stored: true });
    } finally {
      await app.quit();
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a stored secret of the wrong type is asked for again; the app starts', async () => {
  const cwd = tmp();
  try {
    await seed(cwd, [pub('open')]);
    const raw = JSON.parse(readFileSync(join(cwd, 'secrets.json'), 'utf8'));
    raw.secrets['ngrok-authtoken'] = 42;
    writeFileSync(join(cwd, 'secrets.json'), JSON.stringify(raw));
    const { app, rec } = await launch(cwd);
    try {
      assert.deepEqual(rec.shown, [{ kind: 'reenter', secret: 'authtoken' }]);
      assert.deepEqual(app.snapshot().settings.ngrok.authtoken, { stored: false, mustReenter: true });
      assert.deepEqual(app.snapshot().tunnels.map((t) => t.name), ['open']);
    } finally {
      await app.quit();
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a secrets.json of the wrong shape is set aside with a notice, never read as empty and saved over', async () => {
  for (const bad of ['[1,2,3]', '{"secrets":["x"]}', '"text"']) {
    const cwd = tmp();
    try {
      await seed(cwd, [pub('open')]);
      writeFileSync(join(cwd, 'secrets.json'), bad);
      const { app, rec } = await launch(cwd);
      try {
        const aside = readdirSync(cwd).filter((f) => f.startsWith('secrets.json.corrupt-'));
        assert.equal(aside.length, 1, bad);
        assert.equal(readFileSync(join(cwd, aside[0]!), 'utf8'), bad);
        assert.equal(rec.notices[0]?.title, 'Porthole’s stored secrets could not be read', bad);
        assert.deepEqual(app.snapshot().settings.problems.map((p) => p.kind), ['secrets']);
        assert.deepEqual(app.snapshot().tunnels.map((t) => t.name), ['open']);
      } finally {
        await app.quit();
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }
});

describe('concurrent operations', { timeout: 60_000 }, () => {
  let ing: Ingress;
  before(async () => {
    ing = await startIngress();
  });
  after(async () => {
    await ing?.close();
  });

  test('saves, removes and starts fired at once: engine, file on disk and window agree', async () => {
    const cwd = tmp();
    try {
      const seeded = ['a', 'b', 'c', 'd', 'e', 'f'].map(pub);
      await seed(cwd, seeded, KEY, { serverAddr: ing.serverAddr, caPem: ing.caPem });
      const { app, rec } = await launch(cwd);
      try {
        const h = app.handlers;
        const calls = [
          ...['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((name) => h.saveTunnel(WINDOW, { name, target: '3000', mode: 'public', confirmPublic: true, startWithPorthole: false })),
          ...['a', 'b', 'c'].flatMap((name) => [h.startTunnel(WINDOW, { name }), h.removeTunnel(WINDOW, { name })]),
          h.saveTunnel(WINDOW, { previousName: 'd', name: 'd2', target: '3001', mode: 'public', confirmPublic: true, startWithPorthole: false }),
          h.startTunnel(WINDOW, { name: 'e' }),
          h.removeTunnel(WINDOW, { name: 'e' }),
          h.saveTunnel(WINDOW, { name: 'n1', target: '3002', mode: 'public', confirmPublic: true, startWithPorthole: false }),
        ];
        const results = await Promise.all(calls);
        // Every save of a new name succeeded; the duplicate n1 is refused, not silently merged.
        assert.deepEqual(results.slice(0, 6).map((r) => r.ok), [true, true, true, true, true, true]);
        assert.equal(results.at(-1)!.ok, false);
        await new Promise((r) => setTimeout(r, 300));
        const want = ['d2', 'f', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
        const onDisk = JSON.parse(readFileSync(join(cwd, 'settings.json'), 'utf8')).tunnels.map((t: { name: string }) => t.name).sort();
        assert.deepEqual(onDisk, want, 'the file on disk');
        assert.deepEqual(openSettingsStore({ cwd }).settings.read().tunnels.map((t) => t.name).sort(), want, 'after a restart');
        assert.deepEqual(rec.state?.tunnels.map((t) => t.name).sort(), want, 'the window');
        // The engine: what runs at the ingress is exactly what the window shows running (no tunnel removed
        // in the middle of its start keeps running behind the settings' back).
        const unbound = new Set(ing.unbinds.map((u) => u.id));
        const live = ing.binds.filter((b) => !b.error && !unbound.has(b.id)).length;
        const running = app.snapshot().tunnels.filter((t) => t.view.state === 'online' || t.view.state === 'starting').length;
        assert.equal(live, running, 'endpoints live at the ingress vs tunnels the window shows running');
        assert.equal(running, 0, 'every started tunnel was removed');
      } finally {
        await app.quit();
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

test('IPC fields have maximum lengths; each error names the field and the limit, and nothing is stored', async () => {
  const cwd = tmp();
  try {
    await seed(cwd, [pub('open')]);
    const { app } = await launch(cwd);
    try {
      const h = app.handlers;
      const big = (n: number): string => 'x'.repeat(n + 1);
      const fa = { issuer: 'https://auth.example.com', clientId: 'c', allowEmails: [], allowDomains: [], scopes: [] };
      const cases: [Promise<{ ok: boolean; error?: { field?: string; message: string } }>, string, number][] = [
        [h.saveCredentials(WINDOW, { ngrokAuthtoken: big(10_000_000) }), 'ngrokAuthtoken', LIMITS.secret],
        [h.saveTunnel(WINDOW, { name: 'x', target: '1', mode: 'oidc', fusionauth: { ...fa, clientSecret: big(10_000_000) } }), 'fusionauth.clientSecret', LIMITS.secret],
        [h.saveTunnel(WINDOW, { name: 'x', target: '1', mode: 'oidc', fusionauth: { ...fa, issuer: `https://${big(LIMITS.url)}` } }), 'fusionauth.issuer', LIMITS.url],
        [h.saveTunnel(WINDOW, { name: 'x', target: '1', mode: 'oidc', fusionauth: { ...fa, allowEmails: Array(LIMITS.listEntries + 1).fill('a@example.com') } }), 'fusionauth.allowEmails', LIMITS.listEntries],
        [h.saveTunnel(WINDOW, { name: 'x', target: '1', mode: 'oidc', fusionauth: { ...fa, allowDomains: [big(30_000_000)] } }), 'fusionauth.allowDomains[0]', LIMITS.text],
        [h.saveTunnel(WINDOW, { name: big(LIMITS.text), target: '1', mode: 'public' }), 'name', LIMITS.text],
        [h.saveTunnel(WINDOW, { name: 'x', target: big(LIMITS.text), mode: 'public' }), 'target', LIMITS.text],
        [h.saveTunnel(WINDOW, { name: 'x', target: '1', mode: 'public', domain: big(LIMITS.text) }), 'domain', LIMITS.text],
        [h.runPreflight(WINDOW, { fusionauth: { ...fa, issuer: big(10_000_000), clientSecret: 's' } }), 'fusionauth.issuer', LIMITS.url],
        [h.saveSettings(WINDOW, { serverAddr: big(LIMITS.text) }), 'serverAddr', LIMITS.text],
        [h.saveSettings(WINDOW, { caPem: big(LIMITS.pem) }), 'caPem', LIMITS.pem],
        [h.copyText(WINDOW, { text: big(LIMITS.clipboard) }), 'text', LIMITS.clipboard],
        [h.openExternal(WINDOW, { url: `https://${big(LIMITS.url)}` }), 'url', LIMITS.url],
      ];
      for (const [call, field, limit] of cases) {
        const r = await call;
        assert.equal(r.ok, false, field);
        assert.equal(r.error!.field, field);
        assert.ok(r.error!.message.includes(String(limit)) && r.error!.message.length < 200, `${field}: ${r.error!.message.slice(0, 200)}`);
      }
      assert.ok(statSync(join(cwd, 'settings.json')).size < 2000);
      assert.ok(statSync(join(cwd, 'secrets.json')).size < 2000);
    } finally {
      await app.quit();
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('start-up is linear in the saved tunnels, and the cap on saved tunnels is enforced with a clear error', { timeout: 120_000 }, async () => {
  async function startupMs(n: number): Promise<{ ms: number; cwd: string; app: PortholeApp }> {
    const cwd = tmp();
    const tunnels = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? oidc(`t${i}`) : pub(`t${i}`)));
    // Written in one go (seed() saves secret by secret, each a whole-file write).
    const enc = createAesGcmEncryptor(KEY);
    const secrets: Record<string, unknown> = { [SECRET_KEYS.ngrokAuthtoken]: { v: 1, c: (await enc.encrypt('hardening-token')).toString('base64') } };
    for (const t of tunnels) if (t.fusionauth) secrets[SECRET_KEYS.clientSecret(t.name)] = { v: 1, c: (await enc.encrypt(`secret-of-${t.name}`)).toString('base64') };
    writeFileSync(join(cwd, 'settings.json'), JSON.stringify({ tunnels, startAtLogin: false, ngrok: {}, __internal__: { migrations: { version: '0.1.0' } } }));
    writeFileSync(join(cwd, 'secrets.json'), JSON.stringify({ secrets }));
    const t0 = performance.now();
    const { app } = await launch(cwd);
    return { ms: performance.now() - t0, cwd, app };
  }
  const run = async (n: number): Promise<number> => {
    const r = await startupMs(n);
    await r.app.quit();
    rmSync(r.cwd, { recursive: true, force: true });
    return r.ms;
  };
  await run(200); // warm up the modules
  const small = Math.min(await run(1000), await run(1000));
  const large = Math.min(await run(4000), await run(4000));
  // Linear is 4x; the old quadratic start-up was ~16x. Allow noise on a shared machine, and a hard bound.
  console.log(`start-up: 1,000 tunnels ${small.toFixed(0)} ms, 4,000 ${large.toFixed(0)} ms`);
  assert.ok(large / small < 7, `1,000 tunnels: ${small.toFixed(0)} ms, 4,000: ${large.toFixed(0)} ms (ratio ${(large / small).toFixed(1)})`);
  assert.ok(large < 8000, `4,000 tunnels took ${large.toFixed(0)} ms`);

  const full = await startupMs(LIMITS.tunnels);
  try {
    const r = await full.app.handlers.saveTunnel(WINDOW, { name: 'one-more', target: '3000', mode: 'public', confirmPublic: true, startWithPorthole: false });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.field, 'name');
      assert.match(r.error.message, new RegExp(`at most ${LIMITS.tunnels} tunnels`));
      assert.ok(r.error.fix);
    }
  } finally {
    await full.app.quit();
    rmSync(full.cwd, { recursive: true, force: true });
  }
});
