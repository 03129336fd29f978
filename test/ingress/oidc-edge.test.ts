// test: OpenID Connect at the loopback ingress's edge: the gate runs before the agent sees a request.
// A scripted visitor (fetch + a cookie jar, no browser) signs in at the real test OpenID provider;
// the browser flow itself is tested in test/oidc/edge-browser.test.ts.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { startIngress } from '../support/ingress/index.js';
import { Jar, visit } from '../support/visitor.js';
import { cleanup, closeSession, get, sessionBuilder, startUpstream } from './helpers.js';



test('traffic-policy OIDC endpoint: anonymous → provider login; allowed user → app (GET and POST); others → 403', async (t) => {
  const { startFusionAuth } = await import('../support/fusionauth.js');
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress();
  defer(() => ing.close());
  const fa = await startFusionAuth({ redirectUris: [ing.idpCallbackUrl] });
  defer(() => fa.close());
  const session = await sessionBuilder(ing).connect();
  defer(() => closeSession(session));

  const [alice, bob] = fa.users;
  const policy = {
    on_http_request: [
      { actions: [{ type: 'openid-connect', config: { issuer_url: fa.issuer, client_id: fa.clientId, client_secret: fa.clientSecret, scopes: ['openid', 'email'] } }] },
      {
        expressions: [`!(actions.ngrok.oidc.identity.email in ['${alice!.email}'] || actions.ngrok.oidc.identity.email.endsWith('@corp.test'))`],
        actions: [{ type: 'deny', config: { status_code: 403 } }],
      },
    ],
  };
  const l = await session.httpEndpoint().trafficPolicy(JSON.stringify(policy)).listenAndForward(app.url);
  const url = l.url()!;

  const anon = await get(`${url}/private?x=1`);
  assert.equal(anon.status, 302);
  const to = new URL(anon.headers.get('location')!);
  assert.equal(`${to.origin}${to.pathname}`, `${fa.issuer}/oauth2/authorize`);
  assert.equal(to.searchParams.get('redirect_uri'), ing.idpCallbackUrl);
  assert.equal(to.searchParams.get('client_id'), fa.clientId);
  assert.equal(app.seen.length, 0, 'nothing reaches the app before sign-in');

  const aliceJar = new Jar();
  const signedIn = await visit(aliceJar, `${url}/private?x=1`, alice);
  assert.equal(signedIn.status, 200, signedIn.trail.join('\n'));
  assert.equal(signedIn.text, 'hello /private?x=1');
  assert.ok(signedIn.trail.some((s) => s.startsWith(`GET ${ing.idpCallbackUrl}?`)), 'went through the ingress callback');

  // Signed in: a POST body streams through the gated proxy intact.
  const body = randomBytes(3 * 1024 * 1024);
  const posted = await visit(aliceJar, `${url}/upload`, undefined, { method: 'POST', body });
  assert.deepEqual(JSON.parse(posted.text), { bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });

  const denied = await visit(new Jar(), `${url}/private`, bob);
  assert.equal(denied.status, 403);
  assert.ok(!app.seen.includes('GET /private'), 'the denied user never reached the app');
});

test('legacy Opts.OIDC endpoint: allow_domains lets bob in and keeps alice out', async (t) => {
  const { startFusionAuth } = await import('../support/fusionauth.js');
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress();
  defer(() => ing.close());
  const fa = await startFusionAuth({ redirectUris: [ing.idpCallbackUrl] });
  defer(() => fa.close());
  const session = await sessionBuilder(ing).connect();
  defer(() => closeSession(session));

  const [alice, bob] = fa.users;
  const domain = bob!.email.split('@')[1]!;
  const l = await session.httpEndpoint().oidc(fa.issuer, fa.clientId, fa.clientSecret, [], [domain]).listenAndForward(app.url);
  assert.deepEqual(ing.binds[0]!.oidc.allow_domains, [domain]);

  const ok = await visit(new Jar(), `${l.url()}/legacy`, bob);
  assert.equal(ok.status, 200, ok.trail.join('\n'));
  assert.equal(ok.text, 'hello /legacy');
  const no = await visit(new Jar(), `${l.url()}/legacy`, alice);
  assert.equal(no.status, 403);
  assert.deepEqual(app.seen, ['GET /legacy']);
});
