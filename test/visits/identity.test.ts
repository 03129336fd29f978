// test: who the app is told the visitor is, end to end: the real @ngrok/ngrok binds Porthole's
// generated Traffic Policy at the test ingress, whose OIDC edge applies its remove-headers /
// add-headers to a signed-in visitor; the tunnel forwards to the recording proxy, then the app.
// A forged X-Forwarded-Email never reaches the app; the signed-in email does, and is recorded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FusionAuthSettings } from '../../common/types.js';
import { trafficPolicyFor } from '../../main/tunnel/policy.js';
import { VisitLog } from '../../main/visits/log.js';
import { startVisitProxy } from '../../main/visits/proxy.js';
import { standInVisitor } from '../support/ingress/edge.js';
import { startIngress } from '../support/ingress/index.js';
import { cleanup, closeSession, sessionBuilder } from '../ingress/helpers.js';
import { startTestApp } from './app.js';
import { Jar, visit } from '../support/visitor.js';

const FORGED = { 'x-forwarded-email': 'mallory@evil.test', 'X-Forwarded-User': 'mallory' };
/** The per-run value the policy adds after the sign-in; the proxy believes an identity only with it. */
const PROOF = 'proof-of-this-run-Zx81';

async function setUp(t: Parameters<typeof cleanup>[0], policy: object) {
  const defer = cleanup(t);
  const app = await startTestApp();
  defer(() => app.close());
  const log = new VisitLog();
  const started = await startVisitProxy({ tunnel: 'web', target: app.url, log, proof: PROOF });
  assert.ok(started.ok);
  const proxy = started.value;
  defer(() => proxy.close());
  const ing = await startIngress();
  defer(() => ing.close());
  const session = await sessionBuilder(ing).connect();
  defer(() => closeSession(session));
  const listener = await session.httpEndpoint().trafficPolicy(JSON.stringify(policy)).listenAndForward(proxy.url);
  return { app, log, ing, url: listener.url()!, defer };
}

const fa: FusionAuthSettings = { issuer: 'https://auth.example.test', clientId: 'cid', clientSecret: 'csecret', allowEmails: [], allowDomains: ['example.test'], scopes: [] };

test('oidc policy: the signed-in identity reaches the app and the record; a forged one never does', async (t) => {
  const { app, log, url } = await setUp(t, trafficPolicyFor(fa, { proof: PROOF }));

  const alice = standInVisitor({ email: 'alice@example.test', name: 'Alice Example' });
  const res = await fetch(`${url}/whoami`, { headers: { cookie: alice, ...FORGED }, redirect: 'manual' });
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(await res.json(), { email: 'alice@example.test', user: 'Alice Example' });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(log.list('web').map((r) => [r.user, r.path, r.status]), [['alice@example.test', '/whoami', 200]]);

  // Nobody signed in: the edge would send the visitor to the provider (here a made-up issuer, so it
  // says the provider is unreachable); either way the app sees nothing.
  const anon = await fetch(`${url}/whoami`, { headers: FORGED, redirect: 'manual' });
  assert.notEqual(anon.status, 200);
  // Signed in but outside the allow-list: 403 at the edge.
  const bob = await fetch(`${url}/whoami`, { headers: { cookie: standInVisitor({ email: 'bob@other.test' }), ...FORGED }, redirect: 'manual' });
  assert.equal(bob.status, 403);
  assert.equal(app.seen.length, 1);
  assert.ok(!app.identities.some((i) => i.email.includes('mallory') || i.user.includes('mallory')), JSON.stringify(app.identities));
});

test('a visitor without a name claim: the email still arrives, the user header is empty (never forged)', async (t) => {
  const { app, url } = await setUp(t, trafficPolicyFor({ ...fa, allowDomains: [] }, { proof: PROOF }));
  const res = await fetch(`${url}/whoami`, { headers: { cookie: standInVisitor({ email: 'carol@example.test' }), ...FORGED } });
  assert.deepEqual(await res.json(), { email: 'carol@example.test', user: '' });
  assert.equal(app.identities.length, 1);
});

test('without the proof the proxy believes no identity: a policy that passes forged headers on still gets nobody in the log', async (t) => {
  const bare = { on_http_request: [trafficPolicyFor(fa).on_http_request[0]!].map((r) => ({ actions: r.actions.filter((a) => a.type === 'openid-connect') })) };
  const { app, log, url } = await setUp(t, bare);
  const res = await fetch(`${url}/whoami`, { headers: { cookie: standInVisitor({ email: 'alice@example.test' }), ...FORGED } });
  assert.deepEqual(await res.json(), { email: '', user: '' }, 'the forged headers were removed by the proxy');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(log.list('web')[0]!.user, null);
  assert.equal(app.seen.length, 1);
});

test('every spelling of the identity headers is removed, at the edge and again in the proxy; the proof never reaches the app', async (t) => {
  const { app, log, url } = await setUp(t, trafficPolicyFor(fa, { proof: PROOF }));
  const spelled = { X_Forwarded_Email: 'mallory@evil.test', 'x_forwarded-user': 'mallory', 'X-Forwarded_Email': 'm2@evil.test', 'X-PORTHOLE-PROOF': PROOF };
  const alice = standInVisitor({ email: 'alice@example.test', name: 'Alice' });
  const res = await fetch(`${url}/headers`, { headers: { cookie: alice, ...spelled } });
  assert.equal(res.status, 200);
  const seen = app.rawHeaders.at(-1)!;
  const owned = seen.filter((_, i) => i % 2 === 0).filter((n) => /^x[-_]forwarded[-_](email|user)$|^x[-_]porthole[-_]proof$/i.test(n));
  assert.deepEqual(owned.map((n) => n.toLowerCase()).sort(), ['x-forwarded-email', 'x-forwarded-user']);
  assert.ok(!seen.some((v) => /mallory|m2@evil/.test(v)), JSON.stringify(seen));
  assert.ok(!seen.includes(PROOF), 'the proof is removed before the app');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(log.list('web').at(-1)!.user, 'alice@example.test');
});

/** A scripted visitor signs in at the provider and gets the app, sending `extra` headers on every hop. */
async function signInAndGet(url: string, login: { email: string; password: string }, extra: Record<string, string>): Promise<{ status: number; text: string }> {
  return visit(new Jar(), url, login, { headers: extra });
}

test('a real sign-in at the test FusionAuth: the app gets the signed-in email, not the forged one', async (t) => {
  const { startFusionAuth } = await import('../support/fusionauth.js');
  const defer = cleanup(t);
  const app = await startTestApp();
  defer(() => app.close());
  const log = new VisitLog();
  const started = await startVisitProxy({ tunnel: 'web', target: app.url, log, proof: PROOF });
  assert.ok(started.ok);
  defer(() => started.value.close());
  const ing = await startIngress();
  defer(() => ing.close());
  const idp = await startFusionAuth({ redirectUris: [ing.idpCallbackUrl] });
  defer(() => idp.close());
  const session = await sessionBuilder(ing).connect();
  defer(() => closeSession(session));
  const [alice] = idp.users;
  const policy = trafficPolicyFor({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, allowEmails: [alice!.email], allowDomains: [], scopes: [] }, { proof: PROOF });
  const listener = await session.httpEndpoint().trafficPolicy(JSON.stringify(policy)).listenAndForward(started.value.url);

  const res = await signInAndGet(`${listener.url()}/whoami`, alice!, FORGED);
  assert.equal(res.status, 200, res.text);
  assert.equal(JSON.parse(res.text).email, alice!.email);
  assert.ok(app.identities.every((i) => i.email === alice!.email), JSON.stringify(app.identities));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(log.list('web').map((r) => r.user), [alice!.email]);
});
