// test: the settings window tells the truth in its own words and hides no way out,
// in headless Chromium on the real engine, store and loopback ngrok ingress. Screenshots go to
// test-output/words-*.png; they are looked at, not only asserted on.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { TENANT_ISSUER_PATH } from '../../common/fields.js';
import { forwardInternalSnippet } from '../../common/view-rules.js';
import { chromiumMissing, launchChromium, openDesktop, serveRenderer, type Desktop } from './harness.js';

const OUT = 'test-output';
const AUTHTOKEN = 'porthole-test-authtoken-words-41c2';
const shot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `words-${name}.png`) });

async function scheme(page: Page, colorScheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme });
  await page.waitForTimeout(250); // the buttons' colour transitions
}

async function waitFor(pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Every visible control or piece of text the toast's box overlaps, as "tag.class: text". Each element's
 * box is first clipped by its scrolling ancestors, so what is scrolled out of sight does not count.
 */
function toastOverlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const toast = document.getElementById('toast')!;
    if (toast.hidden) return ['(no toast shown)'];
    const t = toast.getBoundingClientRect();
    const out: string[] = [];
    const sel = 'button, input, select, textarea, summary, a, label, p, pre, code, h2, h3, li, strong, span';
    for (const el of document.querySelectorAll<HTMLElement>(sel)) {
      if (toast.contains(el) || el.contains(toast) || !el.checkVisibility()) continue;
      let r = { left: 0, top: 0, right: 0, bottom: 0, ...el.getBoundingClientRect().toJSON() };
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (getComputedStyle(p).overflowY === 'visible') continue;
        const c = p.getBoundingClientRect();
        r = { left: Math.max(r.left, c.left), top: Math.max(r.top, c.top), right: Math.min(r.right, c.right), bottom: Math.min(r.bottom, c.bottom) };
      }
      if (r.right <= r.left || r.bottom <= r.top) continue; // out of sight
      if (r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top) out.push(`${el.tagName.toLowerCase()}.${el.className}: ${(el.textContent ?? '').slice(0, 40)}`);
    }
    return out;
  });
}

/** Text cut or hidden sideways: pre blocks, sidebar lines, the panes themselves. */
function cutText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('pre, .tunnel-item-sub, .tunnel-item-name, .main, .sidebar, .alert-text, .url-card')) {
      if (el.checkVisibility() && el.scrollWidth > el.clientWidth + 1) out.push(`${el.className || el.tagName}: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    for (const el of document.querySelectorAll<HTMLElement>('.tunnel-item-sub')) {
      if (getComputedStyle(el).textOverflow === 'ellipsis') out.push(`${el.textContent}: ellipsis`);
    }
    return out;
  });
}

/** Whether an input's placeholder fits its box, measured in the input's own font. */
function placeholderFits(page: Page, selector: string): Promise<{ text: number; box: number }> {
  return page.evaluate((s) => {
    const input = document.querySelector<HTMLInputElement>(s)!;
    const cs = getComputedStyle(input);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const box = input.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    return { text: Math.ceil(ctx.measureText(input.placeholder).width), box };
  }, selector);
}

describe('the window in its own words, with a way out', { skip: chromiumMissing, timeout: 90_000 }, () => {
  let browser: Browser;
  let renderer: Awaited<ReturnType<typeof serveRenderer>>;
  let ing: Ingress;
  let localApp: http.Server;
  let appPort = 0;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    localApp = http.createServer((_req, res) => res.end('the local app'));
    await new Promise<void>((r) => localApp.listen(0, '127.0.0.1', r));
    appPort = (localApp.address() as AddressInfo).port;
    [renderer, ing, browser] = await Promise.all([serveRenderer(), startIngress(), launchChromium()]);
  });

  after(async () => {
    await browser?.close();
    await renderer?.close();
    await ing?.close();
    if (localApp) {
      localApp.closeAllConnections();
      await new Promise<void>((r) => localApp.close(() => r()));
    }
  });

  /** A desktop with the ingress configured and, unless `token` is false, the authtoken stored. */
  async function desktop(opts: { token?: boolean; backend?: string } = {}): Promise<Desktop> {
    const d = await openDesktop(browser, renderer.url, opts.backend ? { backend: opts.backend } : {});
    const h = d.app.handlers;
    if (opts.token !== false) assert.ok((await h.saveCredentials(renderer.url, { ngrokAuthtoken: AUTHTOKEN, allowInsecureStorage: true })).ok);
    assert.ok((await h.saveSettings(renderer.url, { serverAddr: ing.serverAddr, caPem: ing.caPem })).ok);
    return d;
  }

  test('starting without an authtoken puts up a banner that stays, with "Add your ngrok authtoken"', async () => {
    const d = await desktop({ token: false });
    const { page } = d;
    try {
      assert.ok((await d.app.handlers.saveTunnel(renderer.url, { name: 'web', target: String(appPort), mode: 'public', confirmPublic: true, startWithPorthole: false })).ok);
      await page.click('.tunnel-item[data-name="web"]');
      const banner = page.locator('[data-role="authtoken-missing"]');
      assert.equal(await banner.count(), 0, 'no banner before anything needed the authtoken');
      await page.click('[data-action="start"]');
      await banner.waitFor();
      assert.equal(await page.isHidden('#toast'), true, 'a banner, not a passing toast');
      assert.match((await banner.textContent()) ?? '', /No ngrok authtoken is stored/);
      await shot(page, '13-authtoken-banner');
      // It stays across panes and state pushes.
      await page.click('#new-tunnel');
      await page.click('.tunnel-item[data-name="web"]');
      assert.equal(await banner.count(), 1);
      // Its action leads to the field, and the banner goes once the authtoken is stored.
      await banner.locator('[data-action="add-authtoken"]').click();
      await page.waitForSelector('#authtoken-form');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 's-authtoken');
      await page.fill('#s-authtoken', AUTHTOKEN);
      await page.click('#authtoken-form button[type="submit"]');
      await banner.waitFor({ state: 'detached' });
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });

  test('an internal tunnel shows what its URL is for and copies the forward-internal snippet, in the window and the tray', async () => {
    const d = await desktop();
    const { page, rec } = d;
    try {
      assert.ok((await d.app.handlers.saveTunnel(renderer.url, { name: 'inner', target: String(appPort), mode: 'internal', startWithPorthole: false })).ok);
      await page.click('.tunnel-item[data-name="inner"]');
      await page.click('[data-action="start"]');
      await page.waitForSelector('[data-role="url"]:has-text("https://inner.internal")', { timeout: 20_000 });
      assert.equal(await page.locator('[data-action="open-url"], [data-action="qr"], [data-action="copy-url"]').count(), 0, 'no Open, QR or Copy URL for a URL no browser reaches');
      assert.match((await page.textContent('[data-role="internal-purpose"]')) ?? '', /Cloud Endpoint’s forward-internal/);
      const snippet = forwardInternalSnippet('https://inner.internal');
      assert.equal(await page.textContent('[data-role="internal-snippet"]'), snippet);
      await page.click('[data-action="copy-snippet"]');
      await page.waitForSelector('#toast:has-text("forward-internal snippet copied")');
      assert.equal(rec.clipboard.at(-1), snippet);
      assert.deepEqual(await toastOverlaps(page), [], 'the toast covers nothing');
      await shot(page, '6-internal');

      // The tray: the same words, the same snippet; nothing to open.
      await waitFor(() => JSON.stringify(rec.tray.at(-1)?.menu ?? []).includes('inner.internal'));
      const entry = rec.tray.at(-1)!.menu.find((m) => m.label?.startsWith('inner — '))!;
      assert.ok(!entry.submenu!.some((i) => i.id === 'tunnel:inner:open' || i.id === 'tunnel:inner:copy-url'), JSON.stringify(entry.submenu));
      rec.clipboard.length = 0;
      d.app.onMenuItem('tunnel:inner:copy-snippet');
      assert.deepEqual(rec.clipboard, [snippet]);
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });

  test('the tray’s "Show details and fix…" opens the window at the failed tunnel', async () => {
    const d = await desktop();
    const { page, rec } = d;
    try {
      assert.ok((await d.app.handlers.saveTunnel(renderer.url, { name: 'shop', target: String(appPort), mode: 'public', confirmPublic: true, startWithPorthole: false })).ok);
      ing.failAuth('ERR_NGROK_105', 'The authentication you specified does not look like a valid credential.');
      await d.app.handlers.startTunnel(renderer.url, { name: 'shop' });
      await waitFor(() => !!rec.tray.at(-1)?.menu.find((m) => m.label?.startsWith('shop — Error')));
      const entry = rec.tray.at(-1)!.menu.find((m) => m.label?.startsWith('shop — Error'))!;
      const details = entry.submenu!.find((i) => i.label === 'Show details and fix…');
      assert.equal(details?.id, 'tunnel:shop:details');
      await page.click('#open-settings');
      d.app.onMenuItem(details!.id!);
      await page.waitForSelector('section.tunnel[data-tunnel="shop"] [data-role="error"]');
      assert.equal(await page.textContent('[data-role="error-code"]'), 'ERR_NGROK_105');
      await shot(page, '12-details-from-tray');
    } finally {
      ing.failAuth(null);
      await d.close();
    }
  });

  test('the keyring and FusionAuth’s issuer setting named in the user’s words, the same everywhere', async () => {
    for (const [backend, words] of [
      ['gnome_libsecret', /Secrets are encrypted by your desktop’s keyring \(GNOME Keyring\)/],
      ['basic_text', /No keyring: secrets would be stored with a fixed key\..*What to do: Install and unlock GNOME Keyring or KWallet/],
    ] as const) {
      const d = await openDesktop(browser, renderer.url, { backend });
      try {
        await d.page.click('#open-settings');
        const text = (await d.page.textContent('#secret-storage')) ?? '';
        assert.match(text, words);
        assert.ok(!/gnome_libsecret|basic_text|backend/.test(text), text);
        await d.page.locator('#secret-storage').scrollIntoViewIfNeeded();
        await shot(d.page, `10-storage-${backend}`);
        await d.page.click('#new-tunnel');
        assert.ok(!/gnome_libsecret|basic_text/.test((await d.page.textContent('#tunnel-form')) ?? ''));
        assert.match((await d.page.textContent('[data-role="fusionauth-where"]')) ?? '', new RegExp(TENANT_ISSUER_PATH));
        // At the default size the form has two columns; the Client id placeholder still fits.
        const fit = await placeholderFits(d.page, '#f-client-id');
        assert.ok(fit.text <= fit.box, `Client id placeholder ${fit.text}px in a ${fit.box}px box`);
      } finally {
        await d.close();
      }
    }
    // The README says it the same way, and no surface says it the old way.
    const readme = readFileSync('README.md', 'utf8');
    assert.ok(readme.includes(TENANT_ISSUER_PATH));
    assert.ok(!/Tenants [>›] Your Tenant [>›] Issuer/.test(readme));
  });

  test('toasts cover nothing; long text stays readable at 640×480 and 720 px, light and dark', async () => {
    const d = await desktop();
    const { page } = d;
    const fusionauth = { issuer: 'https://auth.example.com', clientId: '85a03867-dccf-4882-adde-1a79aeec50df', clientSecret: 'a-client-secret-for-layout', allowEmails: ['alice@example.com'], allowDomains: [], scopes: [] };
    try {
      const r = await d.app.handlers.saveTunnel(renderer.url, { name: 'customer-dashboard-staging', target: '127.0.0.1:54321', mode: 'oidc', startWithPorthole: false, fusionauth });
      assert.ok(r.ok, JSON.stringify(r));
      await page.click('.tunnel-item[data-name="customer-dashboard-staging"]');
      for (const summary of ['Show ngrok command', 'Show traffic policy']) await page.click(`summary:has-text("${summary}")`);
      await page.waitForFunction(() => !document.querySelector('[data-role="policy"]')?.textContent?.startsWith('…'));

      for (const [width, height] of [[640, 480], [720, 760]] as const) {
        await page.setViewportSize({ width, height });
        for (const colors of ['light', 'dark'] as const) {
          await scheme(page, colors);
          const where = `${width}×${height} ${colors}`;
          await page.click('.tunnel-item[data-name="customer-dashboard-staging"]');
          assert.deepEqual(await cutText(page), [], `tunnel pane, ${where}`);
          assert.match((await page.textContent('.tunnel-item[data-name="customer-dashboard-staging"] .tunnel-item-sub')) ?? '', /127\.0\.0\.1:54321$/);
          // A toast from the share buttons: under the pane, over nothing.
          await page.click('[data-action="copy-policy"]');
          await page.waitForSelector('#toast:has-text("Traffic policy copied")');
          assert.deepEqual(await toastOverlaps(page), [], `policy toast, ${where}`);
          await page.locator('[data-role="policy"]').scrollIntoViewIfNeeded();
          await shot(page, `15-policy-${width}-${colors}`);

          // The form: the Client id placeholder fits, and a field's fix reads as text, not muted grey.
          await page.click('button:has-text("Edit")');
          await page.fill('#f-client-id', '');
          const fit = await placeholderFits(page, '#f-client-id');
          assert.ok(fit.text <= fit.box, `Client id placeholder ${fit.text}px in a ${fit.box}px box, ${where}`);
          await page.fill('#f-issuer', 'acme.com');
          await page.click('#save-tunnel');
          await page.waitForSelector('.field-error[data-error-for="issuer"]:not([hidden])');
          const colorsOf = await page.evaluate(() => ({
            fix: getComputedStyle(document.querySelector('.field-error[data-error-for="issuer"] .error-fix')!).color,
            text: getComputedStyle(document.body).color,
          }));
          assert.equal(colorsOf.fix, colorsOf.text, `the fix is body text, ${where}`);
          assert.deepEqual(await cutText(page), [], `form, ${where}`);
          await page.locator('#f-issuer').scrollIntoViewIfNeeded();
          await shot(page, `15-form-${width}-${colors}`);
          // A toast from the form's own check: the email hint and the check row stay visible.
          await page.fill('#f-issuer', 'https://auth.example.com');
          await page.locator('#check-fusionauth').scrollIntoViewIfNeeded();
          await page.click('button:has-text("Cancel")');
        }
      }
      // A toast over the settings pane's form footer, at the smallest size.
      await page.click('#open-settings');
      await page.locator('#ingress-form button[type="submit"]').click();
      await page.waitForSelector('#toast:has-text("Ingress saved")');
      assert.deepEqual(await toastOverlaps(page), [], 'ingress toast');
      await shot(page, '14-toast-settings');
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });
});
