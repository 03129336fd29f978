// test: who is looking, in the window: a tunnel's Visitors and live request log, fed by the
// REAL recording proxy behind the real engine on the loopback ngrok ingress, whose OIDC edge stands in
// for visitors who have signed in; the filters; "Share for …" with the time left; the "record requests"
// switch and the "notify me" setting. Screenshots (light and dark): test-output/visits-*.png.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { standInVisitor } from '../support/ingress/edge.js';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { startTestApp, type TestApp } from '../visits/app.js';
import { chromiumMissing, launchChromium, openDesktop, serveRenderer, type Desktop } from './harness.js';

const OUT = 'test-output';
const AUTHTOKEN = 'porthole-test-authtoken-visits-93b1';
const shot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `visits-${name}.png`), fullPage: false });
async function scheme(page: Page, colorScheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme });
  await page.waitForTimeout(250);
}
const FORGED = { 'x-forwarded-email': 'mallory@evil.test' };

describe('who is looking, in the window', { skip: chromiumMissing, timeout: 90_000 }, () => {
  let browser: Browser;
  let renderer: Awaited<ReturnType<typeof serveRenderer>>;
  let ing: Ingress;
  let fa: FusionAuth;
  let app: TestApp;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    [renderer, ing, browser, app] = await Promise.all([serveRenderer(), startIngress(), launchChromium(), startTestApp()]);
    fa = await startFusionAuth({ redirectUris: [ing.idpCallbackUrl] });
  });
  after(async () => {
    await browser?.close();
    await renderer?.close();
    await ing?.close();
    await fa?.close();
    await app?.close();
  });

  async function desktop(): Promise<Desktop> {
    const d = await openDesktop(browser, renderer.url);
    const hs = d.app.handlers;
    assert.ok((await hs.saveCredentials(renderer.url, { ngrokAuthtoken: AUTHTOKEN, allowInsecureStorage: true })).ok);
    assert.ok((await hs.saveSettings(renderer.url, { serverAddr: ing.serverAddr, caPem: ing.caPem })).ok);
    const fusionauth = { issuer: fa.issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowEmails: [], allowDomains: ['example.test'], scopes: [] };
    const saved = await hs.saveTunnel(renderer.url, { name: 'demo', target: String(app.port), mode: 'oidc', startWithPorthole: false, fusionauth });
    assert.ok(saved.ok, JSON.stringify(saved));
    return d;
  }

  test('share for 15 min starts the tunnel and counts down; visitors and requests arrive live; filters; switches', async () => {
    const d = await desktop();
    const { page } = d;
    try {
      await page.click('.tunnel-item[data-name="demo"]');
      await page.locator('[data-role="visits"] [data-role="no-visitors"]').waitFor();
      await page.click('[data-share="15"]');
      await page.locator('section.tunnel [data-role="state"]:text("Online")').waitFor({ timeout: 20_000 });
      const left = page.locator('[data-role="share-left"] [data-deadline]');
      await left.waitFor();
      assert.match((await left.textContent()) ?? '', /^1[45] min left$/);
      const url = (await page.locator('[data-role="url"]').textContent())!;

      const alice = standInVisitor({ email: 'alice@example.test', name: 'Alice' });
      const bob = standInVisitor({ email: 'bob@example.test', name: 'Bob' });
      for (const [cookie, path] of [[alice, '/whoami'], [bob, '/boom'], [alice, '/plain'], [alice, '/whoami?x=1']] as const) {
        const r = await fetch(`${url}${path}`, { headers: { cookie, ...FORGED } });
        await r.arrayBuffer();
      }
      const rows = page.locator('[data-role="request-log"] tbody tr');
      await page.waitForFunction(() => document.querySelectorAll('[data-role="request-log"] tbody tr').length === 4, undefined, { timeout: 10_000 });
      assert.deepEqual(await page.locator('[data-role="visitors"] tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-visitor'), tr.lastElementChild!.textContent])), [
        ['alice@example.test', '3'],
        ['bob@example.test', '1'],
      ]);
      assert.equal(await page.locator('text=mallory').count(), 0, 'a forged header never names a visitor');
      await page.locator('[data-role="visits"]').scrollIntoViewIfNeeded();
      await shot(page, '1-live');
      await scheme(page, 'dark');
      await shot(page, '1a-live-dark');
      await scheme(page, 'light');

      // filters: by visitor, by status, by path
      await page.selectOption('#log-user', 'bob@example.test');
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('.path')!.textContent)), ['/boom']);
      await page.selectOption('#log-user', '');
      await page.selectOption('#log-status', '5');
      assert.equal(await rows.count(), 1);
      await page.selectOption('#log-status', '');
      await page.fill('#log-path', 'whoami');
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('.path')!.textContent)), ['/whoami?x=1', '/whoami']);
      // a request arriving while the filter is typed in: the log follows, the cursor stays
      await (await fetch(`${url}/whoami?live=1`, { headers: { cookie: bob } })).arrayBuffer();
      await page.waitForFunction(() => document.querySelectorAll('[data-role="request-log"] tbody tr').length === 3);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'log-path');
      await page.click('[data-visitor="alice@example.test"] .visitor-pick');
      assert.equal(await page.locator('#log-user').inputValue(), 'alice@example.test');
      await shot(page, '2-filtered');

      // "until I stop" clears the deadline
      await page.click('[data-share="until-stop"]');
      await page.locator('[data-role="share-left"]:text("Shared until you stop it.")').waitFor();
      assert.equal(d.app.snapshot().tunnels[0]!.deadline, undefined);

      // notify me: the app setting, saved
      await page.uncheck('#notify-new');
      await page.waitForFunction(() => true);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(d.app.snapshot().settings.notifyNewVisitors, false);
      // record requests: off for this tunnel, said so
      await page.uncheck('[data-action="record"]');
      await page.locator('[data-role="recording-off"]:visible').waitFor();
      assert.equal(d.app.snapshot().tunnels[0]!.record, false);
      await page.locator('[data-role="visits"]').scrollIntoViewIfNeeded();
      await shot(page, '3-recording-off');
      await scheme(page, 'dark');
      await shot(page, '3a-recording-off-dark');
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });
});
