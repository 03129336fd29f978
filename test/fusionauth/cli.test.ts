// `porthole fusionauth setup` through its exported function with captured io: JSON shape, exit codes,
// the 0600 secret file and its overwrite rule, a dry run, bad arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFusionauthSetup } from '../../main/cli/fusionauth-setup.js';
import { createPreflight } from '../../main/oidc/preflight.js';
import { startFusionAuthApi, SUPER_KEY } from '../support/fusionauth-api/index.js';

function io(env: Record<string, string> = { FA_KEY: SUPER_KEY }) {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s), env, preflight: createPreflight({ timeoutMs: 3000 }) } };
}

test('setup --json: one object, secret only in the 0600 file, checks all green; rerun reuses the file', async () => {
  const api = await startFusionAuthApi();
  const dir = mkdtempSync(join(tmpdir(), 'porthole-fa-'));
  const secretPath = join(dir, 'secret');
  try {
    const base = ['setup', '--url', api.url, '--api-key-env', 'FA_KEY', '--client-secret-out', secretPath, '--json'];
    const dry = io();
    assert.equal(await runFusionauthSetup([...base, '--fix-issuer', '--dry-run'], dry.io), 0);
    assert.equal(existsSync(secretPath), false);
    assert.equal(JSON.parse(dry.out.stdout).changes.length, 2);

    const noConsent = io();
    assert.equal(await runFusionauthSetup(base, noConsent.io), 1);
    const refused = JSON.parse(noConsent.out.stdout);
    assert.equal(refused.ok, false);
    assert.equal(refused.code, 'FUSIONAUTH_ISSUER');

    const run = io();
    assert.equal(await runFusionauthSetup([...base, '--fix-issuer'], run.io), 0, run.out.stderr + run.out.stdout);
    const lines = run.out.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const o = JSON.parse(lines[0]!);
    assert.equal(o.ok, true);
    assert.equal(o.issuer, api.url);
    assert.equal(o.created, true);
    assert.equal(o.clientId, o.applicationId);
    assert.equal(o.checks.length, 8);
    assert.ok(o.checks.every((c: { status: string }) => c.status !== 'fail'));
    const secret = readFileSync(secretPath, 'utf8').trim();
    assert.equal(secret, api.applications.get(o.applicationId)!.oauthConfiguration.clientSecret);
    assert.equal(statSync(secretPath).mode & 0o777, 0o600);
    assert.doesNotMatch(run.out.stdout + run.out.stderr, new RegExp(secret));

    const again = io();
    assert.equal(await runFusionauthSetup([...base, '--fix-issuer'], again.io), 0);
    const a = JSON.parse(again.out.stdout);
    assert.deepEqual([a.created, a.changes], [false, []]);

    const other = join(dir, 'other');
    writeFileSync(other, 'someone else\n');
    const clash = io();
    assert.equal(await runFusionauthSetup(['setup', '--url', api.url, '--api-key-env', 'FA_KEY', '--client-secret-out', other, '--app-name', 'Second'], clash.io), 2);
    assert.match(clash.out.stderr, /already exists and does not hold this application's secret/);
    assert.equal(readFileSync(other, 'utf8'), 'someone else\n');
    assert.equal(api.applications.size, 1, 'nothing written before the file was accepted');
    assert.deepEqual(api.violations, []);
  } finally {
    await api.close();
  }
});

test('human output names the changes; a bad key exits 1; bad arguments exit 2 naming the flag', async () => {
  const api = await startFusionAuthApi();
  const dir = mkdtempSync(join(tmpdir(), 'porthole-fa-'));
  try {
    const h = io();
    assert.equal(await runFusionauthSetup(['setup', '--url', api.url, '--api-key-env', 'FA_KEY', '--client-secret-out', join(dir, 's'), '--fix-issuer'], h.io), 0);
    assert.match(h.out.stdout, /Done:\n  - change tenant \*Default\*'s issuer/);
    assert.match(h.out.stdout, /✓ client-credentials/);

    const bad = io({ FA_KEY: 'nope' });
    assert.equal(await runFusionauthSetup(['setup', '--url', api.url, '--api-key-env', 'FA_KEY', '--client-secret-out', join(dir, 't'), '--json'], bad.io), 1);
    assert.equal(JSON.parse(bad.out.stdout).code, 'FUSIONAUTH_API_KEY');

    const cases: [string[], RegExp][] = [
      [['setup', '--api-key-env', 'FA_KEY', '--client-secret-out', 'x'], /--url is required/],
      [['setup', '--url', api.url, '--client-secret-out', 'x'], /--api-key-env NAME is required/],
      [['setup', '--url', api.url, '--api-key-env', 'MISSING', '--client-secret-out', 'x'], /MISSING is empty or not set/],
      [['setup', '--url', api.url, '--api-key-env', 'FA_KEY'], /--client-secret-out PATH is required/],
      [['setup', '--url', api.url, '--api-key-env', 'FA_KEY', '--client-secret-out', 'x', '--register', 'nope'], /--register: "nope"/],
      [['setup', '--url', 'http://example.com', '--api-key-env', 'FA_KEY', '--client-secret-out', 'x'], /--url must be https/],
      [['setup', '--bogus'], /--bogus: no such flag\n/],
      [['setup', '--urll', api.url], /--urll: no such flag; did you mean --url\?/],
      [['setpu'], /unknown subcommand "setpu"; did you mean "setup"\?/],
      [['teardown'], /unknown subcommand "teardown"/],
    ];
    for (const [argv, re] of cases) {
      const c = io();
      assert.equal(await runFusionauthSetup(argv, c.io), 2, argv.join(' '));
      assert.match(c.out.stderr, re);
    }
  } finally {
    await api.close();
  }
});
