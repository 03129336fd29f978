// test: a keychain reset and an unreadable settings file, as the window shows them,
// in headless Chromium on the real store, secrets and engine. The secrets were written with one key and
// are read with another (another machine's keychain). Screenshots: test-output/reenter-*.png.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore, SECRET_KEYS } from '../../main/settings/secrets.js';
import type { StoredTunnel } from '../../main/settings/schema.js';
import { chromiumMissing, launchChromium, openDesktop, serveRenderer } from './harness.js';

const OUT = 'test-output';
const shot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `reenter-${name}.png`) });
async function scheme(page: Page, colorScheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme });
  await page.waitForTimeout(250);
}

const web: StoredTunnel = {
  name: 'web',
  target: '3000',
  mode: 'oidc',
  startWithPorthole: false,
  fusionauth: { issuer: 'https://auth.example.com', clientId: '85a03867-dccf-4882-adde-1a79aeec50df', allowEmails: [], allowDomains: ['example.com'], scopes: [] },
};

/** What a run on another machine left: settings, and secrets encrypted with that machine's key. */
async function seed(): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'porthole-reenter-'));
  const { settings, secretsBackend } = openSettingsStore({ cwd });
  settings.write({ tunnels: [web], startAtLogin: false, ngrok: {} });
  const secrets = createSecretStore(secretsBackend, createAesGcmEncryptor(Buffer.alloc(32, 1)));
  await secrets.set(SECRET_KEYS.ngrokAuthtoken, 'reenter-old-token-123');
  await secrets.set(SECRET_KEYS.clientSecret('web'), 'reenter-old-secret-456');
  return cwd;
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

describe('a secret that must be entered again, in the window', { skip: chromiumMissing, timeout: 60_000 }, () => {
  let browser: Browser;
  let renderer: Awaited<ReturnType<typeof serveRenderer>>;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    [renderer, browser] = await Promise.all([serveRenderer(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await renderer?.close();
  });

  test('after a keychain reset the window opens at the authtoken, then at the client secret; neither says "stored"', async () => {
    const cwd = await seed();
    const d = await openDesktop(browser, renderer.url, { cwd, key: Buffer.alloc(32, 2) });
    const { page } = d;
    try {
      assert.deepEqual(d.rec.shown, [{ kind: 'reenter', secret: 'authtoken' }], 'main asked for the authtoken at launch');
      await page.locator('#authtoken-form [data-role="reenter-line"]').waitFor();
      assert.equal(await focusedId(page), 's-authtoken', 'the authtoken field has the cursor');
      assert.match((await page.locator('#authtoken-form [data-role="reenter-line"]').textContent()) ?? '', /could not be read.*keychain reset.*must be entered again/);
      assert.equal(await page.locator('[data-role="authtoken-reenter"]').textContent(), 'must be entered again');
      assert.equal(await page.locator('[data-role="authtoken-stored"]').count(), 0, 'not "stored"');
      assert.equal(await page.locator('#authtoken-status').textContent(), 'Authtoken must be entered again');
      await shot(page, '1-authtoken');
      await scheme(page, 'dark');
      await shot(page, '1a-authtoken-dark');
      await scheme(page, 'light');

      // the tray's "Enter the client secret of web again…"
      const tray = d.rec.tray.at(-1)!;
      const item = tray.menu.find((m) => /client secret of web/.test(m.label ?? ''));
      assert.ok(item?.id, 'the tray offers the client secret');
      d.app.onMenuItem(item.id);
      await page.locator('#tunnel-form [data-role="reenter-line"]').waitFor();
      assert.equal(await focusedId(page), 'f-client-secret', 'the client secret field has the cursor');
      assert.equal(await page.locator('[data-role="secret-reenter"]').textContent(), 'must be entered again');
      assert.equal(await page.locator('[data-role="secret-stored"]').count(), 0, 'not "stored"');
      assert.equal(await page.locator('#f-issuer').inputValue(), web.fusionauth!.issuer, 'the rest of the tunnel was kept');
      await shot(page, '2-client-secret');
      await scheme(page, 'dark');
      await shot(page, '2a-client-secret-dark');
      await scheme(page, 'light');

      // entered again: saved, and the tunnel no longer asks
      await page.fill('#f-client-secret', 'a-new-client-secret-789');
      await page.click('#save-tunnel');
      await page.locator('section.tunnel[data-tunnel="web"]').waitFor();
      assert.equal(await page.locator('[data-role="secret-reenter"]').count(), 0);
      await page.click('#open-settings');
      await page.fill('#s-authtoken', 'a-new-authtoken-0123456789');
      await page.click('#authtoken-form button[type="submit"]');
      await page.locator('[data-role="authtoken-stored"]').waitFor();
      assert.equal(await page.locator('#authtoken-form [data-role="reenter-line"]').count(), 0);
      assert.equal(await page.locator('#authtoken-status').textContent(), 'Authtoken stored');
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });

  test('a tunnel whose client secret must be entered again says so on its pane, with the way to the field', async () => {
    const cwd = await seed();
    const d = await openDesktop(browser, renderer.url, { cwd, key: Buffer.alloc(32, 2) });
    const { page } = d;
    try {
      await page.click('.tunnel-item[data-name="web"]');
      const alert = page.locator('[data-role="secret-reenter"]');
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? '', /client secret must be entered again/);
      await shot(page, '3-tunnel');
      await page.click('[data-action="reenter-secret"]');
      await page.locator('#tunnel-form').waitFor();
      assert.equal(await focusedId(page), 'f-client-secret');
    } finally {
      await d.close();
    }
  });

  test('an unreadable settings file: the banner says what, where and why (the OS reason)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'porthole-unreadable-'));
    mkdirSync(join(cwd, 'settings.json')); // a folder where the file should be: EISDIR even as root
    const d = await openDesktop(browser, renderer.url, { cwd });
    const { page } = d;
    try {
      const banner = page.locator('[data-role="settings-problem"]');
      await banner.waitFor();
      const text = (await banner.textContent()) ?? '';
      assert.match(text, /Porthole cannot read its settings file/);
      assert.match(text, /settings\.json could not be read \(.*EISDIR/);
      assert.match(text, /will not save over it/);
      await shot(page, '4-unreadable');
      await scheme(page, 'dark');
      await shot(page, '4a-unreadable-dark');
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });
});
