// test: what the recording pipe tells the window, in Chromium, from the real engine on the loopback
// ingress: an answer the app cut short is marked "cut", Porthole's own protection check is labelled as
// such (and is nobody in the visitors), secrets in query strings show as REDACTED, and a dev server's
// host check shows its fix. Screenshot: test-output/visits-recording.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { chromiumMissing, launchChromium, openDesktop, serveRenderer } from './harness.js';

/** A raw app: `/cut` dies mid-answer, `/vite` answers as Vite's host check does, anything else 200. */
async function rawApp(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.once('data', (c: Buffer) => {
      const path = c.toString('latin1').split(' ')[1] ?? '/';
      if (path === '/cut') {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
        return void setTimeout(() => s.destroy(), 30);
      }
      const body = path === '/vite' ? 'Blocked request. This host ("demo.ngrok.app") is not allowed.' : `ok ${path}`;
      s.end(`HTTP/1.1 ${path === '/vite' ? '403 Forbidden' : '200 OK'}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => (server.close(() => r()), sockets.forEach((s) => s.destroy()))) };
}

describe('the recording pipe in the window', { skip: chromiumMissing, timeout: 90_000 }, () => {
  let browser: Browser;
  let renderer: Awaited<ReturnType<typeof serveRenderer>>;
  let ing: Ingress;
  let app: Awaited<ReturnType<typeof rawApp>>;

  before(async () => {
    mkdirSync('test-output', { recursive: true });
    [renderer, ing, browser, app] = await Promise.all([serveRenderer(), startIngress(), launchChromium(), rawApp()]);
  });
  after(async () => {
    await browser?.close();
    await renderer?.close();
    await ing?.close();
    await app?.close();
  });

  test('cut answers are marked, the check is labelled, secrets are redacted, a host check shows its fix', async () => {
    const d = await openDesktop(browser, renderer.url);
    const hs = d.app.handlers;
    try {
      assert.ok((await hs.saveCredentials(renderer.url, { ngrokAuthtoken: 'porthole-test-authtoken-rec-1', allowInsecureStorage: true })).ok);
      assert.ok((await hs.saveSettings(renderer.url, { serverAddr: ing.serverAddr, caPem: ing.caPem })).ok);
      const saved = await hs.saveTunnel(renderer.url, { name: 'dev', target: String(app.port), mode: 'public', confirmPublic: true, startWithPorthole: false });
      assert.ok(saved.ok, JSON.stringify(saved));
      const { page } = d;
      await page.click('.tunnel-item[data-name="dev"]');
      const started = await hs.startTunnel(renderer.url, { name: 'dev' });
      assert.ok(started.ok, JSON.stringify(started));
      const url = started.value.url!;
      // The protection check's own request reaches a public tunnel's app.
      await page.locator('[data-role="request-log"] [data-role="probe"]').first().waitFor({ timeout: 10_000 });
      await fetch(`${url}/cut`).then((r) => r.arrayBuffer()).catch(() => null);
      await fetch(`${url}/vite`).then((r) => r.arrayBuffer());
      await fetch(`${url}/callback?code=abc123&state=xyz&page=2`).then((r) => r.arrayBuffer());
      await page.locator('[data-role="request-log"] [data-role="cut"]').waitFor({ timeout: 10_000 });
      await page.locator('[data-role="host-check"]:visible').waitFor({ timeout: 10_000 });
      await page.waitForFunction(() => [...document.querySelectorAll('[data-role="request-log"] .path')].some((p) => p.textContent?.startsWith('/callback')));

      assert.equal(await page.locator('[data-role="request-log"] [data-role="probe"]').first().textContent(), 'Porthole’s check');
      assert.match((await page.locator('[data-role="host-check"]').textContent()) ?? '', /server\.allowedHosts[\s\S]*--host-header rewrite/);
      const paths = await page.locator('[data-role="request-log"] .path').allTextContents();
      assert.ok(paths.includes('/callback?code=REDACTED&state=REDACTED&page=2'), JSON.stringify(paths));
      assert.equal(await page.locator('text=abc123').count(), 0);
      // Anonymous visits count the three requests, not the check.
      assert.match((await page.locator('[data-role="anonymous"]').textContent()) ?? '', /^3 requests without a sign-in/);
      await page.locator('[data-role="visits"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join('test-output', 'visits-recording.png') });
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });
});
