// test: input validation at the boundary — every refusal names its field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldOf, isLoopbackHost, isTarget, parseSessionSpec, parseTunnelSpec, tunnelSpecSchema } from '../../main/tunnel/validate.js';

const fa = { issuer: 'https://auth.example.com', clientId: 'cid', clientSecret: 'sec', allowEmails: [], allowDomains: [], scopes: [] };
const fields = (r: ReturnType<typeof parseTunnelSpec>) => (r.ok ? [] : r.errors.map((e) => e.field));

test('a complete oidc tunnel passes and is normalized', () => {
  const r = parseTunnelSpec({ name: 'web', target: 3000, fusionauth: { ...fa, allowEmails: [' Alice@Example.com ', 'alice@example.com'], allowDomains: ['@Corp.Test'], scopes: ['profile'] } });
  assert.ok(r.ok);
  assert.deepEqual(r.value, {
    name: 'web',
    target: '3000',
    mode: 'oidc',
    fusionauth: { ...fa, allowEmails: ['alice@example.com'], allowDomains: ['corp.test'], scopes: ['profile'] },
  });
});

test('targets: ports 1–65535 and host:port', () => {
  for (const ok of ['1', '3000', '65535', 'localhost:8080', '127.0.0.1:80', '[::1]:3000', 'app.local.test:443']) assert.ok(isTarget(ok), ok);
  for (const bad of ['0', '65536', '-1', '', 'abc', 'localhost', 'host:0', 'host:99999', 'a b:80', ':80']) assert.ok(!isTarget(bad), bad);
  assert.deepEqual(fields(parseTunnelSpec({ name: 'web', target: '70000', mode: 'public' })), ['target']);
  assert.deepEqual(fields(parseTunnelSpec({ name: 'web', mode: 'public' })), ['target']);
});

test('names: lowercase letters, digits, dashes', () => {
  assert.ok(parseTunnelSpec({ name: 'a', target: '80', mode: 'public' }).ok);
  assert.ok(parseTunnelSpec({ name: 'my-app-2', target: '80', mode: 'public' }).ok);
  for (const bad of ['', 'Web', '-web', 'web_1', 'a'.repeat(64), 'wéb']) assert.deepEqual(fields(parseTunnelSpec({ name: bad, target: '80', mode: 'public' })), ['name'], bad);
});

test('issuer: absolute https, http only for loopback', () => {
  const issuer = (i: string) => parseTunnelSpec({ name: 'web', target: '80', fusionauth: { ...fa, issuer: i } });
  for (const ok of ['https://auth.example.com', 'https://auth.example.com/', 'https://x.test/tenant', 'http://localhost:9011', 'http://127.0.0.1:9011', 'http://[::1]:9011']) assert.ok(issuer(ok).ok, ok);
  for (const bad of ['acme.com', 'http://auth.example.com', 'ftp://x.test', '', 'https://u:p@x.test', 'https://x.test/?a=1']) {
    const r = issuer(bad);
    assert.ok(!r.ok, bad);
    assert.deepEqual(fields(r), ['fusionauth.issuer'], bad);
  }
  const acme = issuer('acme.com');
  assert.ok(!acme.ok && /acme\.com.*default issuer/.test(acme.errors[0]!.message));
  assert.ok(!acme.ok && /Tenants > Your Tenant/.test(acme.errors[0]!.fix ?? ''));
  assert.ok(isLoopbackHost('127.8.9.10') && isLoopbackHost('[::1]') && !isLoopbackHost('128.0.0.1') && !isLoopbackHost('localhost.example.com'));
});

test('oidc modes need client id and secret; public and internal do not', () => {
  assert.deepEqual(fields(parseTunnelSpec({ name: 'web', target: '80' })), ['fusionauth']);
  assert.deepEqual(fields(parseTunnelSpec({ name: 'web', target: '80', mode: 'oidc-legacy', fusionauth: { ...fa, clientId: ' ', clientSecret: '' } })), ['fusionauth.clientId', 'fusionauth.clientSecret']);
  assert.ok(parseTunnelSpec({ name: 'web', target: '80', mode: 'public' }).ok);
  // a half-filled draft is kept on a public tunnel, unchecked
  const r = parseTunnelSpec({ name: 'web', target: '80', mode: 'internal', fusionauth: { issuer: 'acme.com' } });
  assert.ok(r.ok);
  assert.equal(r.value.fusionauth?.issuer, 'acme.com');
  assert.deepEqual(fields(parseTunnelSpec({ name: 'web', target: '80', mode: 'shared' })), ['mode']);
});

test('emails, domains and scopes are checked one by one, with the index', () => {
  const r = parseTunnelSpec({ name: 'web', target: '80', fusionauth: { ...fa, allowEmails: ['ok@x.test', 'nope', 'a@b'], allowDomains: ['corp.test', 'bad domain'], scopes: ['email', 'two words'] } });
  assert.deepEqual(fields(r), ['fusionauth.allowEmails[1]', 'fusionauth.allowEmails[2]', 'fusionauth.allowDomains[1]', 'fusionauth.scopes[1]']);
  assert.ok(!r.ok && r.errors.every((e) => e.code === 'INVALID_INPUT' && e.message.startsWith(e.field!) && e.fix));
});

test('every field error is reported at once, and nothing else passes', () => {
  const r = parseTunnelSpec({ name: 'Bad', target: 0, domain: 'not a host', fusionauth: { issuer: 'acme.com', clientId: '', clientSecret: '', allowEmails: ['x'] } });
  assert.deepEqual(fields(r), ['name', 'target', 'domain', 'fusionauth.issuer', 'fusionauth.clientId', 'fusionauth.clientSecret', 'fusionauth.allowEmails[0]']);
  assert.deepEqual(fields(parseTunnelSpec(null)), ['input']);
  assert.deepEqual(fields(parseTunnelSpec('web')), ['input']);
});

test('reserved domain: a hostname, pasted URL tolerated', () => {
  const r = parseTunnelSpec({ name: 'web', target: '80', mode: 'public', domain: 'https://Demo.ngrok.app/' });
  assert.ok(r.ok);
  assert.equal(r.value.domain, 'demo.ngrok.app');
  assert.ok(parseTunnelSpec({ name: 'web', target: '80', mode: 'public', domain: '' }).ok);
});

test('session spec: authtoken, server address, CA', () => {
  assert.deepEqual(parseSessionSpec({ authtoken: 'tok', serverAddr: '127.0.0.1:4443', caPem: '-----BEGIN CERTIFICATE-----\nx\n' }), {
    ok: true,
    value: { authtoken: 'tok', serverAddr: '127.0.0.1:4443', caPem: '-----BEGIN CERTIFICATE-----\nx\n' },
  });
  const bad = parseSessionSpec({ authtoken: '', serverAddr: '4443', caPem: 'nope' });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors.map((e) => e.field), ['authtoken', 'serverAddr', 'caPem']);
  const secret = parseSessionSpec({ authtoken: 'has space secret-value' });
  assert.ok(!secret.ok && !JSON.stringify(secret.errors).includes('secret-value'), 'the token never appears in an error');
});

test('tunnelSpecSchema behaves like parseTunnelSpec inside other zod schemas', () => {
  const ok = tunnelSpecSchema.safeParse({ name: 'web', target: '80', mode: 'public' });
  assert.ok(ok.success);
  assert.equal(ok.data.target, '80');
  const bad = tunnelSpecSchema.safeParse({ name: 'web', target: '80', fusionauth: { ...fa, allowEmails: ['x'] } });
  assert.ok(!bad.success);
  assert.deepEqual(bad.error.issues.map((i) => i.path), [['fusionauth', 'allowEmails', 0]]);
  assert.equal(fieldOf(['fusionauth', 'allowEmails', 1]), 'fusionauth.allowEmails[1]');
});

test('pool needs a URL of its own: a reserved domain or the internal mode', () => {
  const t = { name: 'web', target: '3000', mode: 'public' };
  const r = parseTunnelSpec({ ...t, pool: true });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.errors[0]!.field, 'pool');
    assert.match(r.errors[0]!.message, /needs a reserved domain/);
    assert.match(r.errors[0]!.fix!, /reserved domain/);
  }
  const d = parseTunnelSpec({ ...t, domain: 'demo.ngrok.app', pool: true });
  assert.deepEqual(d.ok && d.value, { ...t, domain: 'demo.ngrok.app', pool: true });
  const i = parseTunnelSpec({ ...t, mode: 'internal', pool: true });
  assert.equal(i.ok && i.value.pool, true);
  const off = parseTunnelSpec({ ...t, pool: false });
  assert.equal(off.ok && 'pool' in off.value, false, 'not pooled: no field');
  assert.equal(parseTunnelSpec({ ...t, domain: 'demo.ngrok.app', pool: 'yes' }).ok, false);
});
