// Set-up end to end against the FusionAuth stand-in (real HTTP, the official client's requests checked
// against FusionAuth's OpenAPI document), then the real preflight with the credentials it produced.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runSetup, prepareSetup, type SetupResult } from '../../main/fusionauth/setup.js';
import { createPreflight } from '../../main/oidc/preflight.js';
import { startFusionAuthApi, SUPER_KEY, type StandIn } from '../support/fusionauth-api/index.js';

let api: StandIn | undefined;
afterEach(async () => {
  if (api) {
    const v = api.violations;
    await api.close();
    api = undefined;
    assert.deepEqual(v, [], 'every request and answer matches FusionAuth\'s OpenAPI document');
  }
});
const preflight = createPreflight({ timeoutMs: 3000 });
const done = (r: Awaited<ReturnType<typeof runSetup>>): SetupResult => {
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error));
  assert.ok(!('dryRun' in r.value));
  return r.value as SetupResult;
};

test('create with issuer fix, preflight all green, second run changes nothing; a dry run writes nothing', async () => {
  api = await startFusionAuthApi();
  const dry = await runSetup({ url: api.url, apiKey: SUPER_KEY, fixIssuer: true, dryRun: true });
  assert.ok(dry.ok && 'dryRun' in dry.value);
  assert.equal(dry.value.changes.length, 2);
  assert.equal(api.applications.size, 0);
  assert.equal(api.tenants[0]!.issuer, 'acme.com');
  assert.ok(api.calls.every((c) => c.startsWith('GET ')), api.calls.join());

  const first = done(await runSetup({ url: api.url, apiKey: SUPER_KEY, fixIssuer: true }));
  assert.equal(first.created, true);
  assert.deepEqual(first.changes, [
    `change tenant *Default*'s issuer from \`acme.com\` to \`${api.url}\` — every application on this tenant signs tokens with it`,
    'create application *Porthole* with redirect URL https://idp.ngrok.com/oauth2/callback and the Authorization Code + Refresh Token grants',
  ]);
  assert.equal(first.issuer, api.url);
  assert.equal(first.clientId, first.applicationId);
  assert.ok(first.clientSecret.length >= 32);
  const report = await preflight({ issuer: first.issuer, clientId: first.clientId, clientSecret: first.clientSecret, allowEmails: [], allowDomains: [], scopes: [] });
  assert.deepEqual(report.checks.filter((c) => c.status === 'fail'), []);
  assert.ok(report.ok);

  const again = done(await runSetup({ url: api.url, apiKey: SUPER_KEY, fixIssuer: true, applicationId: first.applicationId }));
  assert.deepEqual(again.changes, []);
  assert.equal(again.created, false);
  assert.equal(again.clientSecret, first.clientSecret);
  assert.equal(api.applications.size, 1);
});

test('the provider checks the secret FusionAuth generated: a wrong one fails client-credentials', async () => {
  api = await startFusionAuthApi({ tenants: [{ name: 'Default', issuer: '' }] });
  api.tenants[0]!.issuer = api.url;
  const r = done(await runSetup({ url: api.url, apiKey: SUPER_KEY }));
  const bad = await preflight({ issuer: r.issuer, clientId: r.clientId, clientSecret: `${r.clientSecret}x`, allowEmails: [], allowDomains: [], scopes: [] });
  assert.equal(bad.checks.find((c) => c.id === 'client-credentials')?.status, 'fail');
});

test('repair: an existing application keeps its other redirect URLs, grants and settings', async () => {
  api = await startFusionAuthApi();
  api.tenants[0]!.issuer = api.url;
  const id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
  api.applications.set(id, {
    id, name: 'Porthole', tenantId: api.tenants[0]!.id, active: true, state: 'Active',
    oauthConfiguration: { clientId: id, clientSecret: 's3cret-s3cret-s3cret-s3cret-s3cret', authorizedRedirectURLs: ['https://mine.example/cb'], enabledGrants: ['authorization_code', 'password'], logoutURL: 'https://mine.example/bye', clientAuthenticationPolicy: 'Required' },
  });
  const r = done(await runSetup({ url: api.url, apiKey: SUPER_KEY, requireRegistration: true, registerEmails: ['alice@example.test'] }));
  assert.equal(r.created, false);
  assert.equal(r.applicationId, id);
  assert.equal(r.changes.length, 2);
  const o = api.applications.get(id)!.oauthConfiguration;
  assert.deepEqual(o.authorizedRedirectURLs, ['https://mine.example/cb', 'https://idp.ngrok.com/oauth2/callback']);
  assert.deepEqual(o.enabledGrants, ['authorization_code', 'password', 'refresh_token']);
  assert.equal(o.logoutURL, 'https://mine.example/bye');
  assert.equal(o.requireRegistration, true);
  assert.equal(r.clientSecret, 's3cret-s3cret-s3cret-s3cret-s3cret');
  assert.equal(api.users.find((u) => u.email === 'alice@example.test')!.registrations[0].applicationId, id);
  const again = done(await runSetup({ url: api.url, apiKey: SUPER_KEY, requireRegistration: true, registerEmails: ['alice@example.test'] }));
  assert.deepEqual(again.changes, []);
});

test('a wrong tenant issuer without consent: refused, with the change it would make; nothing written', async () => {
  api = await startFusionAuthApi();
  const r = await runSetup({ url: api.url, apiKey: SUPER_KEY });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'FUSIONAUTH_ISSUER');
  assert.match(r.error.message, /from `acme.com` to `http:\/\/127\.0\.0\.1:\d+`/);
  assert.equal(api.applications.size, 0);
  assert.equal(api.tenants[0]!.issuer, 'acme.com');
});

test('a wrong API key: 401 in FusionAuth\'s words, and the key is never in the message', async () => {
  api = await startFusionAuthApi();
  const r = await runSetup({ url: api.url, apiKey: 'wrong-key-abcdef', fixIssuer: true });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'FUSIONAUTH_API_KEY');
  assert.match(r.error.fix, /Settings > API Keys/);
  assert.doesNotMatch(JSON.stringify(r.error), /wrong-key-abcdef/);
});

test('a key lacking one endpoint: names the endpoint and method to allow', async () => {
  api = await startFusionAuthApi({ keys: [{ key: 'limited-key', endpoints: { '/api/tenant': ['GET', 'PATCH'], '/api/application': ['GET'] } }] });
  const r = await runSetup({ url: api.url, apiKey: 'limited-key', fixIssuer: true });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'FUSIONAUTH_API_PERMISSION');
  assert.equal(r.error.endpoint, 'POST /api/application');
  assert.match(r.error.fix, /allow POST on the endpoint \/api\/application/);
  assert.match(r.error.message, /Already done: change tenant/);
});

test('several tenants: none chosen lists them; choosing one sets up that tenant only', async () => {
  api = await startFusionAuthApi({ tenants: [{ name: 'Default' }, { name: 'Staff' }] });
  const [a, b] = api.tenants;
  const r = await runSetup({ url: api.url, apiKey: SUPER_KEY, fixIssuer: true });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'FUSIONAUTH_TENANT_REQUIRED');
  assert.match(r.error.message, new RegExp(`Default \\(${a!.id}\\), Staff \\(${b!.id}\\)`));
  const ok = done(await runSetup({ url: api.url, apiKey: SUPER_KEY, fixIssuer: true, tenantId: b!.id }));
  assert.equal(api.applications.get(ok.applicationId)!.tenantId, b!.id);
  assert.equal(b!.issuer, api.url);
  assert.equal(a!.issuer, 'acme.com');
});

test('FusionAuth\'s fieldErrors come back per field', async () => {
  api = await startFusionAuthApi();
  const r = await runSetup({ url: api.url, apiKey: SUPER_KEY, fixIssuer: true, redirectUrls: ['not a url'] });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'FUSIONAUTH_REFUSED');
  assert.deepEqual(r.error.fieldErrors?.map((e) => [e.field, e.code]), [['application.oauthConfiguration.authorizedRedirectURLs', '[invalid]application.oauthConfiguration.authorizedRedirectURLs']]);
  assert.match(r.error.message, /application\.oauthConfiguration\.authorizedRedirectURLs: The Authorized redirect URL \[not a url\]/);
});

test('unreachable, slow and huge answers are bounded and named', async () => {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  const down = await runSetup({ url: `http://127.0.0.1:${port}`, apiKey: SUPER_KEY });
  assert.ok(!down.ok);
  assert.equal(down.error.code, 'FUSIONAUTH_UNREACHABLE');
  assert.match(down.error.message, /connection was refused/);

  api = await startFusionAuthApi({ delayMs: 2000 });
  let t = Date.now();
  const slow = await runSetup({ url: api.url, apiKey: SUPER_KEY, timeoutMs: 300 });
  assert.ok(!slow.ok);
  assert.equal(slow.error.code, 'FUSIONAUTH_TIMEOUT');
  assert.ok(Date.now() - t < 1500, `gave up after ${Date.now() - t} ms`);

  api.options.delayMs = 0;
  api.options.hugeBytes = 64 * 1024 * 1024;
  t = Date.now();
  const huge = await runSetup({ url: api.url, apiKey: SUPER_KEY, maxBytes: 256 * 1024 });
  assert.ok(!huge.ok);
  assert.equal(huge.error.code, 'FUSIONAUTH_RESPONSE_TOO_LARGE');
  assert.ok(Date.now() - t < 3000);
});

/** Starts a sign-in at the provider and submits the login form; the login page's answer. */
async function signIn(base: string, clientId: string, redirectUri: string, email: string): Promise<{ status: number; location?: string; html: string }> {
  const q = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid email', state: 's1' });
  const start = await fetch(`${base}/oauth2/authorize?${q}`, { redirect: 'manual' });
  const location = start.headers.get('location');
  if (start.status !== 303 || !location?.startsWith('/interaction/')) return { status: start.status, html: await start.text() };
  const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const login = await fetch(`${base}${location}/login`, {
    method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ loginId: email, password: 'password' }),
  });
  return { status: login.status, location: login.headers.get('location') ?? undefined, html: await login.text() };
}

test('the OIDC side enforces the application: its redirect URLs, and requireRegistration with registrations', async () => {
  api = await startFusionAuthApi();
  const r = done(await runSetup({ url: api.url, apiKey: SUPER_KEY, fixIssuer: true, requireRegistration: true, registerEmails: ['alice@example.test'] }));
  const wrongRedirect = await signIn(api.url, r.clientId, 'https://evil.example/cb', 'alice@example.test');
  assert.equal(wrongRedirect.status, 400);
  assert.match(wrongRedirect.html, /redirect_uri/);
  const alice = await signIn(api.url, r.clientId, 'https://idp.ngrok.com/oauth2/callback', 'alice@example.test');
  assert.equal(alice.status, 303, alice.html);
  const bob = await signIn(api.url, r.clientId, 'https://idp.ngrok.com/oauth2/callback', 'bob@other.test');
  assert.equal(bob.status, 200);
  assert.match(bob.html, /You are not authorized to make this request/);
});
