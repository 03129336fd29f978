// `porthole fusionauth setup` as a real process (the real entry, built: test/support/built-cli.ts) against the FusionAuth stand-in: exit codes 0/1/2, the
// --json shape, the 0600 secret file, no secret (API key or client secret) ever printed, a dry run
// that changes nothing, a second run that reports no changes, and exit 1 when set up but a check of the result fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFusionAuthApi, SUPER_KEY, type StandIn } from '../support/fusionauth-api/index.js';
import { ended, PROCESS_TIMEOUT_MS } from '../support/process.js';
import { buildCli, type BuiltCli } from '../support/built-cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const KEYS = ['ok', 'issuer', 'clientId', 'applicationId', 'created', 'changes', 'checks'];
let api: StandIn;
let dir: string;
let cli: BuiltCli; // the real `porthole` entry, built

before(async () => {
  cli = await buildCli();
  api = await startFusionAuthApi();
  dir = mkdtempSync(join(tmpdir(), 'porthole-fa-cli-'));
});
after(async () => {
  const v = api.violations;
  await api.close();
  rmSync(dir, { recursive: true, force: true });
  cli.remove();
  assert.deepEqual(v, [], 'every request and answer matched FusionAuth\'s OpenAPI document');
});

function porthole(args: string[], env: Record<string, string> = { FA_API_KEY: SUPER_KEY }): Promise<{ code: number | null; out: string; err: string }> {
  // The key travels in the environment only: argv is visible to every user of the machine.
  assert.ok(!args.some((a) => a.includes(SUPER_KEY)));
  const child = spawn(process.execPath, [cli.entry, 'fusionauth', 'setup', ...args], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return ended(child, () => `${out}${err}`, PROCESS_TIMEOUT_MS, 'close').then((code) => ({ code, out, err }));
}

/** The stand-in's whole state, to compare before and after. */
const state = () => JSON.stringify({ t: api.tenants, a: [...api.applications.values()], u: api.users });

test('exit 2 for bad arguments, naming the flag; nothing is called', async () => {
  const calls = api.calls.length;
  const noUrl = await porthole(['--api-key-env', 'FA_API_KEY', '--client-secret-out', join(dir, 'x')]);
  assert.equal(noUrl.code, 2);
  assert.match(noUrl.err, /--url is required/);
  const noKey = await porthole(['--url', api.url, '--api-key-env', 'NOT_SET', '--client-secret-out', join(dir, 'x')]);
  assert.equal(noKey.code, 2);
  assert.match(noKey.err, /NOT_SET is empty or not set/);
  assert.equal(api.calls.length, calls);
});

test('exit 1 with code and message: a bad key, and a wrong issuer without --fix-issuer (stating the change)', async () => {
  const base = ['--url', api.url, '--api-key-env', 'FA_API_KEY', '--client-secret-out', join(dir, 'never'), '--json'];
  const bad = await porthole(base, { FA_API_KEY: 'wrong-key-wrong-key' });
  assert.equal(bad.code, 1);
  const b = JSON.parse(bad.out);
  assert.deepEqual(Object.keys(b).filter((k) => KEYS.includes(k)).sort(), [...KEYS].sort());
  assert.equal(b.ok, false);
  assert.equal(b.code, 'FUSIONAUTH_API_KEY');
  assert.match(b.message, /refused the API key/);
  assert.ok(!bad.out.includes('wrong-key-wrong-key') && !bad.err.includes('wrong-key-wrong-key'));

  const issuer = await porthole(base);
  assert.equal(issuer.code, 1);
  const i = JSON.parse(issuer.out);
  assert.equal(i.code, 'FUSIONAUTH_ISSUER');
  assert.match(i.message, /change tenant \*Default\*'s issuer from `acme.com`/);
  assert.equal(existsSync(join(dir, 'never')), false);
});

test('--dry-run prints the plan and changes nothing; then set up (exit 0, 0600 file); a second run changes nothing', async () => {
  const secretPath = join(dir, 'client-secret');
  const base = ['--url', api.url, '--api-key-env', 'FA_API_KEY', '--fix-issuer', '--client-secret-out', secretPath, '--json'];
  const before = state();
  const calls = api.calls.length;
  const dry = await porthole([...base, '--dry-run']);
  assert.equal(dry.code, 0, dry.err);
  const d = JSON.parse(dry.out);
  assert.equal(d.ok, true);
  assert.equal(d.dryRun, true);
  assert.equal(d.created, false, 'a dry run creates nothing');
  assert.equal(d.changes.length, 2);
  assert.equal(state(), before, 'the stand-in is unchanged');
  assert.ok(api.calls.slice(calls).every((c) => c.startsWith('GET ')), api.calls.slice(calls).join());
  assert.equal(existsSync(secretPath), false);

  const run = await porthole(base);
  assert.equal(run.code, 0, run.err + run.out);
  assert.equal(run.out.trim().split('\n').length, 1, 'one JSON object');
  const o = JSON.parse(run.out);
  for (const k of KEYS) assert.ok(k in o, k);
  assert.equal(o.ok, true);
  assert.equal(o.issuer, api.url);
  assert.equal(o.created, true);
  assert.equal(o.clientId, o.applicationId);
  assert.equal(o.changes.length, 2);
  assert.equal(o.checks.length, 8);
  assert.ok(o.checks.every((c: { status: string }) => c.status !== 'fail'), JSON.stringify(o.checks));
  const secret = readFileSync(secretPath, 'utf8').trim();
  assert.equal(secret, api.applications.get(o.applicationId)!.oauthConfiguration.clientSecret);
  assert.equal(statSync(secretPath).mode & 0o777, 0o600);
  for (const s of [secret, SUPER_KEY]) assert.ok(!run.out.includes(s) && !run.err.includes(s), 'no secret printed');

  const after = state();
  const again = await porthole(base);
  assert.equal(again.code, 0, again.err);
  const a = JSON.parse(again.out);
  assert.deepEqual([a.ok, a.created, a.changes, a.applicationId], [true, false, [], o.applicationId]);
  assert.equal(readFileSync(secretPath, 'utf8').trim(), secret);
  assert.equal(api.applications.size, 1);
  // FusionAuth's update stamps lastUpdateInstant; nothing was updated, so the state is byte-identical.
  assert.equal(state(), after);

  const human = await porthole(base.filter((x) => x !== '--json'));
  assert.equal(human.code, 0);
  assert.match(human.out, /FusionAuth is already set up: nothing to change/);
  assert.ok(!human.out.includes(secret));
});

test('set up, but a check of the result fails (discovery serves another issuer): exit 1, PREFLIGHT_FAILED, the checks say which', async () => {
  // Two tenants: the set-up fixes and uses the second, while this stand-in's discovery serves the first
  // tenant's issuer (still `acme.com`) — so FusionAuth accepts every write and the preflight still fails.
  const other = await startFusionAuthApi({ tenants: [{ name: 'Other' }, { name: 'Default' }] });
  try {
    const secretPath = join(dir, 'client-secret-broken-discovery');
    const run = await porthole(['--url', other.url, '--api-key-env', 'FA_API_KEY', '--tenant-id', String(other.tenants[1]!.id), '--fix-issuer', '--client-secret-out', secretPath, '--json']);
    assert.equal(run.code, 1, run.err + run.out);
    const o = JSON.parse(run.out);
    assert.deepEqual([o.ok, o.code, o.created, o.changes.length], [false, 'PREFLIGHT_FAILED', true, 2]);
    assert.equal(other.tenants[1]!.issuer, other.url, 'the set-up itself went through');
    assert.equal(other.applications.size, 1);
    const failed = o.checks.filter((c: { status: string }) => c.status === 'fail').map((c: { id: string }) => c.id);
    assert.ok(failed.length > 0, JSON.stringify(o.checks));
    assert.match(JSON.stringify(o.checks), /acme\.com/, 'the check names the issuer discovery served');
    const secret = readFileSync(secretPath, 'utf8').trim();
    assert.ok(!run.out.includes(secret) && !run.err.includes(secret) && !run.out.includes(SUPER_KEY), 'no secret printed');
  } finally {
    const v = other.violations;
    await other.close();
    assert.deepEqual(v, [], 'every request and answer matched FusionAuth\'s OpenAPI document');
  }
});
