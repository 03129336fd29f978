// The FusionAuth preflight as the engine runs it: before EVERY start of a tunnel in an OIDC mode, a
// failed check stops the start with that check's message and fix and nothing is bound at the
// ingress; warnings don't block. Real engine, real @ngrok/ngrok, loopback ingress, real provider.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { startFusionAuth, type FusionAuth, type FusionAuthVariant } from '../support/fusionauth.js';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import { createPreflight } from '../../main/oidc/preflight.js';
import { verifyProtection } from '../../main/oidc/verify.js';
import type { AuthMode, FusionAuthSettings, PreflightInput, PreflightReport } from '../../common/types.js';
import { spec, startApp, type LocalApp } from '../engine/helpers.js';

const AUTHTOKEN = 'engine-preflight-authtoken-SECRET';
const preflight = createPreflight({ timeoutMs: 3000 });

describe('the engine runs the preflight before every OIDC start', { timeout: 60_000 }, () => {
  let ing: Ingress;
  let app: LocalApp;
  let engine: Engine;
  /** Every report the engine got, in order (the real preflight, only observed). */
  const reports: { input: PreflightInput; report: PreflightReport }[] = [];

  before(async () => {
    ing = await startIngress();
    app = await startApp('pf');
    engine = createEngine({
      session: { authtoken: AUTHTOKEN, serverAddr: ing.serverAddr, caPem: ing.caPem },
      preflight: async (input) => {
        const report = await preflight(input);
        reports.push({ input, report });
        return report;
      },
      verify: verifyProtection,
    });
  });
  after(async () => {
    await engine.stopAll();
    await ing.close();
    await app.close();
  });

  const settings = (fa: FusionAuth, extra: Partial<FusionAuthSettings> = {}): FusionAuthSettings => ({
    issuer: fa.configuredIssuer, clientId: fa.clientId, clientSecret: fa.clientSecret,
    allowEmails: ['alice@example.test'], allowDomains: [], scopes: [], ...extra,
  });

  async function withProvider(variant: FusionAuthVariant, fn: (fa: FusionAuth) => Promise<void>): Promise<void> {
    const fa = await startFusionAuth({ variant, redirectUris: [ing.idpCallbackUrl] });
    try {
      await fn(fa);
    } finally {
      await fa.close();
    }
  }

  const failing: [FusionAuthVariant, AuthMode, string, RegExp, RegExp][] = [
    ['wrong-secret', 'oidc', 'client-credentials', /rejected the client id or client secret/, /Applications > Your App > OAuth/],
    ['acme-issuer', 'oidc', 'issuer-match', /"acme\.com"/, /Tenants > Your Tenant > General > Issuer/],
    ['wrong-secret', 'oidc-legacy', 'client-credentials', /rejected the client id or client secret/, /Client secret/],
    ['down', 'oidc', 'discovery', /[Cc]onnection refused/, /FusionAuth is running/],
  ];
  for (const [variant, mode, checkId, message, fix] of failing) {
    test(`${variant} (${mode}): error with the ${checkId} check's message and fix; no Bind reached the ingress`, async () => {
      await withProvider(variant, async (fa) => {
        const name = `pf-${variant}-${mode}`;
        const binds = ing.binds.length;
        const seen = reports.length;
        assert.ok(engine.add(spec({ name, target: String(app.port), mode, fusionauth: settings(fa) })).ok);
        const v = await engine.start(name);
        assert.equal(reports.length, seen + 1, 'the preflight ran once for this start');
        const failed = reports.at(-1)!.report.checks.find((c) => c.status === 'fail')!;
        assert.equal(failed.id, checkId, 'the first failing check is the cause');
        assert.equal(v?.state, 'error');
        assert.equal(v?.error?.code, 'PREFLIGHT_FAILED');
        assert.equal(v?.error?.message, failed.message, "the view carries that check's message");
        assert.equal(v?.error?.fix, failed.fix, "and that check's fix");
        assert.match(v!.error!.message, message);
        assert.match(v!.error!.fix!, fix);
        assert.equal(v?.url, undefined);
        assert.equal(ing.binds.length, binds, 'no Bind reached the ingress');
        for (const s of [JSON.stringify(v), JSON.stringify(reports.at(-1)!.report)]) {
          assert.ok(!s.includes(fa.clientSecret), 'the client secret appears nowhere');
        }
        assert.ok(await engine.remove(name));
      });
    });
  }

  test('a warning does not block: grants unlisted → online and protected', async () => {
    await withProvider('grants-unlisted', async (fa) => {
      const binds = ing.binds.length;
      assert.ok(engine.add(spec({ name: 'pf-warn', target: String(app.port), mode: 'oidc', fusionauth: settings(fa) })).ok);
      const v = await engine.start('pf-warn');
      const { report } = reports.at(-1)!;
      assert.equal(report.checks.find((c) => c.id === 'grants')?.status, 'warn');
      assert.equal(report.ok, true);
      assert.equal(v?.state, 'online', JSON.stringify(v));
      assert.equal(ing.binds.length, binds + 1);
      await engine.stop('pf-warn');
      assert.ok(await engine.remove('pf-warn'));
    });
  });

  test('every start runs it again (a fixed setup then goes online); public and internal tunnels skip it', async () => {
    await withProvider('good', async (fa) => {
      const seen = reports.length;
      // First start with the wrong secret: refused before any Bind.
      assert.ok(engine.add(spec({ name: 'pf-again', target: String(app.port), mode: 'oidc', fusionauth: settings(fa, { clientSecret: 'not-the-secret' }) })).ok);
      assert.equal((await engine.start('pf-again'))?.state, 'error');
      // The user fixes the secret: the next start checks again and goes online.
      const fixed = await engine.update(spec({ name: 'pf-again', target: String(app.port), mode: 'oidc', fusionauth: settings(fa) }));
      assert.ok(fixed.ok);
      const v = await engine.start('pf-again');
      assert.equal(v?.state, 'online', JSON.stringify(v));
      await engine.stop('pf-again');
      assert.equal((await engine.start('pf-again'))?.state, 'online');
      assert.equal(reports.length - seen, 3, 'one preflight per start');
      // The input is what the tunnel will request: email is added because of the allow-list.
      assert.deepEqual(reports.at(-1)!.input.scopes.includes('email'), true);
      await engine.stop('pf-again');

      const before = reports.length;
      assert.ok(engine.add(spec({ name: 'pf-pub', target: String(app.port), mode: 'public' })).ok);
      assert.ok(engine.add(spec({ name: 'pf-int', target: String(app.port), mode: 'internal' })).ok);
      assert.equal((await engine.start('pf-pub'))?.state, 'online');
      assert.equal((await engine.start('pf-int'))?.state, 'online');
      assert.equal(reports.length, before, 'no preflight for public or internal');
      await engine.stop('pf-pub');
      await engine.stop('pf-int');
    });
  });
});
