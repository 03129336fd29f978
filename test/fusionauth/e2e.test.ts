// test, end to end: an API key → `porthole fusionauth setup` (runFusionauthSetup, --json, the
// secret in a 0600 file) against the FusionAuth stand-in → preflight all green → Porthole's engine
// shares a local app on the real @ngrok/ngrok through the loopback ingress, whose edge runs OpenID
// Connect against the application the set-up created → Debian's Chromium signs in and reaches the
// app; a user not registered to the application is refused by FusionAuth (requireRegistration).
// Screenshots: test-output/fusionauth-e2e-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../support/browser.js';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { startFusionAuthApi, SUPER_KEY, type StandIn } from '../support/fusionauth-api/index.js';
import { runFusionauthSetup } from '../../main/cli/fusionauth-setup.js';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import { createPreflight } from '../../main/oidc/preflight.js';
import { verifyProtection } from '../../main/oidc/verify.js';
import type { TunnelView } from '../../common/types.js';
import { spec as parsed, until } from '../engine/helpers.js';

const OUT = 'test-output';

describe('FusionAuth set up from an API key, then shared and signed in to in a real browser', { skip: chromiumMissing, timeout: 90_000 }, () => {
  let ing: Ingress;
  let api: StandIn;
  let app: http.Server;
  let engine: Engine;
  let browser: Browser;
  let dir: string;
  let view: TunnelView;
  let setup: { ok: boolean; issuer: string; clientId: string; applicationId: string; created: boolean; changes: string[]; checks: { id: string; status: string }[] };
  let stdio = '';
  let secret = '';
  const appHits: string[] = [];
  const preflight = createPreflight({ timeoutMs: 3000 });

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'porthole-fa-e2e-'));
    app = http.createServer((req, res) => {
      if (req.url !== '/favicon.ico') appHits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><title>Team dashboard</title><h1 id="app">Team dashboard</h1><p id="path">You reached ${req.url}</p>`);
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    ing = await startIngress();
    // The ingress plays ngrok's edge: FusionAuth's "https://idp.ngrok.com/oauth2/callback" stands for its loopback callback.
    api = await startFusionAuthApi({ ngrokCallback: ing.idpCallbackUrl });

    const secretPath = join(dir, 'client-secret');
    const io = {
      stdout: (s: string) => void (stdio += s), stderr: (s: string) => void (stdio += s),
      env: { FA_API_KEY: SUPER_KEY }, preflight,
    };
    const code = await runFusionauthSetup(['setup', '--url', api.url, '--api-key-env', 'FA_API_KEY', '--fix-issuer', '--require-registration',
      '--register', 'alice@example.test', '--client-secret-out', secretPath, '--json'], io);
    assert.equal(code, 0, stdio);
    setup = JSON.parse(stdio);
    secret = readFileSync(secretPath, 'utf8').trim();
    assert.equal(statSync(secretPath).mode & 0o777, 0o600);

    engine = createEngine({
      session: { authtoken: 'fa-e2e-authtoken-SECRET', serverAddr: ing.serverAddr, caPem: ing.caPem },
      preflight,
      verify: verifyProtection,
    });
    const fusionauth = { issuer: setup.issuer, clientId: setup.clientId, clientSecret: secret, allowEmails: [], allowDomains: [], scopes: [] };
    const added = engine.add(parsed({ name: 'team', target: `127.0.0.1:${(app.address() as AddressInfo).port}`, mode: 'oidc', fusionauth }));
    assert.ok(added.ok, JSON.stringify(added));
    await engine.start('team');
    view = await until(engine, 'team', (v) => v.protection !== undefined || v.state === 'error', 15_000);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await engine?.stopAll();
    await ing?.close();
    const violations = api?.violations ?? [];
    await api?.close();
    if (app) {
      app.closeAllConnections();
      await new Promise<void>((r) => app.close(() => r()));
    }
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(violations, [], 'every request and answer matched FusionAuth\'s OpenAPI document');
  });

  test('the set-up created the application, registered alice, and the preflight is all green', () => {
    assert.equal(setup.ok, true);
    assert.equal(setup.created, true);
    assert.equal(setup.issuer, api.url);
    assert.equal(api.tenants[0]!.issuer, api.url, 'the tenant issuer was fixed');
    assert.deepEqual(setup.changes.map((c) => c.split(' ')[0]), ['change', 'create', 'register']);
    assert.deepEqual(setup.checks.filter((c) => c.status === 'fail'), []);
    const o = api.applications.get(setup.applicationId)!.oauthConfiguration;
    assert.equal(o.requireRegistration, true);
    assert.deepEqual(o.authorizedRedirectURLs, ['https://idp.ngrok.com/oauth2/callback']);
    assert.equal(secret, o.clientSecret);
    assert.ok(!stdio.includes(secret), 'the secret is only in the file');
    assert.ok(!stdio.includes(SUPER_KEY), 'the API key is never printed');
  });

  test('Porthole\'s engine shares it: online and protected', () => {
    assert.equal(view.state, 'online', JSON.stringify(view));
    assert.equal(view.protection, 'protected', view.protectionReason);
  });

  async function toLogin(path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${view.url}${path}`);
    assert.ok(page.url().startsWith(`${api.url}/interaction/`), `on FusionAuth's login page, got ${page.url()}`);
    await page.locator('#loginId').waitFor();
    return page;
  }

  test('a registered user signs in through the edge and reaches the app', async () => {
    const before = appHits.length;
    const page = await toLogin('/reports');
    assert.equal(appHits.length, before, 'nothing reached the app before sign-in');
    await page.fill('#loginId', 'alice@example.test');
    await page.fill('#password', 'password');
    await Promise.all([page.waitForURL(`${view.url}/reports`), page.click('#submit')]);
    assert.equal(await page.locator('#path').innerText(), 'You reached /reports');
    await page.screenshot({ path: `${OUT}/fusionauth-e2e-1-app.png` });
    assert.deepEqual(appHits.slice(before), ['/reports']);
    await page.context().close();
  });

  test('a user not registered to the application is refused by FusionAuth; the app never sees them', async () => {
    const before = appHits.length;
    const page = await toLogin('/reports');
    await page.fill('#loginId', 'bob@other.test');
    await page.fill('#password', 'password');
    await page.click('#submit');
    await page.locator('#error').waitFor();
    assert.match(await page.locator('#error').innerText(), /not authorized/);
    assert.ok(page.url().startsWith(`${api.url}/interaction/`), 'still on FusionAuth, no code issued');
    await page.screenshot({ path: `${OUT}/fusionauth-e2e-2-refused.png` });
    assert.equal(appHits.length, before);
    await page.context().close();
  });
});
