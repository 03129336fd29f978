// verifyProtection against real local servers: an open app, redirects to the provider, failures.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ngrok from '@ngrok/ngrok';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { startIngress } from '../support/ingress/index.js';
import { createVerifyProtection, INTERNAL_REASON } from '../../main/oidc/verify.js';
import type { TunnelSpec } from '../../common/types.js';

const verify = createVerifyProtection({ timeoutMs: 1500 });

describe('verifyProtection', () => {
  let fa: FusionAuth;
  const servers: http.Server[] = [];
  let seenCookies: (string | undefined)[] = [];

  async function serve(handler: http.RequestListener): Promise<string> {
    const s = http.createServer((req, res) => {
      seenCookies.push(req.headers.cookie);
      handler(req, res);
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }
  const spec = (mode: TunnelSpec['mode'], issuer = fa.issuer): TunnelSpec => ({
    name: 'web', target: '3000', mode,
    ...(mode === 'public' ? {} : { fusionauth: { issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowEmails: [], allowDomains: [], scopes: ['email'] } }),
  });

  before(async () => {
    fa = await startFusionAuth();
  });
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    await fa.close();
  });

  test('open: the app answers 200 to a stranger', async () => {
    const url = await serve((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<h1>my app</h1>'); });
    seenCookies = [];
    const r = await verify(url, spec('public'));
    assert.equal(r.protection, 'open');
    assert.match(r.reason, /anyone with the URL/);
    assert.deepEqual(seenCookies, [undefined], 'one request, with no cookies');
  });

  test('protected: a redirect to the issuer\'s discovered authorization endpoint', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: `${fa.issuer}/oauth2/authorize?client_id=${fa.clientId}&response_type=code&redirect_uri=x` });
      res.end();
    });
    const r = await verify(url, spec('oidc'));
    assert.equal(r.protection, 'protected');
    assert.match(r.reason, /FusionAuth's sign-in/);
  });

  test('protected: a redirect to ngrok\'s login path', async () => {
    const url = await serve((_req, res) => { res.writeHead(302, { location: '/ngrok/login?auth_id=x' }); res.end(); });
    const r = await verify(url, spec('oidc'));
    assert.equal(r.protection, 'protected');
    assert.match(r.reason, /ngrok's sign-in/);
  });

  test('protected: the issuer is unreachable, FusionAuth\'s /oauth2/authorize path still counts', async () => {
    const down = await startFusionAuth({ variant: 'down' });
    const url = await serve((_req, res) => { res.writeHead(302, { location: `${down.issuer}/oauth2/authorize?x=1` }); res.end(); });
    const r = await verify(url, spec('oidc', down.issuer));
    assert.equal(r.protection, 'protected');
  });

  test('unknown: a redirect somewhere else', async () => {
    const url = await serve((_req, res) => { res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }); res.end(); });
    const r = await verify(url, spec('oidc'));
    assert.equal(r.protection, 'unknown');
    assert.match(r.reason, /redirect to http:\/\/127\.0\.0\.1:9\/elsewhere/);
  });

  test('unknown: HTTP 500', async () => {
    const url = await serve((_req, res) => { res.writeHead(500); res.end('boom'); });
    const r = await verify(url, spec('oidc'));
    assert.equal(r.protection, 'unknown');
    assert.match(r.reason, /HTTP 500/);
  });

  test('unknown: 502 from ngrok when the agent cannot reach the app', async () => {
    const url = await serve((_req, res) => { res.writeHead(502, { 'ngrok-error-code': 'ERR_NGROK_8012' }); res.end(); });
    const r = await verify(url, spec('public'));
    assert.equal(r.protection, 'unknown');
    assert.match(r.reason, /HTTP 502 \(ERR_NGROK_8012\): ngrok reached the agent, but the agent could not reach the local app/);
  });

  test('unknown: a 4xx from ngrok\'s own edge (404 ERR_NGROK_3200, endpoint offline)', async () => {
    const url = await serve((_req, res) => { res.writeHead(404, { 'ngrok-error-code': 'ERR_NGROK_3200' }); res.end('offline'); });
    const r = await verify(url, spec('oidc'));
    assert.equal(r.protection, 'unknown');
    assert.match(r.reason, /^HTTP 404 \(ERR_NGROK_3200\): the endpoint is offline at ngrok/);
    assert.match(r.reason, /says nothing about sign-in/);
  });

  test('unknown, never open: a 200 that is ngrok\'s own page, not the app', async () => {
    let skipHeader: string | undefined;
    const url = await serve((req, res) => {
      skipHeader = req.headers['ngrok-skip-browser-warning'] as string | undefined;
      res.writeHead(200, { 'ngrok-error-code': 'ERR_NGROK_6024', 'content-type': 'text/html' });
      res.end('<p>You are about to visit…</p>');
    });
    const r = await verify(url, spec('public'));
    assert.equal(r.protection, 'unknown');
    assert.match(r.reason, /ERR_NGROK_6024\): ngrok's edge answered with its own error page/);
    assert.equal(skipHeader, '1', 'asks ngrok to skip its browser warning');
  });

  test('unknown, never open: a 403 deny page without a sign-in redirect', async () => {
    const url = await serve((_req, res) => { res.writeHead(403, { 'content-type': 'text/html' }); res.end('<h1>Forbidden</h1>'); });
    const r = await verify(url, spec('oidc'));
    assert.equal(r.protection, 'unknown');
    assert.match(r.reason, /^HTTP 403: access refused without a sign-in redirect/);
  });

  test('unknown: a 401 asking for a password (basic auth), not FusionAuth', async () => {
    const url = await serve((_req, res) => { res.writeHead(401, { 'www-authenticate': 'Basic realm="app"' }); res.end(); });
    const r = await verify(url, spec('oidc'));
    assert.equal(r.protection, 'unknown');
    assert.equal(r.reason, 'HTTP 401: asks for Basic credentials, not a FusionAuth sign-in');
  });

  test('the ngrok login path: absolute or relative, with or without a query; nothing that merely starts like it', async () => {
    const forms: [string, TunnelSpec['mode'], string][] = [
      ['/ngrok/login', 'oidc', 'protected'],
      ['/ngrok/login?auth_id=fusionauth', 'oidc', 'protected'],
      ['/ngrok/login/', 'oidc-legacy', 'protected'],
      ['https://idp.ngrok.com/oauth2/authorize?x=1', 'public', 'protected'],
      ['/ngrok/loginfoo', 'oidc', 'unknown'],
      ['/login', 'oidc', 'unknown'],
    ];
    for (const [location, mode, want] of forms) {
      const url = await serve((_req, res) => { res.writeHead(302, { location }); res.end(); });
      const r = await verify(url, spec(mode));
      assert.equal(r.protection, want, `${location}: ${r.reason}`);
    }
    // The absolute form on the endpoint's own host (ngrok's URLs are https, the redirect may be too).
    const url = await serve((_req, res) => { res.writeHead(307, { location: `${url}/ngrok/login` }); res.end(); });
    assert.equal((await verify(url, spec('oidc'))).protection, 'protected');
  });

  test('unknown: timeout', async () => {
    const url = await serve(() => { /* never answers */ });
    const started = Date.now();
    const r = await createVerifyProtection({ timeoutMs: 500 })(url, spec('oidc'));
    assert.ok(Date.now() - started < 3000);
    assert.equal(r.protection, 'unknown');
    assert.match(r.reason, /timeout/);
  });

  test('unknown: connection refused', async () => {
    const down = await startFusionAuth({ variant: 'down' }); // a refused port
    const r = await verify(down.issuer, spec('public'));
    assert.equal(r.protection, 'unknown');
    assert.match(r.reason, /connection refused/);
  });

  test('internal endpoints are not reachable from the internet', async () => {
    seenCookies = [];
    const r = await verify('https://web.internal', spec('internal'));
    assert.deepEqual(r, { protection: 'unknown', reason: INTERNAL_REASON });
    assert.equal(r.reason, 'internal endpoint: not reachable from the internet; protection comes from the Cloud Endpoint');
  });
});

describe('verifyProtection against the loopback ingress', () => {
  test('an endpoint whose agent is gone: the edge\'s 404 ERR_NGROK_3200 is unknown, not open', async () => {
    const ing = await startIngress();
    const app = http.createServer((_req, res) => { res.writeHead(200); res.end('app'); });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const session = await new ngrok.SessionBuilder().authtoken('verify-test').serverAddr(ing.serverAddr).caCert(Buffer.from(ing.caPem)).connect();
    try {
      const listener = await session.httpEndpoint().listenAndForward(`http://127.0.0.1:${(app.address() as AddressInfo).port}`);
      const url = listener.url()!;
      const pub: TunnelSpec = { name: 'web', target: '3000', mode: 'public' };
      assert.equal((await verify(url, pub)).protection, 'open', 'online: the app answers');
      const outage = ing.outage(1500);
      await ing.waitFor(() => ing.connections() === 0);
      const r = await verify(url, pub);
      assert.equal(r.protection, 'unknown');
      assert.match(r.reason, /^HTTP 404 \(ERR_NGROK_3200\): the endpoint is offline at ngrok/);
      await outage;
    } finally {
      await session.close().catch(() => {});
      await ing.close();
      app.closeAllConnections();
      await new Promise<void>((r) => app.close(() => r()));
    }
  });
});
