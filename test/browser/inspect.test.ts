// test: the inspector in the window, in Chromium, with the real engine on the loopback ingress and a
// real app: a request's row opens its details (heads, the JSON body pretty-printed, credentials
// redacted), "Reveal" shows them for that request, "Replay" sends it straight to the app and shows the
// new answer beside the old with the differences marked, and "Copy as curl" leaves redacted values
// out. Screenshots: test-output/inspect-*.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { chromiumMissing, launchChromium, openDesktop, serveRenderer } from './harness.js';

const TOKEN = 'Bearer sk_test_51Hx9window';

describe('the inspector in the window', { skip: chromiumMissing, timeout: 90_000 }, () => {
  let browser: Browser;
  let renderer: Awaited<ReturnType<typeof serveRenderer>>;
  let ing: Ingress;
  let app: http.Server;
  const seen: { method: string; url: string; body: string; auth?: string }[] = [];

  before(async () => {
    mkdirSync('test-output', { recursive: true });
    app = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, body, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
        res.writeHead(200, { 'content-type': 'application/json', 'x-handled': String(seen.length) });
        res.end(JSON.stringify({ ok: true, handled: seen.length, echo: body ? JSON.parse(body) : null }));
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    [renderer, ing, browser] = await Promise.all([serveRenderer(), startIngress(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await renderer?.close();
    await ing?.close();
    await new Promise<void>((r) => (app.close(() => r()), app.closeAllConnections()));
  });

  test('details, reveal, replay with the differences marked, copy as curl', async () => {
    const d = await openDesktop(browser, renderer.url);
    const hs = d.app.handlers;
    try {
      assert.ok((await hs.saveCredentials(renderer.url, { ngrokAuthtoken: 'porthole-test-authtoken-insp', allowInsecureStorage: true })).ok);
      assert.ok((await hs.saveSettings(renderer.url, { serverAddr: ing.serverAddr, caPem: ing.caPem })).ok);
      const port = (app.address() as AddressInfo).port;
      assert.ok((await hs.saveTunnel(renderer.url, { name: 'hooks', target: String(port), mode: 'public', confirmPublic: true, startWithPorthole: false })).ok);
      const { page } = d;
      await page.click('.tunnel-item[data-name="hooks"]');
      const started = await hs.startTunnel(renderer.url, { name: 'hooks' });
      assert.ok(started.ok, JSON.stringify(started));
      const res = await fetch(`${started.value.url}/webhook?token=tok_live_abc`, { method: 'POST', headers: { authorization: TOKEN, 'content-type': 'application/json' }, body: JSON.stringify({ event: 'paid', amount: 42 }) });
      assert.equal(res.status, 200);

      const row = page.locator('[data-role="request-log"] tbody tr', { has: page.locator('.path', { hasText: '/webhook' }) }).first();
      await row.waitFor({ timeout: 10_000 });
      await row.locator('[data-action="request-details"]').click();
      const insp = page.locator('[data-role="inspector"]').first();
      await insp.locator('[data-side="request"] [data-role="headers"]').waitFor();
      const auth = insp.locator('[data-side="request"] [data-role="headers"] tr', { hasText: /authorization/i }).locator('td');
      assert.equal(await auth.textContent(), '[redacted]');
      assert.match((await insp.locator('[data-side="request"] [data-role="start"]').textContent())!, /^POST \/webhook\?token=\[redacted\] HTTP\/1\.1$/);
      assert.equal(await insp.locator('[data-side="request"] [data-role="body"]').textContent(), '{\n  "event": "paid",\n  "amount": 42\n}\n');
      assert.equal(await page.locator('text=sk_test_51Hx9window').count(), 0, 'nothing shows the credential before Reveal');
      await insp.locator('[data-role="body"]').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join('test-output', 'inspect-1-details.png') });

      // Copy as curl: redacted values left out.
      await insp.locator('[data-action="copy-curl"]').click();
      await page.waitForFunction(() => true);
      for (let i = 0; i < 50 && !d.rec.clipboard.length; i++) await new Promise((r) => setTimeout(r, 20));
      const curl = d.rec.clipboard.at(-1)!;
      assert.match(curl, /^curl -X POST 'http:\/\/localhost:\d+\/webhook\?token=' /);
      assert.ok(!curl.includes('sk_test') && !/authorization/i.test(curl), curl);
      assert.match(curl, /--data-binary '\{"event":"paid","amount":42\}'/);

      // Reveal: this request's credentials, as sent.
      await insp.locator('[data-action="reveal"]').click();
      await insp.locator('[data-side="request"] [data-role="headers"] td', { hasText: TOKEN }).waitFor();
      assert.equal(await insp.locator('[data-action="reveal"]').textContent(), 'Hide credentials');

      // Replay: straight to the app, with the real values; the new answer beside the old, differences marked.
      await insp.locator('[data-action="replay"]').click();
      await insp.locator('[data-role="replay-summary"]').waitFor({ timeout: 10_000 });
      // (the protection check's GET / reaches a public tunnel's app too)
      const posts = seen.filter((x) => x.method === 'POST');
      assert.equal(posts.length, 2);
      assert.deepEqual({ ...posts[1], body: JSON.parse(posts[1]!.body) }, { method: 'POST', url: '/webhook?token=tok_live_abc', auth: TOKEN, body: { event: 'paid', amount: 42 } });
      assert.match((await insp.locator('[data-role="replay-summary"]').textContent())!, /the answer differs \(1 header, body\)/);
      assert.equal(await insp.locator('[data-side="replay"] [data-role="headers"] tr.changed th').textContent(), 'x-handled');
      assert.ok((await insp.locator('[data-side="replay"] .line.changed').count()) > 0);
      // The replay is in the log, as the user's.
      await page.locator('[data-role="request-log"] [data-role="replayed"]').first().waitFor();
      await insp.locator('[data-role="replay-result"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join('test-output', 'inspect-2-replay.png') });
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });
});
