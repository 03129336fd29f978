// End to end in a real browser: the real @ngrok/ngrok opens tunnels on the loopback ingress, whose
// edge runs OpenID Connect against the FusionAuth-shaped provider; Debian's Chromium signs in.
// Screenshots go to test-output/edge-browser-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../support/browser.js';
import ngrok from '@ngrok/ngrok';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { verifyProtection } from '../../main/oidc/verify.js';
import type { TunnelSpec } from '../../common/types.js';

const OUT = 'test-output';
const skip = chromiumMissing;

/** The traffic policy Porthole generates for an oidc tunnel with an email allow-list. */
function policy(fa: FusionAuth, allow: string[]) {
  return {
    on_http_request: [
      { actions: [{ type: 'openid-connect', config: { issuer_url: fa.issuer, client_id: fa.clientId, client_secret: fa.clientSecret, scopes: ['openid', 'email'] } }] },
      {
        expressions: [`!(actions.ngrok.oidc.identity.email in [${allow.map((e) => `'${e}'`).join(', ')}])`],
        actions: [{ type: 'deny', config: { status_code: 403 } }],
      },
    ],
  };
}

describe('protected tunnel in a real browser', { skip, timeout: 60_000 }, () => {
  let ing: Ingress;
  let fa: FusionAuth;
  let app: http.Server;
  let appUrl = '';
  let session: ngrok.Session;
  let browser: Browser;
  let protectedUrl = '';
  let publicUrl = '';
  const appHits: string[] = [];

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    app = http.createServer((req, res) => {
      appHits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><title>Team dashboard</title><body style="font-family:sans-serif;padding:2rem">
        <h1 id="app">Team dashboard (local app on port ${(app.address() as AddressInfo).port})</h1><p>You reached ${req.url}</p></body>`);
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    ing = await startIngress();
    fa = await startFusionAuth({ redirectUris: [ing.idpCallbackUrl] });
    session = await new ngrok.SessionBuilder().authtoken('test').serverAddr(ing.serverAddr).caCert(Buffer.from(ing.caPem)).connect();
    const gated = await session.httpEndpoint().trafficPolicy(JSON.stringify(policy(fa, ['alice@example.test']))).listenAndForward(appUrl);
    const open = await session.httpEndpoint().listenAndForward(appUrl);
    protectedUrl = gated.url()!;
    publicUrl = open.url()!;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await session?.close().catch(() => {});
    await ing?.close();
    await fa?.close();
    if (app) {
      app.closeAllConnections();
      await new Promise<void>((r) => app.close(() => r()));
    }
  });

  /** A fresh browser context (no cookies: an incognito window), at the provider's login page. */
  async function toLogin(path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${protectedUrl}${path}`);
    assert.ok(page.url().startsWith(`${fa.issuer}/interaction/`), `on the provider's login page, got ${page.url()}`);
    await page.locator('#loginId').waitFor();
    return page;
  }

  test('an allowed user: public URL → FusionAuth login → the local app', async () => {
    const page = await toLogin('/reports?week=12');
    assert.match(await page.title(), /Login/);
    await page.screenshot({ path: `${OUT}/edge-browser-1-login.png` });
    assert.equal(appHits.length, 0, 'nothing reached the app before sign-in');

    await page.fill('#loginId', 'alice@example.test');
    await page.fill('#password', 'password');
    await Promise.all([page.waitForURL(`${protectedUrl}/reports?week=12`), page.click('#submit')]);
    await page.locator('#app').waitFor();
    assert.match(await page.locator('#app').innerText(), /Team dashboard/);
    assert.match(await page.content(), /You reached \/reports\?week=12/);
    await page.screenshot({ path: `${OUT}/edge-browser-2-app.png` });
    assert.ok(appHits.includes('/reports?week=12'));
    await page.context().close();
  });

  test('a user outside the allow-list: 403, and the app never sees them', async () => {
    const hits = appHits.length;
    const page = await toLogin('/');
    await page.fill('#loginId', 'bob@other.test');
    await page.fill('#password', 'password');
    const denied = page.waitForResponse((r) => r.url().startsWith(ing.idpCallbackUrl));
    await page.click('#submit');
    const res = await denied;
    assert.equal(res.status(), 403);
    await page.locator('#reason').waitFor();
    assert.match(await page.locator('h1').innerText(), /Access denied/);
    await page.screenshot({ path: `${OUT}/edge-browser-3-denied.png` });
    assert.equal(appHits.length, hits);
    await page.context().close();
  });

  test('verifyProtection: protected for the OIDC tunnel, open for a public one', async () => {
    const spec = (mode: TunnelSpec['mode']): TunnelSpec => ({
      name: 'web', target: appUrl, mode,
      ...(mode === 'oidc' ? { fusionauth: { issuer: fa.issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowEmails: ['alice@example.test'], allowDomains: [], scopes: ['email'] } } : {}),
    });
    const p = await verifyProtection(protectedUrl, spec('oidc'));
    assert.equal(p.protection, 'protected', p.reason);
    const o = await verifyProtection(publicUrl, spec('public'));
    assert.equal(o.protection, 'open', o.reason);
  });
});
