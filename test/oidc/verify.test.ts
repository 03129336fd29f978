// verifyProtection against real local servers: an open app, redirects to the provider, failures.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { createVerifyProtection, INTERNAL_REASON } from '../../main/oidc/verify.js';
import type { TunnelSpec } from '../../main/types.js';

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
    assert.match(r.reason, /HTTP 502 \(ERR_NGROK_8012\)/);
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
