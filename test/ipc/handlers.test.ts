// test: the IPC handlers on the real store, secrets, engine and preflight — the sender is checked,
// malformed payloads get error results naming the field (never a throw), and no result carries a secret.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import { createHandlers } from '../../main/ipc/handlers.js';
import { createOperations } from '../../main/core/operations.js';
import type { CoreDeps } from '../../main/ports.js';
import { createPreflight } from '../../main/oidc/preflight.js';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore, SECRET_KEYS, type SecretStore } from '../../main/settings/secrets.js';
import { INVOKE_KEYS, type Handlers, type IpcResult } from '../../common/contract.js';
import { VAULT_SECRET_REF } from '../../main/tunnel/policy.js';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';

const WINDOW = 'file:///opt/Porthole/resources/app.asar/dist/renderer/index.html';
const AUTHTOKEN = 'ipc-test-authtoken-51c0ffee';

interface Rig {
  h: Handlers;
  secrets: SecretStore;
  engine: Engine;
  cwd: string;
  clipboard: string[];
  opened: string[];
  results: string[];
  close(): Promise<void>;
}

function rig(backend = 'keychain'): Rig {
  const cwd = mkdtempSync(join(tmpdir(), 'porthole-ipc-'));
  const { settings, secretsBackend } = openSettingsStore({ cwd });
  const secrets = createSecretStore(secretsBackend, createAesGcmEncryptor(undefined, backend));
  const engine = createEngine({ session: { authtoken: '' } });
  const clipboard: string[] = [];
  const opened: string[] = [];
  let login = false;
  const deps: CoreDeps = {
    store: settings,
    secrets,
    engine,
    preflight: createPreflight({ timeoutMs: 2000 }),
    clipboard: { writeText: (t) => void clipboard.push(t) },
    openExternal: async (u) => void opened.push(u),
    loginItem: { get: () => login, set: (v) => void (login = v) },
    listPorts: async () => [],
    probePort: async () => false,
    importAuthtoken: async () => ({ ok: true, authtoken: `${AUTHTOKEN}-imported`, source: 'NGROK_AUTHTOKEN' }),
    qrDataUrl: async (t) => `data:image/png;base64,${Buffer.from(t).toString('base64')}`,
  };
  const results: string[] = [];
  const raw = createHandlers(createOperations(deps), { trustedSender: WINDOW });
  // Record every answer, to look for secrets in all of them at the end.
  const h = Object.fromEntries(
    INVOKE_KEYS.map((k) => [
      k,
      async (sender: string, payload: unknown) => {
        const r = await (raw[k] as (s: string, p: unknown) => Promise<IpcResult<unknown>>)(sender, payload);
        results.push(JSON.stringify(r));
        return r;
      },
    ]),
  ) as unknown as Handlers;
  return {
    h,
    secrets,
    engine,
    cwd,
    clipboard,
    opened,
    results,
    async close() {
      await engine.stopAll();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

const fieldsOf = (r: IpcResult<unknown>): string[] => (r.ok ? [] : (r.errors ?? [r.error]).map((e) => e.field ?? ''));

describe('IPC handlers', { timeout: 60_000 }, () => {
  let fa: FusionAuth;
  before(async () => {
    fa = await startFusionAuth();
  });
  after(async () => {
    await fa?.close();
  });

  const tunnel = () => ({
    name: 'web',
    target: '3000',
    mode: 'oidc',
    startWithPorthole: false,
    fusionauth: { issuer: fa.issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowEmails: ['alice@example.test'], allowDomains: [], scopes: [] },
  });

  test('a sender other than the settings window is refused on every channel, and nothing happens', async () => {
    const r = rig();
    try {
      for (const sender of ['', 'https://evil.example/index.html', 'file:///tmp/other/index.html', 'file:///opt/Porthole/resources/app.asar/dist/renderer/other.html', 'not a url']) {
        for (const key of INVOKE_KEYS) {
          const res = await (r.h[key] as (s: string, p: unknown) => Promise<IpcResult<unknown>>)(sender, key === 'saveTunnel' ? tunnel() : { name: 'web', url: 'https://x.example', text: 'x', port: 1 });
          assert.equal(res.ok, false, `${key} from ${sender}`);
          if (!res.ok) assert.equal(res.error.code, 'FORBIDDEN_SENDER', key);
        }
      }
      assert.equal(r.clipboard.length, 0);
      assert.equal(r.opened.length, 0);
      const state = await r.h.getState(WINDOW, undefined);
      assert.ok(state.ok && state.value.tunnels.length === 0, 'nothing was saved');
      // The window's own URL with a query or hash is the same document.
      assert.equal((await r.h.getState(`${WINDOW}#new-tunnel`, undefined)).ok, true);
    } finally {
      await r.close();
    }
  });

  test('malformed payloads: error results naming the field, never a throw', async () => {
    const r = rig();
    try {
      const cases: [keyof Handlers, unknown, string[]][] = [
        ['saveTunnel', null, ['payload']],
        ['saveTunnel', 'web', ['payload']],
        ['saveTunnel', { target: '3000', mode: 'oidc' }, ['name']],
        ['saveTunnel', { name: 'Bad Name!', target: '0', mode: 'oidc', startWithPorthole: false, fusionauth: { issuer: 'acme.com', clientId: '', allowEmails: ['nope'] } }, ['name', 'target', 'fusionauth.issuer', 'fusionauth.clientId', 'fusionauth.clientSecret', 'fusionauth.allowEmails[0]']],
        ['saveTunnel', { name: 'web', target: '3000', mode: 'magic', startWithPorthole: false }, ['mode']],
        ['saveTunnel', { name: 'web', target: '3000', mode: 'oidc', startWithPorthole: 'yes' }, ['startWithPorthole']],
        ['saveTunnel', { name: 'web', target: '3000', mode: 'oidc', startWithPorthole: false }, ['fusionauth']],
        ['saveTunnel', { name: 'web', target: '3000', mode: 'public', startWithPorthole: false }, ['confirmPublic']],
        ['startTunnel', {}, ['name']],
        ['startTunnel', { name: 5 }, ['name']],
        ['startTunnel', { name: '../etc' }, ['name']],
        ['stopTunnel', undefined, ['payload']],
        ['removeTunnel', { name: 'nope' }, ['name']],
        ['verifyTunnel', { name: 'nope' }, ['name']],
        ['copyTunnelText', { name: 'web', kind: 'secret' }, ['kind']],
        ['probePort', { port: 'x' }, ['port']],
        ['probePort', { port: 70000 }, ['port']],
        ['probePort', { port: 3.5 }, ['port']],
        ['openExternal', { url: 'file:///etc/passwd' }, ['url']],
        ['openExternal', { url: 'javascript:alert(1)' }, ['url']],
        ['openExternal', { url: 42 }, ['url']],
        ['copyText', { text: 'x'.repeat(200_000) }, ['text']],
        ['saveSettings', { serverAddr: 'no port here' }, ['serverAddr']],
        ['saveSettings', { caPem: 'not a certificate' }, ['caPem']],
        ['saveSettings', { startAtLogin: 'sometimes' }, ['startAtLogin']],
        ['saveCredentials', { ngrokAuthtoken: 'has a space' }, ['ngrokAuthtoken']],
        ['saveCredentials', { ngrokAuthtoken: 12345 }, ['ngrokAuthtoken']],
        ['runPreflight', {}, ['fusionauth']],
        ['runPreflight', { fusionauth: { issuer: fa.issuer, clientId: fa.clientId } }, ['fusionauth.clientSecret']],
        ['getState', 'junk', ['payload']],
        ['listListeningPorts', [1, 2], ['payload']],
        ['getSettings', 42, ['payload']],
        ['planFusionAuthSetup', { url: 'https://a.example', tunnel: 'web', apiKey: 'k'.repeat(5000) }, ['apiKey']],
        ['planFusionAuthSetup', { url: 'https://a.example' }, ['tunnel']],
        ['applyFusionAuthSetup', { url: 'https://a.example', tunnel: 'web', register: Array(201).fill('a@b.c') }, ['register']],
        ['applyFusionAuthSetup', { url: 'u'.repeat(3000), tunnel: 'web' }, ['url']],
        ['listVisits', { name: 'Web Site' }, ['name']],
        ['inspectRequest', { name: 'web', id: '../../etc' }, ['id']],
        ['inspectRequest', { name: 'web', id: 'req_abc', reveal: 'yes' }, ['reveal']],
        ['inspectRequest', { id: 'req_abc' }, ['name']],
        ['replayRequest', { name: 'web' }, ['id']],
        ['copyRequestAsCurl', { name: 'web', id: 'x'.repeat(500) }, ['id']],
        ['saveSettings', { agentApi: 'on' }, ['agentApi']],
        ['saveTunnel', { name: 'web', target: '3000', mode: 'public', startWithPorthole: false, confirmPublic: true, hostHeader: 'localhost' }, ['hostHeader']],
        ['inspectRequest', { name: 'web', id: '../etc/passwd' }, ['id']],
        ['replayRequest', { name: 'Web Site', id: 'req_1' }, ['name']],
        ['copyRequestAsCurl', { name: 'web', id: 'req_1', reveal: 'yes' }, ['reveal']],
        ['shareFor', { name: 'web', minutes: 30 }, ['minutes']],
        ['shareFor', { name: 'web' }, ['minutes']],
        ['removeTunnel', { name: 1 }, ['name']],
        ['verifyTunnel', { name: '' }, ['name']],
        ['tunnelExtras', { name: 'Web Site' }, ['name']],
        ['tunnelExtras', null, ['payload']],
        ['copyTunnelText', { kind: 'url' }, ['name']],
        ['copyText', { text: 5 }, ['text']],
        ['copyText', null, ['payload']],
        ['importNgrokAuthtoken', { allowInsecureStorage: 'yes' }, ['allowInsecureStorage']],
        ['importNgrokAuthtoken', 'please', ['payload']],
        ['saveCredentials', { ngrokAuthtoken: 'x'.repeat(5000) }, ['ngrokAuthtoken']],
        ['saveCredentials', { allowInsecureStorage: 1 }, ['allowInsecureStorage']],
        ['saveSettings', { caPem: 'x'.repeat(200_000) }, ['caPem']],
        ['saveSettings', [], ['payload']],
        ['runPreflight', { tunnel: 'BAD NAME' }, ['tunnel']],
        ['runPreflight', { fusionauth: { issuer: 5 } }, ['fusionauth.issuer']],
        ['saveTunnel', { name: 'web', target: '3000', mode: 'oidc', startWithPorthole: false, fusionauth: { issuer: 'https://a.example', clientId: 'c', clientSecret: 's', allowEmails: 'alice@example.com' } }, ['fusionauth.allowEmails']],
        ['saveTunnel', { previousName: '../x', name: 'web', target: '3000', mode: 'public', startWithPorthole: false, confirmPublic: true }, ['previousName']],
      ];
      // Every channel gets malformed payloads here: a new channel without a case fails this test.
      assert.deepEqual([...new Set(cases.map(([k]) => k))].sort(), [...INVOKE_KEYS].sort());
      for (const [key, payload, fields] of cases) {
        const res = await (r.h[key] as (s: string, p: unknown) => Promise<IpcResult<unknown>>)(WINDOW, payload);
        assert.equal(res.ok, false, `${key} ${JSON.stringify(payload)?.slice(0, 80)} was accepted`);
        assert.deepEqual(fieldsOf(res), fields, `${key} ${JSON.stringify(payload)?.slice(0, 80)}: ${JSON.stringify(res)}`);
        if (!res.ok) assert.ok(res.error.message.length > 0);
      }
      assert.deepEqual(r.opened, []);
      assert.deepEqual(r.clipboard, []);
    } finally {
      await r.close();
    }
  });

  test('no result ever carries a secret; secrets show only as { stored }', async () => {
    const r = rig();
    try {
      assert.deepEqual(await r.h.saveCredentials(WINDOW, { ngrokAuthtoken: AUTHTOKEN }), {
        ok: true,
        value: { startAtLogin: false, notifyNewVisitors: true, agentApi: { on: false }, ngrok: { authtoken: { stored: true } }, secretStorage: { backend: 'keychain', available: true, weak: false }, problems: [] },
      });
      const saved = await r.h.saveTunnel(WINDOW, tunnel());
      assert.ok(saved.ok, JSON.stringify(saved));
      assert.deepEqual(saved.value.fusionauth?.clientSecret, { stored: true });
      assert.equal(await r.secrets.get(SECRET_KEYS.clientSecret('web')), fa.clientSecret);
      // The engine got the whole spec, secret included.
      assert.equal(r.engine.get('web')?.state, 'stopped');

      // Read everything the window can read.
      assert.ok((await r.h.getState(WINDOW, undefined)).ok);
      assert.ok((await r.h.getSettings(WINDOW, undefined)).ok);
      const extras = await r.h.tunnelExtras(WINDOW, { name: 'web' });
      assert.ok(extras.ok && /openid-connect/.test(extras.value.policyYaml), JSON.stringify(extras));
      assert.ok(extras.value.policyYaml.includes(`client_secret: ${VAULT_SECRET_REF}`), extras.value.policyYaml);
      assert.match(extras.value.policyYaml, /ngrok api secrets create/, 'the policy says how to create the vault secret');
      const check = await r.h.runPreflight(WINDOW, { tunnel: 'web' });
      assert.ok(check.ok && check.value.ok, JSON.stringify(check));
      assert.equal(check.ok && check.value.redirectUri, 'https://idp.ngrok.com/oauth2/callback');
      // A mistyped secret fails the check, and the answer doesn't echo it.
      const typo = `${fa.clientSecret}-typo`;
      const bad = await r.h.runPreflight(WINDOW, { fusionauth: { ...tunnel().fusionauth, clientSecret: typo } });
      assert.ok(bad.ok && !bad.value.ok);
      assert.ok(!JSON.stringify(bad).includes(typo));
      // An error about a payload that carries a secret doesn't echo it either.
      const refused = await r.h.saveTunnel(WINDOW, { ...tunnel(), previousName: 'web', target: 'nowhere', fusionauth: { ...tunnel().fusionauth, clientSecret: 'fresh-secret-9876' } });
      assert.deepEqual(fieldsOf(refused), ['target']);
      assert.ok(!JSON.stringify(refused).includes('fresh-secret-9876'));
      // Starting without a reachable ngrok fails as a result, naming what's wrong, still without a secret.
      const imported = await r.h.importNgrokAuthtoken(WINDOW, {});
      assert.deepEqual(imported, { ok: true, value: { source: 'NGROK_AUTHTOKEN' } });

      // "Copy traffic policy" copies exactly what the window shows: the vault reference, never the secret.
      const copied = await r.h.copyTunnelText(WINDOW, { name: 'web', kind: 'traffic-policy' });
      assert.deepEqual(copied, { ok: true, value: null });
      assert.equal(r.clipboard.at(-1), extras.value.policyYaml);
      assert.deepEqual(await r.h.copyTunnelText(WINDOW, { name: 'web', kind: 'ngrok-command' }), { ok: true, value: null });
      assert.equal(r.clipboard.at(-1), extras.value.ngrokCommand);
      for (const text of r.clipboard) assert.ok(!text.includes(fa.clientSecret), `the clipboard got the client secret: ${text}`);

      for (const res of r.results) {
        for (const s of [AUTHTOKEN, fa.clientSecret, `${AUTHTOKEN}-imported`]) assert.ok(!res.includes(s), `a result carried a secret: ${res.slice(0, 300)}`);
      }
      // …nor does any file in the settings directory.
      for (const f of readdirSync(r.cwd)) {
        const text = readFileSync(join(r.cwd, f), 'utf8');
        for (const s of [AUTHTOKEN, fa.clientSecret]) assert.ok(!text.includes(s), `${f} holds a secret`);
      }
    } finally {
      await r.close();
    }
  });

  test('write-only client secret: an edit without one keeps it; a rename moves it; remove deletes it', async () => {
    const r = rig();
    try {
      assert.ok((await r.h.saveTunnel(WINDOW, tunnel())).ok);
      const { clientSecret: _drop, ...faNoSecret } = tunnel().fusionauth;
      const edited = await r.h.saveTunnel(WINDOW, { ...tunnel(), previousName: 'web', target: '4000', fusionauth: faNoSecret });
      assert.ok(edited.ok, JSON.stringify(edited));
      assert.equal(await r.secrets.get(SECRET_KEYS.clientSecret('web')), fa.clientSecret);
      const renamed = await r.h.saveTunnel(WINDOW, { ...tunnel(), previousName: 'web', name: 'site', fusionauth: faNoSecret });
      assert.ok(renamed.ok && renamed.value.name === 'site' && renamed.value.fusionauth?.clientSecret.stored);
      assert.equal(await r.secrets.get(SECRET_KEYS.clientSecret('site')), fa.clientSecret);
      assert.equal(await r.secrets.has(SECRET_KEYS.clientSecret('web')), false);
      const list = await r.h.getState(WINDOW, undefined);
      assert.deepEqual(list.ok && list.value.tunnels.map((t) => t.name), ['site']);
      assert.deepEqual(r.engine.list().map((v) => v.name), ['site']);
      // A second tunnel may not take an existing name.
      const clash = await r.h.saveTunnel(WINDOW, { ...tunnel(), name: 'site' });
      assert.deepEqual(fieldsOf(clash), ['name']);
      assert.deepEqual(await r.h.removeTunnel(WINDOW, { name: 'site' }), { ok: true, value: null });
      assert.equal(await r.secrets.has(SECRET_KEYS.clientSecret('site')), false);
      assert.deepEqual(r.engine.list(), []);
    } finally {
      await r.close();
    }
  });

  test('basic_text backend: refused until the user allows it; a public tunnel needs confirmPublic', async () => {
    const r = rig('basic_text');
    try {
      const info = await r.h.getSettings(WINDOW, undefined);
      assert.deepEqual(info.ok && info.value.secretStorage, { backend: 'basic_text', available: true, weak: true });
      const refused = await r.h.saveCredentials(WINDOW, { ngrokAuthtoken: AUTHTOKEN });
      assert.equal(!refused.ok && refused.error.code, 'SECRET_STORAGE_WEAK');
      assert.equal(await r.secrets.has(SECRET_KEYS.ngrokAuthtoken), false);
      const t = await r.h.saveTunnel(WINDOW, tunnel());
      assert.equal(!t.ok && t.error.code, 'SECRET_STORAGE_WEAK');
      const state = await r.h.getState(WINDOW, undefined);
      assert.deepEqual(state.ok && state.value.tunnels, [], 'nothing saved');
      assert.ok((await r.h.saveCredentials(WINDOW, { ngrokAuthtoken: AUTHTOKEN, allowInsecureStorage: true })).ok);
      assert.equal(await r.secrets.get(SECRET_KEYS.ngrokAuthtoken), AUTHTOKEN);

      const pub = { name: 'demo', target: '8080', mode: 'public', startWithPorthole: true };
      assert.equal(((await r.h.saveTunnel(WINDOW, pub)) as { error: { code: string } }).error.code, 'CONFIRM_PUBLIC');
      const ok = await r.h.saveTunnel(WINDOW, { ...pub, confirmPublic: true });
      assert.ok(ok.ok && ok.value.mode === 'public' && ok.value.startWithPorthole);
    } finally {
      await r.close();
    }
  });

  test('settings: start at login goes to the OS; the ingress is validated and kept', async () => {
    const r = rig();
    try {
      const s = await r.h.saveSettings(WINDOW, { startAtLogin: true, serverAddr: 'connect.example.com:443' });
      assert.ok(s.ok && s.value.startAtLogin && s.value.ngrok.serverAddr === 'connect.example.com:443');
      const cleared = await r.h.saveSettings(WINDOW, { serverAddr: null });
      assert.ok(cleared.ok && cleared.value.ngrok.serverAddr === undefined);
      assert.deepEqual(await r.h.openExternal(WINDOW, { url: 'https://example.com/a?b=1' }), { ok: true, value: null });
      assert.deepEqual(r.opened, ['https://example.com/a?b=1']);
      assert.deepEqual(await r.h.probePort(WINDOW, { port: 1 }), { ok: true, value: { port: 1, listening: false } });
    } finally {
      await r.close();
    }
  });
});
