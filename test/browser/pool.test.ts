// test: a pooled tunnel and a held domain in the settings window (headless Chromium) and the tray, on the
// REAL engine against the loopback ingress: the form's pool checkbox (refused without a URL of its own),
// the pooled note, and why a reconnecting tunnel is not back while ngrok holds its domain.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { chromiumMissing, launchChromium, openDesktop, serveRenderer } from './harness.js';

const waitFor = async (pred: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`not true within ${ms} ms: ${pred.toString()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('pooled and held tunnels in the window and the tray', { skip: chromiumMissing, timeout: 60_000 }, () => {
  let browser: Browser;
  let renderer: Awaited<ReturnType<typeof serveRenderer>>;
  let ing: Ingress;
  let app: http.Server;
  let appPort = 0;

  before(async () => {
    app = http.createServer((_req, res) => res.end('the local app'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appPort = (app.address() as AddressInfo).port;
    [renderer, ing, browser] = await Promise.all([serveRenderer(), startIngress(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await renderer?.close();
    await ing?.close();
    app.closeAllConnections();
    await new Promise<void>((r) => app.close(() => r()));
  });

  test('the pool checkbox: refused without a domain, saved with one; pooled and waiting-for-ngrok shown in the window and the tray', async () => {
    const d = await openDesktop(browser, renderer.url);
    const { page, rec } = d;
    const h = d.app.handlers;
    try {
      assert.ok((await h.saveCredentials(renderer.url, { ngrokAuthtoken: 'pool-window-token' })).ok);
      assert.ok((await h.saveSettings(renderer.url, { serverAddr: ing.serverAddr, caPem: ing.caPem })).ok);
      await page.click('#new-tunnel');
      await page.fill('#f-target', String(appPort));
      await page.fill('#f-name', 'shop');
      await page.check('input[name="mode"][value="public"]');
      await page.check('#f-confirm-public');
      await page.click('details.advanced summary');
      await page.check('#f-pool');
      await page.click('#save-tunnel');
      // No domain: the error sits under the checkbox.
      const err = page.locator('.field-error[data-error-for="pool"]:not([hidden])');
      await err.waitFor();
      assert.match((await err.textContent()) ?? '', /^Needs a reserved domain \(or the internal mode\)/);
      await page.fill('#f-domain', 'shop.ngrok.test');
      await page.click('#save-tunnel');
      await page.waitForSelector('section.tunnel[data-tunnel="shop"]');
      assert.equal(d.app.snapshot().tunnels[0]?.pool, true, 'stored as pooled');
      const note = page.locator('[data-role="pooled"]');
      assert.match((await note.textContent()) ?? '', /Other agents may serve some of its visitors\. The visitors and the request log here are this machine’s only\./);

      await page.click('[data-action="start"]');
      await page.waitForSelector('[data-role="state"]:has-text("Online")', { timeout: 15_000 });
      assert.ok(ing.binds.some((b) => b.domain === 'shop.ngrok.test' && b.pooled && !b.error), 'the Bind pools');
      const trayLabels = () => JSON.stringify(rec.tray.at(-1));
      await waitFor(() => trayLabels().includes('Pooled: other agents may serve some visitors'));

      // Unpooled, then a drop while ngrok holds the domain: the window and the tray say why it waits.
      await page.click('button:has-text("Edit")');
      await page.uncheck('#f-pool');
      await page.click('#save-tunnel');
      await page.waitForSelector('section.tunnel[data-tunnel="shop"]');
      assert.equal(await page.locator('[data-role="pooled"]').count(), 0);
      await page.waitForSelector('[data-role="state"]:has-text("Online")', { timeout: 15_000 });
      ing.holdDomains(6000);
      ing.dropAll();
      const reason = page.locator('[data-role="reconnecting-reason"]');
      await reason.waitFor({ timeout: 10_000 });
      assert.match((await reason.textContent()) ?? '', /^ngrok still holds shop\.ngrok\.test for the previous connection; waiting since \d\d:\d\d$/);
      await waitFor(() => trayLabels().includes('ngrok still holds shop.ngrok.test for the previous connection'));
      await page.waitForSelector('[data-role="state"]:has-text("Online")', { timeout: 15_000 });
      assert.equal(await reason.count(), 0);
      assert.deepEqual(d.pageErrors, []);
    } finally {
      ing.holdDomains(0);
      await d.close();
    }
  });
});
