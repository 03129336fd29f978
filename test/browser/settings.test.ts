// test: the settings window as shipped, in headless Chromium, served by the REAL engine, store, secrets
// and preflight in this process — against the loopback ngrok ingress and the FusionAuth test provider.
// Screenshots go to test-output/desktop-*.png.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { verifyProtection } from '../../main/oidc/verify.js';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore, SECRET_KEYS } from '../../main/settings/secrets.js';
import { VAULT_SECRET_REF } from '../../main/tunnel/policy.js';
import { chromiumMissing, launchChromium, openDesktop, serveRenderer, type Desktop } from './harness.js';

const OUT = 'test-output';
const skip = chromiumMissing;
const AUTHTOKEN = 'porthole-test-authtoken-7f3a9c';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(OUT, `desktop-${name}.png`) });
}

/** Switch the OS colour scheme, and let the buttons' colour transitions finish before a screenshot. */
async function scheme(page: Page, colorScheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme });
  await page.waitForTimeout(250);
}

/** The main pane scrolled so `selector` is in view, for a screenshot of the part that matters. */
async function scrollTo(page: Page, selector: string): Promise<void> {
  await page.locator(selector).scrollIntoViewIfNeeded();
}

describe('settings window in Chromium, on the real engine', { skip, timeout: 60_000 }, () => {
  let browser: Browser;
  let renderer: Awaited<ReturnType<typeof serveRenderer>>;
  let ing: Ingress;
  let fa: FusionAuth;
  let localApp: http.Server;
  let appPort = 0;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    localApp = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('the local app');
    });
    await new Promise<void>((r) => localApp.listen(0, '127.0.0.1', r));
    appPort = (localApp.address() as AddressInfo).port;
    [renderer, ing, browser] = await Promise.all([serveRenderer(), startIngress(), launchChromium()]);
    fa = await startFusionAuth({ redirectUris: [ing.idpCallbackUrl] });
  });

  after(async () => {
    await browser?.close();
    await renderer?.close();
    await ing?.close();
    await fa?.close();
    if (localApp) {
      localApp.closeAllConnections();
      await new Promise<void>((r) => localApp.close(() => r()));
    }
  });

  test('add a tunnel by picking a port and pasting credentials, check FusionAuth, start it, copy its URL', async () => {
    const d: Desktop = await openDesktop(browser, renderer.url);
    const { page, rec } = d;
    try {
      await shot(page, '1-first-run');
      await scheme(page, 'dark');
      await shot(page, '1a-first-run-dark');
      await scheme(page, 'light');
      assert.equal(await page.locator('#authtoken-status').textContent(), 'Add your ngrok authtoken');

      // The guide's first step takes the authtoken right there; a malformed one is refused, naming the field.
      await page.fill('#first-authtoken', 'not a token');
      await page.click('#first-authtoken-form button[type="submit"]');
      const tokenError = page.locator('#first-authtoken-form .field-error[data-error-for="authtoken"]');
      await tokenError.waitFor();
      assert.match((await tokenError.textContent()) ?? '', /dashboard\.ngrok\.com/);
      await page.fill('#first-authtoken', AUTHTOKEN);
      await page.click('#first-authtoken-form button[type="submit"]');
      await page.waitForSelector('li[data-step="authtoken"].done');
      assert.equal(await page.locator('#first-authtoken').count(), 0, 'the secret field is gone once stored');
      assert.equal(await page.locator('#authtoken-status').textContent(), 'Authtoken stored');
      assert.equal(await page.getAttribute('#first-tunnel', 'class'), 'btn primary', 'the next step is the one to take');
      await shot(page, '1b-first-run-token-stored');

      // ngrok settings: the authtoken shows as stored, never its value; the enterprise ingress this test runs against.
      await page.click('#open-settings');
      await page.waitForSelector('[data-role="authtoken-stored"]');
      assert.equal(await page.inputValue('#s-authtoken'), '');
      await page.fill('#s-server', ing.serverAddr);
      await page.fill('#s-ca', ing.caPem);
      await page.click('#ingress-form button[type="submit"]');
      await page.waitForSelector('.toast:has-text("Ingress saved")');
      await shot(page, '2-ngrok-settings');

      // Start at login: the window's checkbox goes to the OS and the tray; the tray's goes to the open window.
      await page.check('#s-login');
      await page.waitForSelector('.toast:has-text("Porthole will start at login")');
      assert.equal(rec.loginItem, true);
      await waitFor(() => rec.tray.at(-1)?.menu.find((m) => m.id === 'start-at-login')?.checked === true);
      d.app.onMenuItem('start-at-login');
      await page.waitForFunction(() => !document.querySelector<HTMLInputElement>('#s-login')?.checked);
      assert.equal(rec.loginItem, false);
      assert.equal(await page.inputValue('#s-server'), ing.serverAddr, 'the saved ingress is still shown');

      // New tunnel: the local port picked from what is listening, with the process's name.
      await page.click('#new-tunnel');
      const option = page.locator(`#f-port-pick option[value="${appPort}"]`);
      await option.waitFor({ state: 'attached' });
      assert.match((await option.textContent()) ?? '', new RegExp(`^${appPort} — node`));
      await page.selectOption('#f-port-pick', String(appPort));
      assert.equal(await page.inputValue('#f-target'), String(appPort));
      // the name proposed is the one `porthole share <port>` derives; it is used when the field stays empty
      assert.equal(await page.getAttribute('#f-name', 'placeholder'), `port-${appPort}`);
      assert.equal(await page.inputValue('#f-name'), '');
      assert.equal(await page.locator('#target-warning').isHidden(), true, 'no warning: something listens');
      await page.fill('#f-name', 'dashboard');

      // Bad input: every wrong field is named, nothing is saved.
      await page.fill('#f-issuer', 'acme.com');
      await page.fill('#f-emails', 'alice@example.test, not-an-email');
      await page.click('#save-tunnel');
      await page.waitForSelector('.field-error[data-error-for="issuer"]:not([hidden])');
      const errorText = async (key: string) => (await page.locator(`.field-error[data-error-for="${key}"]`).textContent()) ?? '';
      assert.match(await errorText('issuer'), /absolute https URL/);
      assert.match(await errorText('issuer'), /acme\.com/);
      assert.match(await errorText('clientId'), /required/);
      assert.match(await errorText('clientSecret'), /required/);
      assert.match(await errorText('allowEmails'), /email address/);
      assert.equal(await page.getAttribute('#f-issuer', 'aria-invalid'), 'true');
      await page.locator('#f-issuer').scrollIntoViewIfNeeded();
      await shot(page, '3-field-errors');
      assert.equal(d.app.snapshot().tunnels.length, 0, 'nothing was saved');

      // A port nothing listens on is warned about (but may be typed).
      const closed = http.createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const freePort = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      await page.fill('#f-target', String(freePort));
      await page.waitForSelector('#target-warning:not([hidden])');
      assert.match((await page.textContent('#target-warning')) ?? '', new RegExp(`Nothing is listening on port ${freePort}`));
      await page.fill('#f-target', String(appPort));
      await page.waitForSelector('#target-warning', { state: 'hidden' });

      // Paste the FusionAuth credentials and run the check.
      await page.fill('#f-issuer', fa.issuer);
      await page.fill('#f-client-id', fa.clientId);
      await page.fill('#f-emails', 'alice@example.test');
      // A mistyped secret: the check fails with FusionAuth's fix.
      await page.fill('#f-client-secret', `${fa.clientSecret}-typo`);
      await page.click('#check-fusionauth');
      await page.waitForSelector('.checklist[data-ok="false"]', { timeout: 15_000 });
      assert.equal(await page.getAttribute('[data-check="client-credentials"]', 'data-status'), 'fail');
      assert.match((await page.textContent('[data-check="client-credentials"] .fix')) ?? '', /Applications/);
      // The redirect URL can't be probed: it is to be done by hand, never a pass.
      assert.equal(await page.getAttribute('[data-check="redirect-uri"]', 'data-status'), 'manual');
      assert.match((await page.textContent('.checklist-summary')) ?? '', /^1 failed, 1 to do by hand/);
      await page.locator('[data-check="client-credentials"]').scrollIntoViewIfNeeded();
      await shot(page, '4a-fusionauth-check-failed');
      await page.fill('#f-client-secret', fa.clientSecret);
      await page.click('#check-fusionauth');
      await page.waitForSelector('.checklist[data-ok="true"]', { timeout: 15_000 });
      await page.waitForSelector('.checklist', { timeout: 15_000 });
      assert.equal(await page.getAttribute('.checklist', 'data-ok'), 'true', (await page.textContent('.checklist')) ?? '');
      const checks = await page.locator('[data-check]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-check'), e.getAttribute('data-status')]));
      assert.deepEqual(
        checks.map(([id]) => id),
        ['issuer-url', 'discovery', 'issuer-match', 'grants', 'scopes', 'token-endpoint', 'client-credentials', 'redirect-uri'],
      );
      assert.ok(
        checks.filter(([id]) => id !== 'redirect-uri').every(([, status]) => status === 'pass'),
        JSON.stringify(checks),
      );
      assert.equal(await page.textContent('[data-role="redirect-uri"]'), 'https://idp.ngrok.com/oauth2/callback');
      await page.click('[data-action="copy-redirect"]');
      await page.waitForSelector('.toast:has-text("Redirect URL copied")');
      assert.equal(rec.clipboard.at(-1), 'https://idp.ngrok.com/oauth2/callback');
      await page.locator('.checklist').scrollIntoViewIfNeeded();
      await shot(page, '4-fusionauth-check');

      // Save: the tunnel appears, stopped; its secret is stored, never shown.
      await page.click('#save-tunnel');
      await page.waitForSelector('section.tunnel[data-tunnel="dashboard"]');
      assert.equal(await page.textContent('[data-role="state"]'), 'Stopped');

      // Start: online with the ingress's URL, then verified protected.
      await page.click('[data-action="start"]');
      await page.waitForSelector('[data-role="protection"]:has-text("Protected")', { timeout: 20_000 });
      assert.equal(await page.textContent('[data-role="state"]'), 'Online');
      const url = (await page.textContent('[data-role="url"]')) ?? '';
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+/);
      assert.equal(ing.binds.filter((b) => !b.error).at(-1)?.url, url, 'the URL is the one the ingress bound');
      assert.equal(ing.auths.at(-1)?.authtoken, AUTHTOKEN, 'the stored authtoken reached ngrok');
      const bound = ing.binds.at(-1)!;
      assert.equal(bound.trafficPolicy?.on_http_request?.flatMap((r: any) => r.actions ?? []).find((a: any) => a.type === 'openid-connect')?.config?.client_secret, fa.clientSecret, 'the stored secret reached the policy');
      assert.match(await page.textContent('.tunnel-item[data-name="dashboard"]') ?? '', /127\.0\.0\.1/);

      // Copy URL, QR code, ngrok command, traffic policy.
      await page.click('[data-action="copy-url"]');
      await page.waitForSelector('.toast:has-text("URL copied")');
      assert.equal(rec.clipboard.at(-1), url);
      await page.click('[data-action="qr"]');
      await page.waitForFunction(() => document.querySelector<HTMLImageElement>('img.qr-img')?.src.startsWith('data:image/png;base64,'));
      await page.click('[data-action="copy-command"]');
      assert.match(rec.clipboard.at(-1) ?? '', new RegExp(`ngrok http ${appPort}`));
      assert.ok(!(rec.clipboard.at(-1) ?? '').includes(fa.clientSecret), 'the command reads the secret from the environment');
      await page.click('[data-action="copy-policy"]');
      await page.waitForSelector('.toast:has-text("Traffic policy copied")');
      const copiedPolicy = rec.clipboard.at(-1) ?? '';
      assert.match(copiedPolicy, /openid-connect/);
      await page.click('details:has([data-role="policy"]) summary');
      const shown = (await page.textContent('[data-role="policy"]')) ?? '';
      assert.equal(shown, copiedPolicy, 'the policy copied is the one shown');
      assert.ok(shown.includes(`client_secret: ${VAULT_SECRET_REF}`), shown);
      for (const text of rec.clipboard) assert.ok(!text.includes(fa.clientSecret), 'no secret ever reaches the clipboard');
      await page.locator('[data-action="copy-url"]').scrollIntoViewIfNeeded();
      await shot(page, '5-online-protected');

      // The tray followed: icon online, a menu entry for the tunnel, Copy URL on top.
      await waitFor(() => rec.tray.at(-1)?.icon === 'online');
      const menu = rec.tray.at(-1)!.menu;
      assert.equal(menu[0]?.id, 'copy-first-url');
      assert.ok(menu.some((m) => m.label?.startsWith('dashboard — Online, protected')), JSON.stringify(menu));
      assert.ok(rec.notices.some((n) => n.title === 'dashboard is online' && n.body === url));

      // Editing shows the secret as stored, never its value.
      await page.click('button:has-text("Edit")');
      await page.waitForSelector('[data-role="secret-stored"]');
      assert.equal(await page.inputValue('#f-client-secret'), '');
      assert.match((await page.getAttribute('#f-client-secret', 'placeholder')) ?? '', /Stored/);
      await page.click('button:has-text("Cancel")');

      // Stop.
      await page.click('[data-action="stop"]');
      await page.waitForSelector('[data-role="state"]:has-text("Stopped")');

      // No IPC answer and no state push ever carried a secret; the page never threw.
      assert.ok(rec.results.length > 10 && rec.pushes.length > 5, `${rec.results.length} results, ${rec.pushes.length} pushes`);
      for (const r of [...rec.results, ...rec.pushes]) {
        assert.ok(!r.includes(fa.clientSecret), `a result carried the client secret: ${r.slice(0, 200)}`);
        assert.ok(!r.includes(AUTHTOKEN), `a result carried the authtoken: ${r.slice(0, 200)}`);
      }
      assert.deepEqual(d.pageErrors, []);
    } catch (err) {
      await shot(page, 'failure').catch(() => undefined);
      throw err;
    } finally {
      await d.close();
    }
  });

  test('no OS keychain: the window says so and asks before storing; public needs a confirmation; import from ngrok config', async () => {
    const home = mkdtempSync(join(tmpdir(), 'porthole-home-'));
    mkdirSync(join(home, '.config', 'ngrok'), { recursive: true });
    writeFileSync(join(home, '.config', 'ngrok', 'ngrok.yml'), `version: 3\nagent:\n  authtoken: ${AUTHTOKEN}-imported\n`);
    const d = await openDesktop(browser, renderer.url, { backend: 'basic_text', home, env: {}, deps: { platform: 'linux' } });
    const { page, rec } = d;
    try {
      await page.click('#open-settings');
      assert.match((await page.textContent('#secret-storage')) ?? '', /No keyring: secrets would be stored with a fixed key/);
      await page.click('#import-authtoken');
      await page.waitForSelector('#modal:not([hidden])');
      assert.match((await page.textContent('#modal-title')) ?? '', /without a keyring/);
      await shot(page, '6-basic-text-confirm');
      await page.click('#modal-cancel');
      await page.waitForSelector('#modal', { state: 'hidden' });
      assert.equal(await page.locator('[data-role="authtoken-stored"]').count(), 0, 'refused: nothing stored');
      await page.click('#import-authtoken');
      await page.click('#modal-confirm');
      await page.waitForSelector('[data-role="authtoken-stored"]');
      assert.match((await page.textContent('.toast')) ?? '', new RegExp(`imported from ${join(home, '.config', 'ngrok', 'ngrok.yml').replace(/[.]/g, '\\.')}`));

      // A public tunnel is refused until the risk is confirmed.
      await page.click('#new-tunnel');
      await page.fill('#f-target', String(appPort));
      await page.fill('#f-name', 'open-demo');
      await page.check('input[name="mode"][value="public"]');
      assert.equal(await page.locator('#fusionauth-group').isHidden(), true);
      await page.click('#save-tunnel');
      await page.waitForSelector('.field-error[data-error-for="confirmPublic"]:not([hidden])');
      assert.match((await page.textContent('.field-error[data-error-for="confirmPublic"]')) ?? '', /anyone with the URL/);
      await shot(page, '7-public-confirm');
      await page.check('#f-confirm-public');
      await page.click('#save-tunnel');
      await page.waitForSelector('section.tunnel[data-tunnel="open-demo"]');

      // Remove asks first; Cancel keeps the tunnel, Remove deletes it.
      await page.click('button:has-text("Edit")');
      await page.click('#remove-tunnel');
      await page.waitForSelector('#modal:not([hidden])');
      assert.match((await page.textContent('#modal-title')) ?? '', /Remove open-demo/);
      await page.click('#modal-cancel');
      assert.equal(d.app.snapshot().tunnels.length, 1);
      await page.click('#remove-tunnel');
      await page.click('#modal-confirm');
      await page.waitForSelector('.toast:has-text("Removed open-demo")');
      assert.deepEqual(d.app.snapshot().tunnels, []);
      assert.equal(await page.locator('.tunnel-item').count(), 0);

      // The tray's "New tunnel…" while the window is open shows the form.
      d.app.onMenuItem('new-tunnel');
      await page.waitForSelector('#tunnel-form');
      assert.deepEqual(d.pageErrors, []);
      for (const r of [...rec.results, ...rec.pushes]) assert.ok(!r.includes(`${AUTHTOKEN}-imported`), 'the imported token never reaches the window');
    } finally {
      await d.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('what a running tunnel looks like: error with code and fix, found open, reconnecting; narrow and dark', async () => {
    // "leaky" stands for an endpoint whose edge lets strangers through: its protection check requests the
    // unprotected local app (the real verifyProtection, the real answer), so it is found open.
    const d = await openDesktop(browser, renderer.url, {
      deps: { verify: (url, spec) => verifyProtection(spec.name === 'leaky' ? `http://127.0.0.1:${appPort}/` : url, spec) },
    });
    const { page, rec } = d;
    const h = d.app.handlers;
    const fusionauth = { issuer: fa.issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowEmails: ['alice@example.test'], allowDomains: [], scopes: [] };
    try {
      assert.ok((await h.saveCredentials(renderer.url, { ngrokAuthtoken: AUTHTOKEN })).ok);
      assert.ok((await h.saveSettings(renderer.url, { serverAddr: ing.serverAddr, caPem: ing.caPem })).ok);
      for (const name of ['shop', 'leaky']) {
        const r = await h.saveTunnel(renderer.url, { name, target: String(appPort), mode: 'oidc', startWithPorthole: false, fusionauth });
        assert.ok(r.ok, JSON.stringify(r));
      }
      await page.click('.tunnel-item[data-name="shop"]');

      // ngrok refuses the authtoken: the tunnel shows the error, what to do, and ngrok's code.
      ing.failAuth('ERR_NGROK_105', 'The authentication you specified does not look like a valid credential.');
      await page.click('[data-action="start"]');
      const alert = page.locator('[data-role="error"]');
      await alert.waitFor({ timeout: 15_000 });
      assert.equal(await page.textContent('[data-role="state"]'), 'Error');
      assert.match((await alert.textContent()) ?? '', /ngrok rejected the authtoken/);
      assert.match((await alert.locator('[data-role="error-fix"]').textContent()) ?? '', /dashboard\.ngrok\.com/);
      assert.equal(await alert.locator('[data-role="error-code"]').textContent(), 'ERR_NGROK_105');
      assert.equal(await page.getAttribute('.tunnel-item[data-name="shop"] .dot', 'class'), 'dot dot-error');
      await waitFor(() => rec.tray.at(-1)?.icon === 'error');
      assert.ok(rec.notices.some((n) => n.title === 'shop failed' && /authtoken/.test(n.body)), JSON.stringify(rec.notices));
      await shot(page, '8-error-authtoken');
      // The alert's button leads to where the fix is made.
      await alert.locator('[data-action="fix-error"]').click();
      await page.waitForSelector('#authtoken-form');
      await page.click('.tunnel-item[data-name="shop"]');

      // Fixed at ngrok's end: Start again goes online and protected; the error is gone.
      ing.failAuth(null);
      await page.click('[data-action="start"]');
      await page.waitForSelector('[data-role="protection"]:has-text("Protected")', { timeout: 20_000 });
      assert.equal(await alert.count(), 0);

      // An endpoint found open: a loud alert in the window, the error icon and a notification.
      await page.click('.tunnel-item[data-name="leaky"]');
      await page.click('[data-action="start"]');
      const open = page.locator('[data-role="open-alert"]');
      await open.waitFor({ timeout: 20_000 });
      assert.match((await open.textContent()) ?? '', /open to anyone/i);
      assert.equal(await page.textContent('[data-role="protection"]'), 'OPEN');
      assert.equal(await page.getAttribute('.tunnel-item[data-name="leaky"] .dot', 'class'), 'dot dot-danger');
      await waitFor(() => rec.tray.at(-1)?.icon === 'error');
      assert.ok(rec.notices.some((n) => n.title === 'leaky is OPEN'), JSON.stringify(rec.notices));
      await shot(page, '9-found-open');
      // The stop button is right there in the alert.
      await open.locator('[data-action="stop"]').click();
      await page.waitForSelector('[data-role="state"]:has-text("Stopped")');
      assert.equal(await open.count(), 0);

      // The ingress goes away for a while: "Reconnecting", then back online by itself.
      await page.click('.tunnel-item[data-name="shop"]');
      const outage = ing.outage(2000);
      await page.waitForSelector('[data-role="state"]:has-text("Reconnecting")', { timeout: 5000 });
      await waitFor(() => rec.tray.at(-1)?.icon === 'connecting');
      await shot(page, '10-reconnecting');
      await outage;
      await page.waitForSelector('[data-role="state"]:has-text("Online")', { timeout: 10_000 });

      // A narrow window (the minimum is 640 px): nothing overflows sideways.
      await page.setViewportSize({ width: 720, height: 760 });
      const overflow = () => page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.main, .sidebar')].some((el) => el.scrollWidth > el.clientWidth + 1));
      assert.equal(await overflow(), false, 'the tunnel pane fits 720 px');
      await shot(page, '11-narrow-tunnel');
      await page.click('button:has-text("Edit")');
      await page.waitForSelector('#tunnel-form');
      assert.equal(await overflow(), false, 'the form fits 720 px');
      await shot(page, '12-narrow-form');
      await page.click('button:has-text("Cancel")');

      // Dark mode follows the OS.
      await page.setViewportSize({ width: 960, height: 760 });
      await scheme(page, 'dark');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(bg, 'rgb(246, 247, 249)', 'the dark palette applies');
      await page.click('.tunnel-item[data-name="shop"]');
      await shot(page, '13-dark-online');
      await page.click('.tunnel-item[data-name="leaky"]');
      await page.click('[data-action="start"]');
      await open.waitFor({ timeout: 20_000 });
      await shot(page, '14-dark-open');
      await page.click('button:has-text("Edit")');
      await page.fill('#f-issuer', 'acme.com');
      await page.click('#save-tunnel');
      await page.waitForSelector('.field-error[data-error-for="issuer"]:not([hidden])');
      await page.locator('#f-issuer').scrollIntoViewIfNeeded();
      await shot(page, '15-dark-form-errors');
      await page.click('button:has-text("Cancel")');

      for (const r of [...rec.results, ...rec.pushes]) {
        assert.ok(!r.includes(fa.clientSecret), `the window got the client secret: ${r.slice(0, 200)}`);
        assert.ok(!r.includes(AUTHTOKEN), `the window got the authtoken: ${r.slice(0, 200)}`);
      }
      assert.deepEqual(d.pageErrors, []);
    } catch (err) {
      await shot(page, 'failure').catch(() => undefined);
      throw err;
    } finally {
      ing.failAuth(null);
      await d.close();
    }
  });

  test('a damaged settings file: the window says where it went and what was kept; the secrets survive', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'porthole-damaged-'));
    const key = Buffer.alloc(32, 9);
    const keep = { name: 'kept', target: String(appPort), mode: 'public', startWithPorthole: false };
    // What a previous run left: the authtoken in secrets.json, and a settings.json damaged since
    // (its second tunnel no longer valid).
    await createSecretStore(openSettingsStore({ cwd }).secretsBackend, createAesGcmEncryptor(key)).set(SECRET_KEYS.ngrokAuthtoken, AUTHTOKEN);
    writeFileSync(join(cwd, 'settings.json'), JSON.stringify({ tunnels: [keep, { name: 'broken', target: '99999', mode: 'public' }], startAtLogin: false }));

    const d = await openDesktop(browser, renderer.url, { cwd, key });
    const { page } = d;
    try {
      const banner = page.locator('[data-role="settings-problem"]');
      await banner.waitFor();
      assert.match((await banner.textContent()) ?? '', /settings\.json\.corrupt-.*1 tunnel that could still be read was kept/);
      assert.equal(await page.locator('.tunnel-item[data-name="kept"]').count(), 1, 'the readable tunnel is still there');
      assert.equal(await page.locator('#authtoken-status').textContent(), 'Authtoken stored', 'the secrets file was not touched');
      assert.equal(d.rec.notices.filter((n) => /damaged/.test(n.title)).length, 1, 'and a notification said so');
      await shot(page, '16-damaged-settings');
      await page.click('[data-action="dismiss-problem"]');
      await banner.waitFor({ state: 'detached' });
      assert.equal(await page.isHidden('#banner'), true);
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });

  test("the page's own CSP refuses inline script, inline handlers, eval and any fetch", async () => {
    const d = await openDesktop(browser, renderer.url);
    try {
      const got = await d.page.evaluate(async (port) => {
        const w = window as unknown as Record<string, unknown>;
        const violations: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
        const script = document.createElement('script');
        script.textContent = 'window.__inline = true';
        document.body.append(script);
        // A whole 1×1 GIF, so the load event surely fires: Chromium reports a refused handler only when it would run.
        document.body.insertAdjacentHTML('beforeend', '<img alt="" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" onload="window.__handler = true">');
        // From a timer, not from evaluate()'s own stack, which DevTools exempts from the page's CSP.
        const evaluated = await new Promise<boolean>((resolve) =>
          setTimeout(() => {
            try {
              resolve((0, eval)('true') === true);
            } catch {
              resolve(false); // EvalError: refused by script-src (no 'unsafe-eval')
            }
          }, 0),
        );
        let fetched = false;
        try {
          await fetch(`http://127.0.0.1:${port}/`);
          fetched = true;
        } catch {
          // refused by connect-src 'none'
        }
        await new Promise((r) => setTimeout(r, 200));
        return { inline: w.__inline === true, handler: w.__handler === true, evaluated, fetched, violations: [...new Set(violations)].sort() };
      }, appPort);
      assert.deepEqual(got, { inline: false, handler: false, evaluated: false, fetched: false, violations: ['connect-src', 'script-src-attr', 'script-src-elem', 'script-src'].sort() });
    } finally {
      await d.close();
    }
  });
});

async function waitFor(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
