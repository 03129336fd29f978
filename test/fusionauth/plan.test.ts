// The set-up plan, pure: what Porthole would change in FusionAuth, in words, and that a repaired
// setup plans nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NGROK_REDIRECT_URL } from '../../main/tunnel/policy.js';
import { planSetup, type Found, type Wanted } from '../../main/fusionauth/plan.js';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const NEW = '33333333-3333-4333-8333-333333333333';
const wanted = (w: Partial<Wanted> = {}): Wanted => ({
  url: 'https://acme.fusionauth.io', appName: 'Porthole', redirectUrls: [NGROK_REDIRECT_URL], fixIssuer: false,
  requireRegistration: false, registerEmails: [], newApplicationId: NEW, ...w,
});
const found = (f: Partial<Found> = {}): Found => ({ tenants: [{ id: T1, name: 'Default', issuer: 'https://acme.fusionauth.io' }], applications: [], users: [], ...f });

test('a fresh tenant: one change, creating the application, in words', () => {
  const r = planSetup(found(), wanted());
  assert.ok('plan' in r);
  assert.deepEqual(r.plan.changes.map((c) => c.text), [
    'create application *Porthole* with redirect URL https://idp.ngrok.com/oauth2/callback and the Authorization Code + Refresh Token grants',
  ]);
  const c = r.plan.changes[0]!;
  assert.equal(c.kind, 'create-application');
  assert.equal(r.plan.applicationId, NEW);
  assert.deepEqual(r.plan.problems, []);
});

test('issuer acme.com: a problem naming the change without consent, a change with it', () => {
  const f = found({ tenants: [{ id: T1, name: 'Default', issuer: 'acme.com' }] });
  const no = planSetup(f, wanted());
  assert.ok('plan' in no);
  assert.equal(no.plan.problems[0]?.code, 'FUSIONAUTH_ISSUER');
  assert.match(no.plan.problems[0]!.message, /from `acme.com` to `https:\/\/acme.fusionauth.io`/);
  assert.match(no.plan.problems[0]!.fix, /--fix-issuer/);
  const yes = planSetup(f, wanted({ fixIssuer: true }));
  assert.ok('plan' in yes);
  assert.deepEqual(yes.plan.problems, []);
  assert.equal(yes.plan.changes[0]!.text, "change tenant *Default*'s issuer from `acme.com` to `https://acme.fusionauth.io` — every application on this tenant signs tokens with it");
});

test('repair: found by stored id (even renamed), adds only what is missing, keeps the rest', () => {
  const app = {
    id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', name: 'Renamed', tenantId: T1,
    oauthConfiguration: { authorizedRedirectURLs: ['https://other.example/cb'], enabledGrants: ['authorization_code', 'password'] as never, logoutURL: 'https://x.example/' },
  };
  const r = planSetup(found({ applications: [app] }), wanted({ storedApplicationId: app.id }));
  assert.ok('plan' in r);
  assert.equal(r.plan.changes.length, 1);
  const c = r.plan.changes[0]!;
  assert.equal(c.kind, 'update-application');
  assert.equal(c.text, 'in application *Renamed*: add redirect URL https://idp.ngrok.com/oauth2/callback and enable the Refresh Token grant (its other settings stay as they are)');
  if (c.kind !== 'update-application') return;
  assert.deepEqual(c.application.oauthConfiguration?.authorizedRedirectURLs, ['https://other.example/cb', NGROK_REDIRECT_URL]);
  assert.deepEqual(c.application.oauthConfiguration?.enabledGrants, ['authorization_code', 'password', 'refresh_token']);
  assert.equal(c.application.oauthConfiguration?.logoutURL, 'https://x.example/');
});

test('found by name when no id is stored; a complete setup plans nothing', () => {
  const app = { id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', name: 'porthole', tenantId: T1, oauthConfiguration: { authorizedRedirectURLs: [NGROK_REDIRECT_URL], enabledGrants: ['refresh_token', 'authorization_code'] as never } };
  const r = planSetup(found({ applications: [app] }), wanted());
  assert.ok('plan' in r);
  assert.deepEqual(r.plan.changes, []);
  assert.equal(r.plan.applicationId, app.id);
});

test('require registration and register users: only the missing ones; unknown email is a problem', () => {
  const app = { id: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', name: 'Porthole', tenantId: T1, oauthConfiguration: { authorizedRedirectURLs: [NGROK_REDIRECT_URL], enabledGrants: ['authorization_code', 'refresh_token'] as never } };
  const users = [
    { email: 'alice@example.test', user: { id: 'u1', registrations: [] } },
    { email: 'bob@example.test', user: { id: 'u2', registrations: [{ applicationId: app.id }] } },
    { email: 'carol@example.test' },
  ];
  const r = planSetup(found({ applications: [app], users }), wanted({ requireRegistration: true, registerEmails: users.map((u) => u.email) }));
  assert.ok('plan' in r);
  assert.deepEqual(r.plan.changes.map((c) => c.text), [
    'in application *Porthole*: require registration (only users registered to it can sign in) (its other settings stay as they are)',
    'register alice@example.test to *Porthole*',
  ]);
  assert.equal(r.plan.problems[0]?.code, 'FUSIONAUTH_USER_NOT_FOUND');
});

test('several tenants and none chosen: the error lists them; a chosen one is used', () => {
  const f = found({ tenants: [{ id: T1, name: 'Default', issuer: 'x' }, { id: T2, name: 'Staff', issuer: 'https://acme.fusionauth.io' }] });
  const r = planSetup(f, wanted());
  assert.ok('error' in r);
  assert.equal(r.error.code, 'FUSIONAUTH_TENANT_REQUIRED');
  assert.match(r.error.message, new RegExp(`Default \\(${T1}\\), Staff \\(${T2}\\)`));
  const ok = planSetup(f, wanted({ tenantId: T2 }));
  assert.ok('plan' in ok);
  assert.equal(ok.plan.tenant.id, T2);
  assert.deepEqual(ok.plan.problems, []);
});
