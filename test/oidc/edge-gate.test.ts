// The test edge's OIDC gate (test/support/edge-gate.ts) on its own: a small edge in front of a local
// app, the real provider, and a cookie-keeping HTTP client standing in for a browser.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { EdgeAuth, type EdgeGateConfig } from '../support/edge-gate.js';
import { createVerifyProtection } from '../../main/oidc/verify.js';

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A minimal browser: one cookie jar for 127.0.0.1 (cookies ignore ports), redirects followed by hand. */
class Visitor {
  jar = new Map<string, string>();
  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }
  /** Follows redirects; returns the final response and every URL visited. */
  async follow(url: string, init: RequestInit = {}): Promise<{ res: Response; visited: string[] }> {
    const visited = [url];
    let res = await this.get(url, init);
    for (let i = 0; i < 15 && res.status >= 300 && res.status < 400; i++) {
      const next = new URL(res.headers.get('location')!, visited.at(-1)).href;
      visited.push(next);
      res = await this.get(next);
    }
    return { res, visited };
  }
  /** Fills and submits the provider's login form (fields loginId and password, like FusionAuth's). */
  async signIn(loginPage: Response, pageUrl: string, email: string, password: string) {
    const html = await loginPage.text();
    assert.match(html, /name="loginId"/);
    assert.match(html, /name="password"/);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    return this.follow(new URL(action, pageUrl).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ loginId: email, password }).toString(),
    });
  }
}

describe('EdgeAuth: ngrok-style OIDC at the test edge', () => {
  let fa: FusionAuth;
  let gate: EdgeAuth;
  const servers: http.Server[] = [];
  let appUrl = '';
  let edgeUrl = '';
  let otherEdgeUrl = '';
  let callbackUrl = '';
  const appHits: string[] = [];
  const allowOnlyAlice: EdgeGateConfig['isAllowed'] = (email) => email === 'alice@example.test';

  function edge(id: string, cfg: () => EdgeGateConfig, url: () => string): http.RequestListener {
    return (req, res) => {
      gate.handle({ id, publicUrl: url(), config: cfg() }, req, res).then((answered) => {
        if (answered) return;
        const up = http.request(`${appUrl}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => { res.writeHead(502); res.end(); });
        req.pipe(up);
      }, (err) => { res.writeHead(500); res.end(String(err)); });
    };
  }

  before(async () => {
    const cb = await listen((req, res) => void gate.callback(req, res));
    servers.push(cb.server);
    callbackUrl = `${cb.url}/oauth2/callback`;
    gate = new EdgeAuth(callbackUrl);
    fa = await startFusionAuth({ redirectUris: [callbackUrl] });
    const config = (): EdgeGateConfig => ({ issuer: fa.issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, scopes: ['openid', 'email'], isAllowed: allowOnlyAlice });
    const app = await listen((req, res) => {
      appHits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<h1>Hello from the app</h1><p>${req.url}</p>`);
    });
    servers.push(app.server);
    appUrl = app.url;
    const e1 = await listen(edge('web', config, () => edgeUrl));
    const e2 = await listen(edge('other', config, () => otherEdgeUrl));
    servers.push(e1.server, e2.server);
    edgeUrl = e1.url;
    otherEdgeUrl = e2.url;
  });
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    await fa.close();
  });

  test('a visitor with no session is sent to the provider with state, nonce and PKCE', async () => {
    const res = await new Visitor().get(`${edgeUrl}/private`);
    assert.equal(res.status, 302);
    const to = new URL(res.headers.get('location')!);
    assert.equal(`${to.origin}${to.pathname}`, `${fa.issuer}/oauth2/authorize`);
    assert.equal(to.searchParams.get('redirect_uri'), callbackUrl);
    assert.equal(to.searchParams.get('client_id'), fa.clientId);
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
    for (const p of ['state', 'nonce', 'code_challenge']) assert.ok(to.searchParams.get(p), p);
    assert.deepEqual(to.searchParams.get('scope')!.split(' ').sort(), ['email', 'openid']);
    assert.ok(!res.headers.get('location')!.includes(fa.clientSecret));
    assert.equal(appHits.length, 0, 'the app saw nothing');
  });

  test('an allowed user signs in and reaches the app at the URL they asked for', async () => {
    const v = new Visitor();
    const first = await v.follow(`${edgeUrl}/private?x=1`);
    assert.equal(first.res.status, 200);
    assert.match(first.visited.at(-1)!, /\/interaction\//);
    const after = await v.signIn(first.res, first.visited.at(-1)!, 'alice@example.test', 'password');
    assert.equal(after.res.status, 200, after.visited.join('\n'));
    assert.equal(after.visited.at(-1), `${edgeUrl}/private?x=1`);
    assert.match(await after.res.text(), /Hello from the app/);
    assert.ok(after.visited.some((u) => u.startsWith(callbackUrl)), 'went through the edge callback');
    assert.ok(v.jar.has(EdgeAuth.cookieName('web')));
    // signed in: the next request goes straight through
    const again = await v.get(`${edgeUrl}/again`);
    assert.equal(again.status, 200);
    // the session is for 'web' only, even though the cookie is visible on every 127.0.0.1 port
    const other = await v.get(`${otherEdgeUrl}/`);
    assert.equal(other.status, 302);
    // and it is protected, as seen from outside
    const p = await createVerifyProtection({ timeoutMs: 2000 })(edgeUrl, {
      name: 'web', target: '1', mode: 'oidc',
      fusionauth: { issuer: fa.issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowEmails: ['alice@example.test'], allowDomains: [], scopes: ['email'] },
    });
    assert.equal(p.protection, 'protected');
    // logout clears the session
    await v.get(`${edgeUrl}/ngrok/logout`);
    assert.equal((await v.get(`${edgeUrl}/private`)).status, 302);
  });

  test('a user outside the allow-list gets 403 and never reaches the app', async () => {
    const before = appHits.length;
    const v = new Visitor();
    const first = await v.follow(`${edgeUrl}/`);
    const after = await v.signIn(first.res, first.visited.at(-1)!, 'bob@other.test', 'password');
    assert.equal(after.res.status, 403);
    assert.match(await after.res.text(), /bob@other\.test is not allowed/);
    assert.equal(appHits.length, before);
    assert.ok(!v.jar.has(EdgeAuth.cookieName('web')));
  });

  test('a wrong password stays on the login page with FusionAuth\'s error', async () => {
    const v = new Visitor();
    const first = await v.follow(`${edgeUrl}/`);
    const after = await v.signIn(first.res, first.visited.at(-1)!, 'alice@example.test', 'nope');
    assert.equal(after.res.status, 200);
    assert.match(await after.res.text(), /Invalid login credentials/);
  });

  test('a callback with an unknown state is refused', async () => {
    const res = await new Visitor().get(`${callbackUrl}?code=abc&state=forged`);
    assert.equal(res.status, 400);
  });
});
