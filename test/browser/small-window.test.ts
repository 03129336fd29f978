// test: the window at its stated minimum (640×480) and with hostile text, in headless Chromium on the
// real engine, store and loopback ngrok ingress, the FusionAuth OpenID stand-in and the FusionAuth API
// stand-in: each pane opens at its top; nothing is cut sideways (checklist, Visitors, Requests); long
// paths end in an ellipsis with the full text on hover and in a details row; a field's error is said
// once, an empty one says it is required; the window proposes the CLI's name; the share in force is
// ticked, and only the actions that apply are offered; no text ever becomes markup.
// Screenshots: test-output/small-*.png (looked at, not only asserted on).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { standInVisitor } from '../support/ingress/edge.js';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { startFusionAuthApi, SUPER_KEY } from '../support/fusionauth-api/index.js';
import { startTestApp, type TestApp } from '../visits/app.js';
import type { VisitRecorded } from '../../common/contract.js';
import { chromiumMissing, launchChromium, openDesktop, serveRenderer, type Desktop } from './harness.js';

const OUT = 'test-output';
const AUTHTOKEN = 'porthole-test-authtoken-small-5d1e';
const shot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `small-${name}.png`) });
/** Markup and an entity, as a hostile name, path, identity or provider message would carry them. */
const EVIL = '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">&amp;';
const LONG_PATH = '/reports/2024/quarterly/customer-dashboard/export?format=csv&range=last-90-days&include=archived&sort=desc';
const LONG_EMAIL = 'alice.with-a-rather-long-address@customer-dashboard.example.test';

async function waitFor(pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Anything in the main pane wider than its box (cut sideways or scrolled sideways), as "what: widths". */
function cutSideways(page: Page, scope: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    const main = document.getElementById('main')!;
    if (main.scrollWidth > main.clientWidth + 1) out.push(`main: ${main.scrollWidth} > ${main.clientWidth}`);
    for (const root of document.querySelectorAll<HTMLElement>(sel)) {
      const box = root.getBoundingClientRect();
      for (const el of [root, ...root.querySelectorAll<HTMLElement>('*')]) {
        if (!el.checkVisibility()) continue;
        // an ellipsis is a cut the user is told about (title and details row): not counted here
        if (getComputedStyle(el).textOverflow === 'ellipsis') continue;
        const r = el.getBoundingClientRect();
        const what = `${el.tagName.toLowerCase()}.${el.className}`;
        if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') out.push(`${what}: scrolls ${el.scrollWidth} > ${el.clientWidth}`);
        if (r.right > box.right + 1 || r.left < box.left - 1) out.push(`${what}: ${Math.round(r.left)}–${Math.round(r.right)} outside ${Math.round(box.left)}–${Math.round(box.right)}`);
      }
    }
    return out;
  }, scope);
}

/** Every visible control or text the toast's box overlaps (clipped by scrolling ancestors first). */
function toastOverlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const toast = document.getElementById('toast')!;
    if (toast.hidden) return ['(no toast shown)'];
    const t = toast.getBoundingClientRect();
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, input, select, textarea, summary, a, label, p, pre, code, h2, h3, li, strong, span, td, th')) {
      if (toast.contains(el) || el.contains(toast) || !el.checkVisibility()) continue;
      let r = { left: 0, top: 0, right: 0, bottom: 0, ...el.getBoundingClientRect().toJSON() };
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (getComputedStyle(p).overflowY === 'visible') continue;
        const c = p.getBoundingClientRect();
        r = { left: Math.max(r.left, c.left), top: Math.max(r.top, c.top), right: Math.min(r.right, c.right), bottom: Math.min(r.bottom, c.bottom) };
      }
      if (r.right <= r.left || r.bottom <= r.top) continue;
      if (r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top) out.push(`${el.tagName.toLowerCase()}.${el.className}: ${(el.textContent ?? '').slice(0, 40)}`);
    }
    return out;
  });
}

/** The main pane's scroll position and whether the pane's title is in sight. */
const scrollState = (page: Page) =>
  page.evaluate(() => {
    const main = document.getElementById('main')!;
    const title = main.querySelector('h2')!.getBoundingClientRect();
    return { top: main.scrollTop, titleInSight: title.top >= main.getBoundingClientRect().top - 1 };
  });
const scrollToBottom = (page: Page) => page.evaluate(() => document.getElementById('main')!.scrollTo(0, 1e6));

describe('the window at 640×480 and with hostile text', { skip: chromiumMissing, timeout: 120_000 }, () => {
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

  /** The ingress configured, the authtoken stored, and tunnel `demo` (FusionAuth sign-in) saved. */
  async function desktop(): Promise<Desktop> {
    const d = await openDesktop(browser, renderer.url);
    const hs = d.app.handlers;
    assert.ok((await hs.saveCredentials(renderer.url, { ngrokAuthtoken: AUTHTOKEN, allowInsecureStorage: true })).ok);
    assert.ok((await hs.saveSettings(renderer.url, { serverAddr: ing.serverAddr, caPem: ing.caPem })).ok);
    const fusionauth = { issuer: fa.issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowEmails: [], allowDomains: ['customer-dashboard.example.test', 'example.test'], scopes: [] };
    const saved = await hs.saveTunnel(renderer.url, { name: 'demo', target: String(app.port), mode: 'oidc', startWithPorthole: false, fusionauth });
    assert.ok(saved.ok, JSON.stringify(saved));
    return d;
  }

  test('each pane opens scrolled to its top, whichever pane was scrolled before', async () => {
    const d = await desktop();
    const { page } = d;
    try {
      await page.setViewportSize({ width: 640, height: 480 });
      assert.ok((await d.app.handlers.saveTunnel(renderer.url, { name: 'other', target: '3999', mode: 'public', confirmPublic: true, startWithPorthole: false })).ok);
      await page.click('.tunnel-item[data-name="demo"]');
      await page.locator('section.tunnel[data-tunnel="demo"]').waitFor();
      const steps: [string, string][] = [
        ['#open-settings', 'section.settings'],
        ['.tunnel-item[data-name="other"]', 'section.tunnel[data-tunnel="other"]'],
        ['#new-tunnel', '#tunnel-form'],
        ['.tunnel-item[data-name="demo"]', 'section.tunnel[data-tunnel="demo"]'],
        ['section.tunnel .head-actions button', '#tunnel-form'],
      ];
      for (const [click, pane] of steps) {
        await scrollToBottom(page);
        assert.ok((await page.evaluate(() => document.getElementById('main')!.scrollTop)) > 0, `the pane before ${pane} scrolls`);
        await page.click(click);
        await page.locator(pane).waitFor();
        assert.deepEqual(await scrollState(page), { top: 0, titleInSight: true }, `${pane} opens at its top`);
      }
      await shot(page, '11-opens-at-top');
      // a state push redraws the tunnel pane where the user scrolled it: only a new pane starts at the top
      await page.click('.tunnel-item[data-name="demo"]');
      await scrollToBottom(page);
      const scrolled = await page.evaluate(() => document.getElementById('main')!.scrollTop);
      assert.ok((await d.app.handlers.saveSettings(renderer.url, { notifyNewVisitors: false })).ok);
      await page.waitForTimeout(200);
      assert.equal(await page.evaluate(() => document.getElementById('main')!.scrollTop), scrolled);
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });

  test('at 640×480 nothing is cut: the checklist, Visitors and Requests; a long path ends in … with the full text on hover and in a details row', async () => {
    const d = await desktop();
    const { page } = d;
    try {
      await page.setViewportSize({ width: 640, height: 480 });
      await page.click('.tunnel-item[data-name="demo"]');
      await page.click('[data-action="start"]');
      await page.locator('section.tunnel [data-role="state"]:text("Online")').waitFor({ timeout: 20_000 });
      const url = (await page.locator('[data-role="url"]').textContent())!;
      const alice = standInVisitor({ email: LONG_EMAIL, name: 'Alice' });
      const bob = standInVisitor({ email: 'bob@example.test', name: 'Bob' });
      for (const [cookie, path] of [[alice, LONG_PATH], [bob, '/boom'], [alice, '/plain']] as const) await (await fetch(`${url}${path}`, { headers: { cookie } })).arrayBuffer();
      await page.waitForFunction(() => document.querySelectorAll('[data-role="request-log"] tbody tr[data-status]').length === 3, undefined, { timeout: 10_000 });

      for (const [width, height, colors] of [[640, 480, 'light'], [640, 480, 'dark'], [960, 760, 'light']] as const) {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: colors });
        await page.waitForTimeout(250);
        assert.deepEqual(await cutSideways(page, '[data-role="visits"]'), [], `Visitors and Requests, ${colors}`);
        // every column header is there to read, inside its table's box
        const headers = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('[data-role="visits"] table')].map((t) => {
            const wrap = t.closest('.table-wrap')!.getBoundingClientRect();
            return [...t.querySelectorAll('th')].map((th) => {
              const r = th.getBoundingClientRect();
              const whole = th.scrollWidth <= th.clientWidth + 1; // no header ends in …
              return `${th.textContent}:${r.width > 20 && r.right <= wrap.right + 1 && whole ? 'in' : 'cut'}`;
            });
          }),
        );
        assert.deepEqual(headers, [
          ['Person:in', 'First seen:in', 'Last seen:in', 'Requests:in'],
          ['Time:in', 'Visitor:in', 'Request:in', 'Status:in', 'Took:in', 'Size:in'],
        ]);
        // no value is cut either, but an address or a path, which end in … and are whole on hover
        const cutCells = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('[data-role="visits"] td')]
            .filter((td) => td.scrollWidth > td.clientWidth + 1 && !td.querySelector('.path, .visitor-pick') && td.title !== td.textContent)
            .map((td) => td.textContent),
        );
        assert.deepEqual(cutCells, [], `${width}×${height}`);
        await page.locator('[data-role="request-log"]').scrollIntoViewIfNeeded();
        await shot(page, `12-requests-${width}-${colors}`);
        await page.locator('[data-role="visitors"]').scrollIntoViewIfNeeded();
        await shot(page, `12-visitors-${width}-${colors}`);
      }
      await page.setViewportSize({ width: 640, height: 480 });
      await page.emulateMedia({ colorScheme: 'light' });

      // The long path: one line, cut with an ellipsis, the whole of it on hover.
      const row = page.locator('[data-role="request-log"] tbody tr[data-status]', { has: page.locator(`.path:text-is("${LONG_PATH}")`) });
      const cell = await row.locator('.path').evaluate((el) => {
        const cs = getComputedStyle(el);
        const line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.4;
        return { ellipsis: cs.textOverflow, cut: el.scrollWidth > el.clientWidth, lines: Math.round(el.getBoundingClientRect().height / line), title: el.closest('[title]')?.getAttribute('title') };
      });
      assert.deepEqual(cell, { ellipsis: 'ellipsis', cut: true, lines: 1, title: LONG_PATH });
      // … with room to read a good part of it, and the visitor's address too
      const widths = await row.evaluate((tr) => ({ path: tr.querySelector('.path')!.clientWidth, visitor: tr.children[1]!.clientWidth }));
      assert.ok(widths.path >= 180 && widths.visitor >= 120, JSON.stringify(widths)); // some 25 characters of path at least
      // … and in a details row under it, opened from the row, kept across the live log's redraws
      await row.locator('[data-action="request-details"]').click();
      const details = page.locator('[data-role="request-log"] tr[data-role="request-details"]');
      await details.waitFor();
      assert.ok(((await details.textContent()) ?? '').includes(LONG_PATH), (await details.textContent()) ?? '');
      assert.ok(((await details.textContent()) ?? '').includes(LONG_EMAIL));
      assert.equal(await row.locator('[data-action="request-details"]').getAttribute('aria-expanded'), 'true');
      assert.deepEqual(await cutSideways(page, '[data-role="visits"]'), [], 'the details row wraps instead of cutting');
      await (await fetch(`${url}/one-more`, { headers: { cookie: bob } })).arrayBuffer();
      await page.waitForFunction(() => document.querySelectorAll('[data-role="request-log"] tbody tr[data-status]').length === 4);
      assert.equal(await details.count(), 1, 'the details row stays open as requests arrive');
      await details.scrollIntoViewIfNeeded();
      await shot(page, '12-request-details');

      // The visitor's long address: cut with an ellipsis, the whole of it on hover.
      const person = page.locator(`[data-visitor="${LONG_EMAIL}"] .visitor-pick`);
      assert.match((await person.getAttribute('title')) ?? '', new RegExp(LONG_EMAIL.replace(/\./g, '\\.')));

      // The FusionAuth checklist from the tunnel's form: nothing sideways, its redirect URL included.
      await page.click('section.tunnel .head-actions button');
      await page.click('#check-fusionauth');
      await page.locator('#checklist .checklist').waitFor({ timeout: 20_000 });
      await page.locator('#checklist').scrollIntoViewIfNeeded();
      assert.deepEqual(await cutSideways(page, '#checklist'), [], 'the checklist');
      await shot(page, '12-checklist');
      // a toast from the checklist covers nothing at this size
      const copy = page.locator('[data-action="copy-redirect"]');
      if (await copy.count()) {
        await copy.click();
        await page.waitForSelector('#toast:not([hidden])');
        assert.deepEqual(await toastOverlaps(page), [], 'redirect toast');
      }
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });

  test('a field’s error is said once, an empty field says it is required, and the window proposes the name the CLI derives', async () => {
    const d = await desktop();
    const { page } = d;
    try {
      await page.setViewportSize({ width: 640, height: 480 });
      await page.click('#new-tunnel');
      await page.click('#save-tunnel');
      await page.waitForSelector('.field-error[data-error-for="target"]:not([hidden])');
      const errors = await page.locator('.field-error:not([hidden])').evaluateAll((els) => els.map((e) => [e.getAttribute('data-error-for'), e.textContent ?? '']));
      assert.ok(errors.length >= 3, JSON.stringify(errors));
      for (const [key, text] of errors) {
        const sentences = text.split(/(?<=[.!?])\s+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
        assert.equal(new Set(sentences).size, sentences.length, `${key}: "${text}" says something twice`);
        assert.ok(!/\b(\w+ \w+ \w+)\b.*\b\1\b/i.test(text), `${key}: "${text}" repeats itself`);
      }
      const byKey = Object.fromEntries(errors) as Record<string, string>;
      for (const key of ['target', 'issuer', 'clientId', 'clientSecret']) assert.match(byKey[key] ?? '', /required/i, `${key}: ${byKey[key]}`);
      await page.locator('.field-error[data-error-for="target"]').scrollIntoViewIfNeeded();
      await shot(page, '13-required');

      // The name: proposed as the CLI would derive it, and used when left empty.
      await page.fill('#f-target', '3000');
      await page.waitForFunction(() => document.querySelector<HTMLInputElement>('#f-name')!.placeholder === 'port-3000');
      await page.fill('#f-target', '127.0.0.1:8080');
      await page.waitForFunction(() => document.querySelector<HTMLInputElement>('#f-name')!.placeholder === '127-0-0-1-8080');
      await page.fill('#f-target', String(app.port));
      await page.check('input[name="mode"][value="public"]');
      await page.check('#f-confirm-public');
      await page.click('#save-tunnel');
      await page.locator(`section.tunnel[data-tunnel="port-${app.port}"]`).waitFor();
      assert.ok(d.app.snapshot().tunnels.some((t) => t.name === `port-${app.port}`));
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });

  test('the share in force is ticked in the window and the tray; no "Share for" on an internal endpoint, no "Verify protection" on a public one', async () => {
    const d = await desktop();
    const { page, rec } = d;
    const trayEntry = (name: string) => rec.tray.at(-1)?.menu.find((m) => m.label?.startsWith(`${name} — `));
    try {
      await page.click('.tunnel-item[data-name="demo"]');
      await page.click('[data-share="60"]');
      await page.locator('section.tunnel [data-role="state"]:text("Online")').waitFor({ timeout: 20_000 });
      await page.waitForFunction(() => document.querySelector('[data-share="60"]')?.getAttribute('aria-pressed') === 'true');
      const pressed = await page.locator('[data-share]').evaluateAll((bs) => bs.filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => b.getAttribute('data-share')));
      assert.deepEqual(pressed, ['60']);
      await waitFor(() => !!trayEntry('demo')?.submenu?.flatMap((i) => i.submenu ?? []).some((i) => i.id === 'tunnel:demo:share-60' && i.checked));
      const checked = trayEntry('demo')!.submenu!.flatMap((i) => i.submenu ?? []).filter((i) => i.checked).map((i) => i.id);
      assert.deepEqual(checked, ['tunnel:demo:share-60']);
      await shot(page, '19-share-60');
      // until I stop: that one ticked instead
      await page.click('[data-share="until-stop"]');
      await page.waitForFunction(() => document.querySelector('[data-share="until-stop"]')?.getAttribute('aria-pressed') === 'true');
      assert.equal(await page.getAttribute('[data-share="60"]', 'aria-pressed'), 'false');
      await waitFor(() => !!trayEntry('demo')?.submenu?.flatMap((i) => i.submenu ?? []).some((i) => i.id === 'tunnel:demo:share-until-stopped' && i.checked));
      await page.click('[data-action="stop"]');

      // internal: no share; public: no verify — in the window and the tray
      const hs = d.app.handlers;
      assert.ok((await hs.saveTunnel(renderer.url, { name: 'inner', target: String(app.port), mode: 'internal', startWithPorthole: false })).ok);
      assert.ok((await hs.saveTunnel(renderer.url, { name: 'open', target: String(app.port), mode: 'public', confirmPublic: true, startWithPorthole: false })).ok);
      await page.click('.tunnel-item[data-name="inner"]');
      await page.locator('section.tunnel[data-tunnel="inner"]').waitFor();
      assert.equal(await page.locator('[data-role="share-for"]').count(), 0, 'no "Share for" on an internal endpoint');
      assert.equal(await page.locator('[data-action="verify"]').count(), 1);
      await page.click('.tunnel-item[data-name="open"]');
      await page.locator('section.tunnel[data-tunnel="open"]').waitFor();
      assert.equal(await page.locator('[data-action="verify"]').count(), 0, 'no "Verify protection" on a public tunnel');
      assert.equal(await page.locator('[data-role="share-for"]').count(), 1);
      await waitFor(() => !!trayEntry('inner') && !!trayEntry('open'));
      const labels = (name: string) => JSON.stringify(trayEntry(name)!.submenu!.map((i) => i.label));
      assert.ok(!/Share for/.test(labels('inner')) && /Verify protection/.test(labels('inner')), labels('inner'));
      assert.ok(/Share for/.test(labels('open')) && !/Verify protection/.test(labels('open')), labels('open'));
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });

  test('no text becomes markup: names, paths, identities and provider messages with <img onerror> and &amp; are shown as typed', async () => {
    const api = await startFusionAuthApi({ ngrokCallback: ing.idpCallbackUrl, tenants: [{ name: `Acme ${EVIL}`, issuer: 'acme.com' }] });
    const provider = await startFusionAuth({ tokenAnswer: () => ({ status: 400, body: { error: 'invalid_request', error_description: `refused ${EVIL}` } }) });
    const d = await desktop();
    const { page } = d;
    const noMarkup = async (where: string) => {
      await page.waitForTimeout(150); // an onerror would have fired by now
      const found = await page.evaluate(() => ({ pwned: (window as unknown as { __pwned?: number }).__pwned ?? 0, imgs: document.querySelectorAll('img:not(.qr-img)').length }));
      assert.deepEqual(found, { pwned: 0, imgs: 0 }, where);
    };
    try {
      // identities and paths: the live log as main pushes it
      await page.click('.tunnel-item[data-name="demo"]');
      await page.locator('[data-role="visits"] [data-role="no-visitors"]').waitFor();
      const at = new Date().toISOString();
      const batch: VisitRecorded[] = [
        { tunnel: 'demo', record: { tunnel: 'demo', at, user: `${EVIL}@example.test`, method: 'GET', path: `/${EVIL}`, status: 200, ms: 3, bytes: 12 } },
      ];
      await page.evaluate((b) => (window as unknown as { __portholeEmit(c: string, d: unknown): void }).__portholeEmit('visits', b), batch);
      await page.locator('[data-role="request-log"] tbody tr[data-status]').waitFor();
      await noMarkup('visits');
      assert.equal(await page.locator('[data-role="request-log"] .path').first().textContent(), `/${EVIL}`);
      assert.ok(((await page.locator('[data-role="visitors"]').textContent()) ?? '').includes(`${EVIL}@example.test`));
      await page.locator('[data-action="request-details"]').first().click();
      await page.locator('tr[data-role="request-details"]').waitFor();
      await noMarkup('request details');
      assert.ok(((await page.locator('tr[data-role="request-details"]').textContent()) ?? '').includes(`/${EVIL}`));

      // a provider's message in the checklist
      await page.click('section.tunnel .head-actions button');
      await page.fill('#f-issuer', provider.issuer);
      await page.fill('#f-client-id', provider.clientId);
      await page.fill('#f-client-secret', 'a-secret-the-provider-refuses');
      await page.click('#check-fusionauth');
      await page.locator('#checklist .checklist').waitFor({ timeout: 20_000 });
      await noMarkup('checklist');
      assert.ok(((await page.locator('#checklist').textContent()) ?? '').includes(EVIL), (await page.locator('#checklist').textContent()) ?? '');

      // names: a tenant and an application named with markup, in the set-up plan and its result
      await page.click('#new-tunnel');
      await page.click('[data-action="fa-setup"]');
      await page.fill('#fa-target', String(app.port));
      await page.fill('#fa-name', 'evil');
      await page.fill('#fa-url', api.url);
      await page.fill('#fa-api-key', SUPER_KEY);
      await page.fill('#fa-app', `App ${EVIL}`);
      await page.click('[data-action="show-plan"]');
      await page.locator('[data-role="plan"]').waitFor({ timeout: 20_000 });
      await noMarkup('plan');
      const plan = (await page.locator('[data-role="plan"]').textContent()) ?? '';
      assert.ok(plan.includes(`Acme ${EVIL}`) && plan.includes(`App ${EVIL}`), plan);
      // said once: the issuer's reach over every application of the tenant
      const consent = (await page.locator('.plan-consent').textContent()) ?? '';
      assert.equal(consent.match(/every application/gi)?.length, 1, consent);
      await page.locator('[data-role="plan"]').scrollIntoViewIfNeeded();
      await shot(page, '14-plan');
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
      await provider.close();
      await api.close();
    }
  });
});
