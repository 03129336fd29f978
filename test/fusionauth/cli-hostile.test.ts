// test: `porthole fusionauth setup` as a real process (the real entry) tried as a new user would, and
// against a FusionAuth stand-in that answers with hostile text, wrong shapes, redirects and delays:
// no half-done set-up, no key printed back, a dry run that says only true things, remote text as
// data, coded errors naming the call and the field, redirects never followed, a checklist that
// knows what the set-up just did, and one JSON object on every path.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFusionAuthApi, SUPER_KEY, type StandIn, type StandInOptions } from '../support/fusionauth-api/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;
let dir: string;
const standIns: StandIn[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-fa-hostile-'));
});
after(async () => {
  for (const s of standIns) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function standIn(opts: StandInOptions = {}): Promise<StandIn> {
  const s = await startFusionAuthApi(opts);
  standIns.push(s);
  return s;
}

function setup(args: string[], env: Record<string, string> = { FA_API_KEY: SUPER_KEY }): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'fusionauth', 'setup', ...args], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(killer);
    resolve({ code, out, err });
  }));
}

const base = (s: StandIn, secretOut: string) => ['--url', s.url, '--api-key-env', 'FA_API_KEY', '--client-secret-out', secretOut, '--fix-issuer'];
const writes = (s: StandIn) => s.calls.filter((c) => !c.startsWith('GET '));
const one = (out: string) => {
  const lines = out.trim().split('\n');
  assert.equal(lines.length, 1, `one JSON object: ${out}`);
  return JSON.parse(lines[0]!);
};

test('the README\'s secret path in a folder that does not exist yet: the folder is made (0700), the secret written (0600)', async () => {
  const s = await standIn();
  const path = join(dir, '.config', 'porthole', 'fa-client-secret');
  const r = await setup([...base(s, path), '--json']);
  assert.equal(r.code, 0, r.err + r.out);
  const o = one(r.out);
  assert.equal(o.secretWritten, path);
  assert.equal(statSync(join(dir, '.config', 'porthole')).mode & 0o777, 0o700);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readFileSync(path, 'utf8').trim(), s.applications.get(o.applicationId)!.oauthConfiguration.clientSecret);
  // Quoted, so no shell expanded it: ~ is still the home folder.
  const s2 = await standIn();
  const r2 = await setup([...base(s2, '~/fa-second'), '--json']);
  assert.equal(r2.code, 0, r2.err);
  assert.ok(existsSync(join(dir, 'fa-second')));
});

test('a path that can\'t receive the secret is refused before FusionAuth is changed: a dangling link, a file as folder, another secret', async () => {
  const s = await standIn();
  const dangling = join(dir, 'dangling');
  symlinkSync(join(dir, 'nowhere', 'x'), dangling);
  const fileAsFolder = join(dir, 'a-file');
  writeFileSync(fileAsFolder, 'x');
  const other = join(dir, 'other-secret');
  writeFileSync(other, 'someone else\n');
  for (const [path, why] of [[dangling, /symbolic link/], [join(fileAsFolder, 'secret'), /is not a folder|not a folder/], [other, /does not hold this application's secret/], [dir, /it is a folder/]] as const) {
    const r = await setup([...base(s, path), '--json']);
    assert.equal(r.code, 2, `${path}: ${r.err}`);
    const o = one(r.out);
    assert.equal(o.code, 'FUSIONAUTH_SECRET_FILE');
    assert.match(o.message, why);
    assert.match(o.message, /nothing was changed in FusionAuth/);
    assert.match(o.fix, /--client-secret-out/);
    assert.deepEqual(writes(s), [], 'FusionAuth was not changed');
  }
  assert.equal(readFileSync(other, 'utf8'), 'someone else\n');
  // For people: the same, no raw system error.
  const human = await setup(base(s, dangling));
  assert.equal(human.code, 2);
  assert.match(human.err, /symbolic link.*\(FUSIONAUTH_SECRET_FILE\)\n  fix: /);
  assert.doesNotMatch(human.err, /EEXIST|ENOENT/);
});

test('--api-key-env given the key itself: exit 2, never shown, said to look like a secret', async () => {
  const s = await standIn();
  const key = 'bf69486b4733_4470a592f1bfce7af580Xq';
  for (const json of [[], ['--json']]) {
    const r = await setup(['--url', s.url, '--api-key-env', key, '--client-secret-out', join(dir, 'k'), ...json], {});
    assert.equal(r.code, 2);
    assert.ok(!r.out.includes(key) && !r.err.includes(key), 'the key is never printed');
    assert.match(r.err, /--api-key-env takes the NAME of an environment variable .*looks like a secret/);
  }
  assert.deepEqual(s.calls, []);
});

test('a dry run says only true things: "would", no invented client id, nothing written, dryRun true and created false in JSON', async () => {
  const s = await standIn();
  const path = join(dir, 'dry', 'secret');
  const [a, b, human] = [await setup([...base(s, path), '--dry-run', '--json']), await setup([...base(s, path), '--dry-run', '--json']), await setup([...base(s, path), '--dry-run'])];
  for (const r of [a, b, human]) assert.equal(r.code, 0, r.err);
  const o = one(a.out);
  assert.deepEqual([o.ok, o.dryRun, o.created, o.clientId, o.applicationId, o.secretWritten, o.next], [true, true, false, null, null, null, null]);
  assert.equal(o.changes.length, 2);
  assert.match(o.changes.join('\n'), /create application \*Porthole\*/);
  assert.equal(a.out, b.out, 'the same answer every time: nothing random in it');
  assert.match(human.out, /^Would \(nothing is changed on a dry run\):\n  - change tenant/);
  assert.match(human.out, /Would create the folder .*dry \(mode 0700\)\.\nWould write the client secret to .*secret \(mode 0600\)\./);
  assert.doesNotMatch(human.out, /undefined|written to|client id/);
  assert.equal(existsSync(join(dir, 'dry')), false, 'not even the folder');
  assert.deepEqual(writes(s), []);
});

test("FusionAuth's text is data: a tenant name with escape codes, line breaks and bidi controls can't clear the screen or forge a line", async () => {
  const evil = 'Evil\u001b[2J\r\nFusionAuth is already set up: nothing to change.\u202e\u2028x';
  const s = await standIn({ tenants: [{ name: evil }] });
  const human = await setup(['--url', s.url, '--api-key-env', 'FA_API_KEY', '--client-secret-out', join(dir, 'e1')]);
  assert.equal(human.code, 1);
  assert.match(human.err, /FUSIONAUTH_ISSUER/);
  for (const raw of ['\u001b', '\r', '\u202e', '\u2028']) assert.ok(!human.err.includes(raw) && !human.out.includes(raw), `no raw U+${raw.charCodeAt(0).toString(16)}`);
  assert.equal(human.err.split('\n').filter((l) => l.startsWith('FusionAuth is already set up')).length, 0, 'no forged line');
  const json = await setup(['--url', s.url, '--api-key-env', 'FA_API_KEY', '--client-secret-out', join(dir, 'e2'), '--json']);
  for (const raw of ['\u202e', '\u2028']) assert.ok(!json.out.includes(raw), 'escaped inside the JSON strings');
  assert.ok(json.out.includes('\\u202e') && json.out.includes('\\u2028'));
  assert.ok(one(json.out).message.includes(evil), 'the value read back is the tenant name as FusionAuth gave it');
});

test('a wrong-shaped answer is a coded error naming the call and the field, and --json still prints one object', async () => {
  const s = await standIn({ override: (m, p) => (m === 'GET' && p === '/api/tenant' ? { status: 200, body: { tenants: { oops: true } } } : undefined) });
  const r = await setup([...base(s, join(dir, 'shape')), '--json']);
  assert.equal(r.code, 1, r.err);
  const o = one(r.out);
  assert.equal(o.code, 'FUSIONAUTH_BAD_RESPONSE');
  assert.match(o.message, /GET \/api\/tenant/);
  assert.match(o.message, /\btenants\b.*expected array/);
  const human = await setup(base(s, join(dir, 'shape')));
  assert.equal(human.code, 1);
  assert.doesNotMatch(human.err, /is not a function|TypeError/);
  assert.match(human.err, /does not have the shape of FusionAuth's API.*\(FUSIONAUTH_BAD_RESPONSE\)/);
  // A field deeper in: an application whose redirect URLs are not a list.
  const s2 = await standIn({ override: (m, p) => (m === 'GET' && p === '/api/application' ? { status: 200, body: { applications: [{ id: '6b0f1b8e-64c3-4b7e-9d55-1f6c1c6d7e11', name: 'Porthole', oauthConfiguration: { authorizedRedirectURLs: 'https://x' } }] } } : undefined) });
  const deep = one((await setup([...base(s2, join(dir, 'shape2')), '--json'])).out);
  assert.match(deep.message, /GET \/api\/application.*applications\[0\]\.oauthConfiguration\.authorizedRedirectURLs/);
});

test('a redirect is never followed, same origin included: the API key is sent once, to the URL given', async () => {
  let hits = 0;
  const s = await standIn({ override: (m, p) => (m === 'GET' && p === '/api/tenant' && hits++ === 0 ? { status: 302, headers: { location: '/api/tenant?moved=1' } } : undefined) });
  const r = await setup([...base(s, join(dir, 'redir')), '--json']);
  assert.equal(r.code, 1, r.err);
  const o = one(r.out);
  assert.equal(o.code, 'FUSIONAUTH_REDIRECT');
  assert.match(o.message, /HTTP 302 to \/api\/tenant\?moved=1/);
  assert.deepEqual(s.calls, ['GET /api/tenant'], 'one request, not followed');
  assert.equal(existsSync(join(dir, 'redir')), false, 'no secret file left behind');
});

test('after a real set-up the checklist knows the redirect URL is there; the last line is the ready-to-paste share command', async () => {
  const s = await standIn();
  const path = join(dir, 'checked');
  const r = await setup([...base(s, path), '--json']);
  assert.equal(r.code, 0, r.err);
  const o = one(r.out);
  const redirect = o.checks.find((c: { id: string }) => c.id === 'redirect-uri');
  assert.equal(redirect.status, 'pass');
  assert.match(redirect.message, /Porthole set it just now/);
  assert.equal(o.next, `porthole share 3000 --issuer ${s.url} --client-id ${o.clientId} --client-secret-file ${path}`);
  const again = await setup(base(s, path));
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /✓ redirect-uri: .*read back from FusionAuth's API/);
  assert.doesNotMatch(again.out, /to do by hand|☐/);
  assert.match(again.out, /client secret: .* already holds it/);
  assert.doesNotMatch(again.out, /client secret written/);
  assert.match(again.out.trimEnd().split('\n').at(-1)!, /^Next: porthole share 3000 --issuer \S+ --client-id \S+ --client-secret-file \S+/);
});

test('a write that timed out is listed as "may have been applied", not as planned; --timeout bounds the wait', async () => {
  const s = await standIn({ override: (m, p) => (m === 'POST' && p.startsWith('/api/application') ? { delayMs: 2500 } : undefined) });
  const path = join(dir, 'slow');
  const r = await setup([...base(s, path), '--timeout', '1', '--json']);
  assert.equal(r.code, 1, r.err);
  const o = one(r.out);
  assert.equal(o.code, 'FUSIONAUTH_TIMEOUT');
  assert.deepEqual(o.changes.map((c: string) => c.slice(0, 14)), ['change tenant '], 'the issuer change was done');
  assert.equal(o.maybeApplied.length, 1);
  assert.match(o.maybeApplied[0], /^create application/);
  assert.equal(existsSync(path), false);
  const human = await setup([...base(s, join(dir, 'slow2')), '--timeout', '1', '--app-name', 'Other']);
  assert.match(human.err, /May have been applied \(FusionAuth did not answer in time; run again to see\):\n  - create application \*Other\*/);
  assert.doesNotMatch(human.err, /Planned/);
  const bad = await setup([...base(s, path), '--timeout', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--timeout "0": give a number of seconds above 0 and at most 120/);
});
