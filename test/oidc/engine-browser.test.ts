// End to end through PORTHOLE: its own engine (with the real preflight and protection check) opens
// the tunnels on the real @ngrok/ngrok against the loopback ingress, whose edge runs OpenID Connect
// against the FusionAuth-shaped provider, and Debian's Chromium signs in. Screenshots go to
// test-output/engine-browser-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../support/browser.js';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import { runPreflight } from '../../main/oidc/preflight.js';
import { verifyProtection } from '../../main/oidc/verify.js';
import type { TunnelView } from '../../common/types.js';
import { spec as parsed, until } from '../engine/helpers.js';

const OUT = 'test-output';
const skip = chromiumMissing;
const AUTHTOKEN = 'engine-browser-authtoken-SECRET';

/** The first view of `name` that pred accepts (the current one included). */

describe('Porthole\'s engine, end to end in a real browser', { skip, timeout: 90_000 }, () => {
  let ing: Ingress;
  let fa: FusionAuth;
  let app: http.Server;
  let appPort = 0;
  let engine: Engine;
  let browser: Browser;
  const appHits: string[] = [];
  const views = new Map<string, TunnelView>();

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    app = http.createServer((req, res) => {
      if (req.url !== '/favicon.ico') appHits.push(req.url ?? ''); // Chromium asks for it after each page
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><title>Team dashboard</title><body style="font-family:sans-serif;padding:2rem">
        <h1 id="app">Team dashboard (local app on port ${appPort})</h1><p id="path">You reached ${req.url}</p></body>`);
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appPort = (app.address() as AddressInfo).port;
    ing = await startIngress();
    fa = await startFusionAuth({ redirectUris: [ing.idpCallbackUrl] });
    engine = createEngine({
      session: { authtoken: AUTHTOKEN, serverAddr: ing.serverAddr, caPem: ing.caPem },
      preflight: runPreflight,
      verify: verifyProtection,
    });
    const settings = { issuer: fa.issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowDomains: [], scopes: [] };
    for (const spec of [
      // The default mode: a traffic policy with the openid-connect action and the allow-list's deny rule.
      { name: 'sso', target: `127.0.0.1:${appPort}`, mode: 'oidc', fusionauth: { ...settings, allowEmails: ['alice@example.test'] } },
      // The guide's `--oidc` form; a different allow-list, so the edge can be seen enforcing this one.
      { name: 'legacy', target: `127.0.0.1:${appPort}`, mode: 'oidc-legacy', fusionauth: { ...settings, allowEmails: ['bob@other.test'] } },
      { name: 'pub', target: `127.0.0.1:${appPort}`, mode: 'public' },
    ]) {
      const added = engine.add(parsed(spec));
      assert.ok(added.ok, JSON.stringify(added));
    }
    await Promise.all(['sso', 'legacy', 'pub'].map((n) => engine.start(n)));
    for (const n of ['sso', 'legacy', 'pub']) views.set(n, await until(engine, n, (v) => v.protection !== undefined || v.state === 'error', 15_000));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await engine?.stopAll();
    await ing?.close();
    await fa?.close();
    if (app) {
      app.closeAllConnections();
      await new Promise<void>((r) => app.close(() => r()));
    }
  });

  const url = (name: string) => views.get(name)!.url!;

  /** A fresh browser context (no cookies, like a private window) at the provider's login page. */
  async function toLogin(tunnel: string, path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${url(tunnel)}${path}`);
    assert.ok(page.url().startsWith(`${fa.issuer}/interaction/`), `on the provider's login page, got ${page.url()}`);
    await page.locator('#loginId').waitFor();
    return page;
  }

  async function signIn(page: Page, email: string): Promise<void> {
    await page.fill('#loginId', email);
    await page.fill('#password', 'password');
  }

  test('the engine\'s view: oidc and oidc-legacy are protected, public is open', () => {
    const sso = views.get('sso')!;
    const legacy = views.get('legacy')!;
    const pub = views.get('pub')!;
    for (const v of [sso, legacy, pub]) {
      assert.equal(v.state, 'online', JSON.stringify(v));
      assert.match(v.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    }
    assert.equal(sso.protection, 'protected', sso.protectionReason);
    assert.match(sso.protectionReason!, /FusionAuth's sign-in/);
    assert.equal(legacy.protection, 'protected', legacy.protectionReason);
    assert.equal(pub.protection, 'open', pub.protectionReason);
    assert.match(pub.protectionReason!, /anyone with the URL/);
    // What went over the wire: the policy for oidc, the legacy options for oidc-legacy, nothing for public.
    const bindOf = (v: TunnelView) => ing.binds.find((b) => b.url === v.url)!;
    assert.deepEqual(bindOf(sso).trafficPolicy.on_http_request[0].actions.map((a: { type: string }) => a.type), ['remove-headers', 'openid-connect', 'add-headers']);
    assert.deepEqual(bindOf(legacy).oidc.allow_emails, ['bob@other.test']);
    assert.deepEqual(bindOf(pub).trafficPolicy.on_http_request[0].actions.map((a: { type: string }) => a.type), ['remove-headers']); // only forged identity headers removed
    assert.equal(ing.auths.length, 1, 'one agent session for the three tunnels');
    assert.ok(!JSON.stringify([...views.values()]).includes(fa.clientSecret), 'no secret in the views');
  });

  test('oidc: URL → FusionAuth login → signed in as an allowed user → the local app', async () => {
    const before = appHits.length;
    const page = await toLogin('sso', '/reports?week=12');
    assert.match(await page.title(), /Login/);
    await page.screenshot({ path: `${OUT}/engine-browser-1-login.png` });
    assert.equal(appHits.length, before, 'nothing reached the app before sign-in');
    await signIn(page, 'alice@example.test');
    await Promise.all([page.waitForURL(`${url('sso')}/reports?week=12`), page.click('#submit')]);
    await page.locator('#app').waitFor();
    assert.match(await page.locator('#app').innerText(), /Team dashboard/);
    assert.equal(await page.locator('#path').innerText(), 'You reached /reports?week=12');
    await page.screenshot({ path: `${OUT}/engine-browser-2-app.png` });
    assert.ok(appHits.slice(before).includes('/reports?week=12'));
    await page.context().close();
  });

  test('oidc: a user outside the allow-list is denied, and the app never sees them', async () => {
    const before = appHits.length;
    const page = await toLogin('sso', '/');
    await signIn(page, 'bob@other.test');
    const denied = page.waitForResponse((r) => r.url().startsWith(ing.idpCallbackUrl));
    await page.click('#submit');
    assert.equal((await denied).status(), 403);
    await page.locator('#reason').waitFor();
    assert.match(await page.locator('h1').innerText(), /Access denied/);
    assert.match(await page.locator('#reason').innerText(), /bob@other\.test is not allowed/);
    await page.screenshot({ path: `${OUT}/engine-browser-3-denied.png` });
    assert.equal(appHits.length, before);
    await page.context().close();
  });

  test('oidc-legacy: the edge enforces this tunnel\'s own allow-list', async () => {
    const before = appHits.length;
    const bob = await toLogin('legacy', '/legacy');
    await signIn(bob, 'bob@other.test');
    await Promise.all([bob.waitForURL(`${url('legacy')}/legacy`), bob.click('#submit')]);
    assert.equal(await bob.locator('#path').innerText(), 'You reached /legacy');
    await bob.screenshot({ path: `${OUT}/engine-browser-4-legacy-app.png` });
    await bob.context().close();
    assert.equal(appHits.length, before + 1);

    const alice = await toLogin('legacy', '/legacy');
    await signIn(alice, 'alice@example.test');
    const denied = alice.waitForResponse((r) => r.url().startsWith(ing.idpCallbackUrl));
    await alice.click('#submit');
    assert.equal((await denied).status(), 403);
    await alice.locator('#reason').waitFor();
    assert.match(await alice.locator('#reason').innerText(), /alice@example\.test is not allowed/);
    await alice.screenshot({ path: `${OUT}/engine-browser-5-legacy-denied.png` });
    await alice.context().close();
    assert.equal(appHits.length, before + 1, 'the denied user never reached the app');
  });

  test('public: the app answers at once, no sign-in', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${url('pub')}/open`);
    assert.equal(page.url(), `${url('pub')}/open`, 'no redirect');
    assert.equal(await page.locator('#path').innerText(), 'You reached /open');
    await page.screenshot({ path: `${OUT}/engine-browser-6-public.png` });
    await context.close();
  });

  test('verify on demand agrees, and a stopped tunnel has no verdict to give', async () => {
    assert.equal((await engine.verify('sso'))?.protection, 'protected');
    assert.equal((await engine.verify('pub'))?.protection, 'open');
    await engine.stop('pub');
    assert.equal(await engine.verify('pub'), undefined);
  });
});
