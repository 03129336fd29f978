// test: "Set up FusionAuth for me" in the window, in headless Chromium on the real operations
// (main/core/fusionauth.ts through the IPC handlers), against the FusionAuth API stand-in on loopback
// (every request checked against FusionAuth's OpenAPI document). From first run: URL + API key, the
// plan with the issuer's consent box, Apply, the checklist all green; FusionAuth's errors under their
// fields; Apply writes only the plan shown (FusionAuth changed meanwhile: the new plan, nothing written).
// Screenshots (light and dark): test-output/fa-setup-*.png.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { startFusionAuthApi, SUPER_KEY, type StandIn } from '../support/fusionauth-api/index.js';
import { chromiumMissing, launchChromium, openDesktop, serveRenderer } from './harness.js';

const OUT = 'test-output';
const shot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `fa-setup-${name}.png`) });
async function scheme(page: Page, colorScheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme });
  await page.waitForTimeout(250);
}

describe('Set up FusionAuth for me, in the window', { skip: chromiumMissing, timeout: 90_000 }, () => {
  let browser: Browser;
  let renderer: Awaited<ReturnType<typeof serveRenderer>>;
  let ing: Ingress;
  let fa: StandIn;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    [renderer, ing, browser] = await Promise.all([serveRenderer(), startIngress(), launchChromium()]);
    fa = await startFusionAuthApi({ ngrokCallback: ing.idpCallbackUrl, users: [{ email: 'alice@example.test', password: 'pw-alice-1' }] });
  });
  after(async () => {
    await browser?.close();
    await renderer?.close();
    await ing?.close();
    const v = fa?.violations ?? [];
    await fa?.close();
    assert.deepEqual(v, [], 'every request and answer matched FusionAuth’s OpenAPI document');
  });

  test('first run: URL + API key → plan with the issuer consent → Apply → checklist all green; errors per field', async () => {
    const d = await openDesktop(browser, renderer.url);
    const { page } = d;
    try {
      await page.click('#first-fa-setup');
      await page.locator('[data-role="fa-setup"]').waitFor();
      assert.equal(await page.getAttribute('#fa-api-key', 'type'), 'password', 'the API key is write-only');
      await page.fill('#fa-target', '3000');
      await page.fill('#fa-name', 'web');
      await page.fill('#fa-url', fa.url);

      // a wrong API key: FusionAuth's 401, under the API key field
      await page.fill('#fa-api-key', 'not-a-key-0000000000000000');
      await page.click('[data-action="show-plan"]');
      const keyError = page.locator('.field-error[data-error-for="fa-api-key"]');
      await keyError.waitFor({ state: 'visible' });
      assert.match((await keyError.textContent()) ?? '', /API key/i);
      await shot(page, '0-bad-key');

      await page.fill('#fa-api-key', SUPER_KEY);
      await page.check('#fa-require');
      await page.fill('#fa-register', 'alice@example.test');
      await page.click('[data-action="show-plan"]');
      await page.locator('[data-role="plan"]').waitFor();
      assert.equal(await keyError.isHidden(), true, 'the error went once the key was right');
      const kinds = await page.locator('.plan-line').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-kind')));
      assert.deepEqual(kinds, ['fix-issuer', 'create-application', 'register-user']);
      // the line says the issuer's reach over every application once; the warning says what follows from it
      assert.match((await page.locator('.plan-line[data-kind="fix-issuer"]').textContent()) ?? '', /every application on this tenant signs tokens with it/);
      assert.match((await page.locator('[data-role="issuer-warning"]').textContent()) ?? '', /sign-ins of their users change too.*Nothing is written until you tick the box/);
      assert.equal(await page.isDisabled('[data-action="apply-setup"]'), true, 'nothing is applied before the consent');
      assert.equal(fa.calls.filter((c) => !c.startsWith('GET')).length, 0, 'the plan wrote nothing');
      await page.locator('[data-role="plan"]').scrollIntoViewIfNeeded();
      await shot(page, '1-plan');
      await scheme(page, 'dark');
      await shot(page, '1a-plan-dark');
      await scheme(page, 'light');

      await page.check('input[data-consent="fixIssuer"]');
      await page.click('[data-action="apply-setup"]');
      const applied = page.locator('[data-role="applied"]');
      await applied.waitFor({ timeout: 20_000 });
      const statuses = await applied.locator('.check-item').evaluateAll((ls) => ls.map((l) => `${l.getAttribute('data-check')}:${l.getAttribute('data-status')}`));
      assert.ok(statuses.every((s) => !/:(fail|skip)$/.test(s)), statuses.join(' '));
      assert.equal(await applied.locator('.checklist').getAttribute('data-ok'), 'true');
      assert.equal(await page.inputValue('#fa-api-key'), '', 'the API key is gone from the page');
      await applied.scrollIntoViewIfNeeded();
      await shot(page, '2-applied');
      await scheme(page, 'dark');
      await shot(page, '2a-applied-dark');
      await scheme(page, 'light');

      // stored: the tunnel exists with the new client id and a stored secret; no secret in any answer
      const t = d.app.snapshot().tunnels.find((x) => x.name === 'web');
      assert.equal(t?.fusionauth?.clientSecret.stored, true);
      const app = [...fa.applications.values()][0]!;
      for (const r of d.rec.results) assert.ok(!r.includes(app.oauthConfiguration.clientSecret) && !r.includes(SUPER_KEY), 'no secret crosses to the window');
      await page.click('[data-action="show-tunnel"]');
      await page.locator('section.tunnel[data-tunnel="web"]').waitFor();

      // the same path from the tunnel's FusionAuth card: a second run has nothing to do
      await page.click('section.tunnel .head-actions button');
      await page.click('[data-action="fa-setup"]');
      await page.locator('[data-role="setup-for"]').waitFor();
      await page.fill('#fa-url', fa.url);
      await page.fill('#fa-api-key', SUPER_KEY);
      await page.click('[data-action="show-plan"]');
      await page.locator('[data-role="nothing-to-do"]').waitFor();
      await shot(page, '3-nothing-to-do');

      // unreachable FusionAuth: said under the URL field
      await page.fill('#fa-url', 'http://127.0.0.1:1');
      await page.click('[data-action="show-plan"]');
      await page.locator('.field-error[data-error-for="fa-url"]').waitFor({ state: 'visible', timeout: 20_000 });
      await shot(page, '4-unreachable');
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
    }
  });
  test('FusionAuth changed between plan and Apply: nothing written, the new plan shown to approve', async () => {
    const fa2 = await startFusionAuthApi({ ngrokCallback: ing.idpCallbackUrl });
    const d = await openDesktop(browser, renderer.url);
    const { page } = d;
    try {
      fa2.tenants[0]!.issuer = fa2.url;
      await page.click('#first-fa-setup');
      await page.locator('[data-role="fa-setup"]').waitFor();
      await page.fill('#fa-target', '3000');
      await page.fill('#fa-name', 'web');
      await page.fill('#fa-url', fa2.url);
      await page.fill('#fa-api-key', SUPER_KEY);
      await page.click('[data-action="show-plan"]');
      await page.locator('[data-role="plan"]').waitFor();
      const kinds = () => page.locator('.plan-line').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-kind')));
      assert.deepEqual(await kinds(), ['create-application']);

      // an admin resets the issuer after the plan was shown: Apply must not write the unseen change
      fa2.tenants[0]!.issuer = 'acme.com';
      const before = JSON.stringify({ t: fa2.tenants, a: [...fa2.applications.values()] });
      await page.click('[data-action="apply-setup"]');
      const formError = page.locator('.field-error[data-error-for="fa-form"]');
      await formError.waitFor({ state: 'visible', timeout: 20_000 });
      assert.match((await formError.textContent()) ?? '', /changed since the plan was shown/);
      await page.locator('.plan-line[data-kind="fix-issuer"]').waitFor();
      assert.deepEqual(await kinds(), ['fix-issuer', 'create-application']);
      assert.equal(await page.isDisabled('[data-action="apply-setup"]'), true, 'the new issuer change waits for its consent');
      assert.equal(JSON.stringify({ t: fa2.tenants, a: [...fa2.applications.values()] }), before, 'FusionAuth unchanged');
      assert.deepEqual(fa2.calls.filter((c) => !c.startsWith('GET')), [], 'no write was sent');
      assert.equal(d.app.snapshot().tunnels.some((x) => x.name === 'web'), false, 'no tunnel stored');
      await page.locator('[data-role="plan"]').scrollIntoViewIfNeeded();
      await shot(page, '5-plan-changed');

      await page.check('input[data-consent="fixIssuer"]');
      await page.click('[data-action="apply-setup"]');
      await page.locator('[data-role="applied"]').waitFor({ timeout: 20_000 });
      assert.equal(fa2.tenants[0]!.issuer, fa2.url);
      assert.deepEqual(d.pageErrors, []);
    } finally {
      await d.close();
      const v = fa2.violations;
      await fa2.close();
      assert.deepEqual(v, [], 'every request and answer matched FusionAuth’s OpenAPI document');
    }
  });
});
