// test: the engine on the REAL @ngrok/ngrok against the loopback ingress — lifecycle, each mode's
// Bind, one session for many tunnels, refusals, preflight and protection with the real providers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFusionAuth } from '../support/fusionauth.js';
import { identityHeadersOnlyPolicy, trafficPolicyFor } from '../../main/tunnel/policy.js';
import { createPreflight } from '../../main/oidc/preflight.js';
import { verifyProtection } from '../../main/oidc/verify.js';
import type { FusionAuthSettings } from '../../common/types.js';
import { engineRig, get, record, sleep, spec, startApp, until } from './helpers.js';

const rig = engineRig({ token: () => 'test-token', stopEach: false });
const { engine } = rig;
const fa: FusionAuthSettings = { issuer: 'https://auth.example.test', clientId: 'cid-1', clientSecret: 'csecret-1', allowEmails: ['alice@example.test'], allowDomains: ['corp.test'], scopes: ['profile'] };

test('start → online at the ingress URL; traffic flows; stop → Unbind and the URL is dead', async () => {
  const eng = engine();
  const seen = record(eng);
  assert.ok(eng.add(spec({ name: 'web', target: String(rig.app.port), mode: 'public' })).ok);
  const v = await eng.start('web');
  assert.equal(v?.state, 'online');
  const bind = rig.ing.binds.at(-1)!;
  assert.equal(v?.url, bind.url);
  assert.match(v!.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
  const r = await get(`${v!.url}/hi?x=1`);
  assert.deepEqual(r, { status: 200, body: 'hello web /hi?x=1' });
  assert.ok(rig.app.seen.includes('GET /hi?x=1'));

  const again = await eng.start('web'); // a no-op
  assert.equal(again?.state, 'online');
  assert.equal(rig.ing.binds.filter((b) => b.id === bind.id).length, 1);

  await eng.stop('web');
  assert.equal(eng.get('web')?.state, 'stopped');
  await rig.ing.waitFor(() => rig.ing.unbinds.some((u) => u.id === bind.id));
  await assert.rejects(get(v!.url!), /ECONNREFUSED/);
  assert.deepEqual(seen.get('web')!.map((x) => x.state), ['stopped', 'starting', 'online', 'stopped']);
});

test("each mode's Bind carries the right policy or options", async () => {
  const eng = engine();
  const target = String(rig.app.port);
  for (const [name, mode] of [['m-oidc', 'oidc'], ['m-legacy', 'oidc-legacy'], ['m-internal', 'internal'], ['m-public', 'public']] as const) {
    assert.ok(eng.add(spec({ name, target, mode, fusionauth: fa })).ok);
  }
  const views = await Promise.all(['m-oidc', 'm-legacy', 'm-internal', 'm-public'].map((n) => eng.start(n)));
  assert.deepEqual(views.map((v) => v?.state), ['online', 'online', 'online', 'online']);
  const bindOf = (name: string) => rig.ing.binds.find((b) => b.url === eng.get(name)!.url && !b.error)!;

  const oidc = bindOf('m-oidc');
  // After the sign-in the policy adds a random per-run proof, which the recording proxy requires.
  const proof = oidc.trafficPolicy.on_http_request[0]!.actions.find((x: { type: string }) => x.type === 'add-headers')!.config.headers['X-Porthole-Proof'];
  assert.match(proof, /^[A-Za-z0-9_-]{32}$/);
  assert.deepEqual(oidc.trafficPolicy, trafficPolicyFor(fa, { identity: true, proof }));
  assert.deepEqual(oidc.trafficPolicy.on_http_request[0]!.actions.find((x) => x.type === 'openid-connect')!.config, { issuer_url: 'https://auth.example.test', client_id: 'cid-1', client_secret: 'csecret-1', scopes: ['openid', 'email', 'profile'] });
  assert.equal(oidc.oidc, null);

  const legacy = bindOf('m-legacy');
  assert.deepEqual(legacy.oidc, { issuer_url: 'https://auth.example.test', client_id: 'cid-1', client_secret: 'csecret-1', allow_emails: ['alice@example.test'], allow_domains: ['corp.test'], scopes: ['openid', 'email', 'profile'] });
  // The SDK sends a traffic policy alongside the oidc_* options: only the forged identity headers' removal.
  assert.deepEqual(legacy.trafficPolicy, identityHeadersOnlyPolicy());

  const internal = bindOf('m-internal');
  assert.deepEqual(internal.bindings, ['internal']);
  assert.equal(internal.domain, 'm-internal.internal');
  assert.equal(eng.get('m-internal')!.url, 'https://m-internal.internal');
  assert.equal(internal.trafficPolicy, null);

  const pub = bindOf('m-public');
  assert.deepEqual(pub.trafficPolicy, identityHeadersOnlyPolicy());
  assert.equal(pub.oidc, null);
  assert.deepEqual(pub.bindings, []);
  assert.deepEqual(JSON.parse(pub.metadata), { porthole: 'm-public' });
  await eng.stopAll();
});

test('ten tunnels → one Auth, ten Binds, all answering; stopAll unbinds every one', async () => {
  const eng = engine();
  const auths = rig.ing.auths.length;
  const binds = rig.ing.binds.length;
  const names = Array.from({ length: 10 }, (_, i) => `t${i}`);
  for (const n of names) assert.ok(eng.add(spec({ name: n, target: String(rig.app.port), mode: 'public' })).ok);
  const views = await Promise.all(names.map((n) => eng.start(n)));
  assert.ok(views.every((v) => v?.state === 'online'), JSON.stringify(views));
  assert.equal(rig.ing.auths.length - auths, 1, 'one agent session for all tunnels');
  assert.equal(rig.ing.binds.length - binds, 10);
  assert.equal(new Set(views.map((v) => v!.url)).size, 10);
  for (const v of views) assert.equal((await get(`${v!.url}/${v!.name}`)).body, `hello web /${v!.name}`);
  const ids = rig.ing.binds.slice(binds).map((b) => b.id);
  await eng.stopAll();
  await rig.ing.waitFor(() => ids.every((id) => rig.ing.unbinds.some((u) => u.id === id)));
  for (const v of views) await assert.rejects(get(v!.url!), /ECONNREFUSED/);
  assert.ok(eng.list().every((v) => v.state === 'stopped'));
});

test('Auth refused with ERR_NGROK_105 → error with the mapped message, and no retry storm', async () => {
  // A short takeover delay: the wait below outlasts it without waiting out the default 3 s.
  const eng = engine({ recovery: { takeoverAfterMs: 500 } });
  const auths = rig.ing.auths.length;
  rig.ing.failAuth('ERR_NGROK_105', 'The authtoken you specified does not look like a proper ngrok authtoken. Your authtoken: test-token');
  try {
    for (const n of ['a1', 'a2', 'a3']) eng.add(spec({ name: n, target: String(rig.app.port), mode: 'public' }));
    const views = await Promise.all(['a1', 'a2', 'a3'].map((n) => eng.start(n)));
    for (const v of views) {
      assert.equal(v?.state, 'error');
      assert.equal(v?.error?.code, 'NGROK_AUTHTOKEN');
      assert.equal(v?.error?.ngrokCode, 'ERR_NGROK_105');
      assert.equal(v?.error?.message, 'ngrok rejected the authtoken.');
      assert.match(v?.error?.fix ?? '', /dashboard\.ngrok\.com/);
      assert.ok(!JSON.stringify(v).includes('test-token'), 'the token never shows');
    }
    await sleep(1000); // past the engine's takeover delay: nothing may redial
    assert.equal(rig.ing.auths.length - auths, 1, 'one Auth for three tunnels, and no retries');
  } finally {
    rig.ing.failAuth(null);
  }
  // Fixed: the next explicit start works.
  assert.equal((await eng.start('a1'))?.state, 'online');
  await eng.stopAll();
});

test('one Bind refused → only that tunnel errors, the others stay online', async () => {
  const eng = engine();
  for (const n of ['b1', 'b2', 'b3']) eng.add(spec({ name: n, target: String(rig.app.port), mode: 'public' }));
  await eng.start('b1');
  rig.ing.failBind((b) => JSON.parse(b.metadata || '{}').porthole === 'b2', 'ERR_NGROK_334', 'The endpoint is already online.');
  try {
    const [v2, v3] = await Promise.all([eng.start('b2'), eng.start('b3')]);
    assert.equal(v2?.state, 'error');
    assert.equal(v2?.error?.code, 'NGROK_ENDPOINT_ONLINE');
    assert.equal(v2?.error?.ngrokCode, 'ERR_NGROK_334');
    assert.equal(v3?.state, 'online');
    assert.equal(eng.get('b1')?.state, 'online');
    assert.equal((await get(eng.get('b1')!.url!)).status, 200);
    assert.equal((await get(eng.get('b3')!.url!)).status, 200);
  } finally {
    rig.ing.failBind(null);
  }
  await eng.stopAll();
});

test('the engine refuses a name already in use or unknown, and starts nothing for it', async () => {
  // Input is parsed at the boundary (IPC, CLI, settings: see test/tunnel/validate.test.ts); the engine
  // takes typed specs and checks only what it alone knows: which names it holds.
  const eng = engine();
  const auths = rig.ing.auths.length;
  assert.equal(eng.get('bad'), undefined);
  assert.equal(await eng.start('bad'), undefined);
  assert.ok(eng.add(spec({ name: 'dup', target: '80', mode: 'public' })).ok);
  const dup = eng.add(spec({ name: 'dup', target: '81', mode: 'public' }));
  assert.ok(!dup.ok && dup.errors[0]!.field === 'name');
  const unknown = await eng.update(spec({ name: 'nobody', target: '81', mode: 'public' }));
  assert.ok(!unknown.ok && unknown.errors[0]!.field === 'name');
  assert.equal(rig.ing.auths.length, auths);
});

test('stop while starting cancels cleanly: no listener left behind', async () => {
  const eng = engine();
  const binds = rig.ing.binds.length;
  eng.add(spec({ name: 'quick', target: String(rig.app.port), mode: 'public' }));
  const started = eng.start('quick');
  const stopped = await eng.stop('quick');
  assert.equal(stopped?.state, 'stopped');
  await started;
  assert.equal(eng.get('quick')?.state, 'stopped');
  // Whatever was bound in the meantime was unbound again.
  const ids = rig.ing.binds.slice(binds).map((b) => b.id);
  await rig.ing.waitFor(() => ids.every((id) => rig.ing.unbinds.some((u) => u.id === id)));
  // Starting again after a cancelled start works.
  assert.equal((await eng.start('quick'))?.state, 'online');
  await eng.stopAll();
});

test('update applies new settings to a running tunnel; remove stops and forgets it', async () => {
  const eng = engine();
  const other = await startApp('other');
  try {
    eng.add(spec({ name: 'upd', target: String(rig.app.port), mode: 'public' }));
    await eng.start('upd');
    const r = await eng.update(spec({ name: 'upd', target: String(other.port), mode: 'public' }));
    assert.ok(r.ok);
    const v = await until(eng, 'upd', (x) => x.state === 'online' && x.target === String(other.port));
    assert.equal((await get(v.url!)).body, 'hello other /');
    const url = v.url!;
    assert.equal(await eng.remove('upd'), true);
    assert.equal(eng.get('upd'), undefined);
    await assert.rejects(get(url), /ECONNREFUSED/);
  } finally {
    await eng.stopAll();
    await other.close();
  }
});

test('oidc: a failing FusionAuth check stops the start with that check\'s message (real provider, real preflight)', async () => {
  const provider = await startFusionAuth({ variant: 'wrong-secret' });
  const eng = engine({ preflight: createPreflight({ timeoutMs: 3000 }) });
  const binds = rig.ing.binds.length;
  try {
    eng.add(spec({ name: 'pf', target: String(rig.app.port), fusionauth: { ...fa, issuer: provider.configuredIssuer, clientId: provider.clientId, clientSecret: provider.clientSecret, allowDomains: [] } }));
    const v = await eng.start('pf');
    assert.equal(v?.state, 'error');
    assert.equal(v?.error?.code, 'PREFLIGHT_FAILED');
    assert.match(v?.error?.message ?? '', /secret|client/i);
    assert.ok(!JSON.stringify(v).includes(provider.clientSecret));
    assert.equal(rig.ing.binds.length, binds, 'nothing was bound');
  } finally {
    await provider.close();
  }
});

test('oidc at the test edge: preflight passes, the tunnel is online and verified protected; public is open', async () => {
  const provider = await startFusionAuth({ variant: 'good', redirectUris: [rig.ing.idpCallbackUrl] });
  const eng = engine({ preflight: createPreflight({ timeoutMs: 3000 }), verify: verifyProtection });
  try {
    eng.add(spec({ name: 'sso', target: String(rig.app.port), fusionauth: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, allowEmails: ['alice@example.test'], allowDomains: [], scopes: [] } }));
    eng.add(spec({ name: 'open', target: String(rig.app.port), mode: 'public' }));
    await Promise.all([eng.start('sso'), eng.start('open')]);
    const sso = await until(eng, 'sso', (v) => v.protection !== undefined, 8000);
    assert.equal(sso.state, 'online');
    assert.equal(sso.protection, 'protected', sso.protectionReason);
    const open = await until(eng, 'open', (v) => v.protection !== undefined, 8000);
    assert.equal(open.protection, 'open');
    assert.equal((await eng.verify('open'))?.protection, 'open', 'on demand too');
  } finally {
    await eng.stopAll();
    await provider.close();
  }
});
