// test: `porthole share`'s lines for people (a pure function of two views), the --json line, and the
// wake detector (a real timer, a really blocked event loop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanReport, jsonLine } from '../../main/cli/share.js';
import { watchWake } from '../../main/cli/signals.js';
import type { TunnelView } from '../../common/types.js';

const base: TunnelView = { name: 'web', state: 'stopped', mode: 'oidc', target: '3000', since: 0 };
const v = (x: Partial<TunnelView>): TunnelView => ({ ...base, ...x });
const URL1 = 'https://a1.ngrok.app';

/** Feeds a sequence of views through humanReport, as share does, collecting stdout and stderr. */
function replay(views: TunnelView[]): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  let prev: TunnelView | undefined;
  for (const x of views) {
    const r = humanReport(prev, x, '3000');
    out.push(...r.out);
    err.push(...r.err);
    prev = x;
  }
  return { out, err };
}

test('a signed-in tunnel: starting, online with its target, protected, a drop and back, stopped', () => {
  const r = replay([
    v({ state: 'starting' }),
    v({ state: 'online', url: URL1 }),
    v({ state: 'online', url: URL1, protection: 'protected', protectionReason: "redirects to FusionAuth's sign-in (https://auth.test/oauth2/authorize)" }),
    v({ state: 'reconnecting', url: URL1, protection: 'protected' }),
    v({ state: 'online', url: URL1, protection: 'protected' }),
    v({ state: 'stopped' }),
  ]);
  assert.deepEqual(r.out, [
    'web: starting (checking FusionAuth, then connecting to ngrok)…',
    `web: online at ${URL1} → 3000 (Ctrl-C to stop)`,
    "web: protected, visitors must sign in: redirects to FusionAuth's sign-in (https://auth.test/oauth2/authorize)",
    `web: connection to ngrok lost, reconnecting… (${URL1} is offline meanwhile)`,
    `web: back online at ${URL1}`,
    'web: stopped',
  ]);
  assert.deepEqual(r.err, []);
});

test('OPEN although the mode signs people in: a loud warning on stderr naming URL, target and what to do', () => {
  const r = replay([v({ state: 'starting' }), v({ state: 'online', url: URL1 }), v({ state: 'online', url: URL1, protection: 'open', protectionReason: 'HTTP 200: the app answered without any sign-in' })]);
  assert.equal(r.out.at(-1), 'web: OPEN, anyone with the URL gets in: HTTP 200: the app answered without any sign-in');
  assert.equal(r.err.length, 4);
  assert.match(r.err[0]!, /^!{72}$/);
  assert.match(r.err[1]!, new RegExp(`^WARNING: web is OPEN: anyone with ${URL1.replace(/\./g, '\\.')} reaches 3000 without signing in,$`));
  assert.match(r.err[2]!, /mode is "oidc"\. Stop it now \(Ctrl-C\) and check its FusionAuth settings\./);
  // The same verdict again (e.g. re-checked on demand) does not repeat the alarm.
  assert.deepEqual(humanReport(v({ state: 'online', url: URL1, protection: 'open' }), v({ state: 'online', url: URL1, protection: 'open' }), '3000'), { out: [], err: [] });
});

test('public is open on purpose: the verdict in the lines, no alarm', () => {
  const r = replay([v({ mode: 'public', state: 'starting' }), v({ mode: 'public', state: 'online', url: URL1, protection: 'open' })]);
  assert.deepEqual(r.out, ['web: starting…', `web: online at ${URL1} → 3000 (Ctrl-C to stop)`, 'web: OPEN, anyone with the URL gets in']);
  assert.deepEqual(r.err, []);
});

test('unknown protection and a new URL after a rebuild are said plainly', () => {
  const r = replay([
    v({ state: 'online', url: URL1, protection: 'unknown', protectionReason: 'HTTP 502: a server error' }),
    v({ state: 'reconnecting', url: URL1 }),
    v({ state: 'online', url: 'https://b2.ngrok.app' }),
  ]);
  assert.deepEqual(r.out.slice(1), ['web: protection unknown: HTTP 502: a server error', `web: connection to ngrok lost, reconnecting… (${URL1} is offline meanwhile)`, `web: back online at https://b2.ngrok.app (a new URL; it was ${URL1})`]);
});

test('errors go to stderr with their code and their fix; the field named for input errors', () => {
  const r = replay([
    v({ state: 'starting' }),
    v({ state: 'error', error: { code: 'NGROK_AUTHTOKEN', ngrokCode: 'ERR_NGROK_105', message: 'ngrok rejected the authtoken.', fix: 'Copy your authtoken again.' } }),
  ]);
  assert.deepEqual(r.err, ['web: failed: ngrok rejected the authtoken. (ERR_NGROK_105)', '  fix: Copy your authtoken again.']);
  assert.deepEqual(r.out, ['web: starting (checking FusionAuth, then connecting to ngrok)…']);
  const pf = humanReport(undefined, v({ state: 'error', error: { code: 'PREFLIGHT_FAILED', message: 'The issuer does not match.' } }), '3000');
  assert.deepEqual(pf.err, ['web: failed: The issuer does not match. (PREFLIGHT_FAILED)']);
  const field = humanReport(undefined, v({ state: 'error', error: { code: 'INVALID_INPUT', field: 'target', message: 'target must be a port', fix: 'Give 3000.' } }), '3000');
  assert.deepEqual(field.err, ['web: failed: <port|host:port>: must be a port (INVALID_INPUT)', '  fix: Give 3000.']);
});

test("fixes in the CLI's words: flags and environment variables, never the window's Settings", () => {
  const r = humanReport(undefined, v({ state: 'error', error: { code: 'NGROK_AUTHTOKEN', ngrokCode: 'ERR_NGROK_105', message: 'ngrok rejected the authtoken.', fix: 'Copy your authtoken again from https://dashboard.ngrok.com/get-started/your-authtoken and paste it in Settings; it may have been reset or revoked.' } }), '3000');
  assert.equal(r.err[1], '  fix: Copy your authtoken again from https://dashboard.ngrok.com/get-started/your-authtoken and export it as NGROK_AUTHTOKEN (or name another variable with --authtoken-env); it may have been reset or revoked.');
  const pf = humanReport(undefined, v({ state: 'error', error: { code: 'PREFLIGHT_FAILED', message: 'The issuer does not match.', fix: 'Enter exactly https://a.test here, or change Tenants > Your Tenant > General > Issuer in FusionAuth to https://b.test.' } }), '3000');
  assert.equal(pf.err[1], '  fix: Give --issuer https://a.test, or change Tenants > Your Tenant > General > Issuer in FusionAuth to https://b.test.');
  for (const l of [...r.err, ...pf.err]) assert.doesNotMatch(l, /Settings|here\b|paste/);
});

test('the OPEN line says "anyone with the URL gets in" once, even when the reason ends with it', () => {
  const r = replay([v({ mode: 'public', state: 'online', url: URL1 }), v({ mode: 'public', state: 'online', url: URL1, protection: 'open', protectionReason: 'HTTP 200: the app answered without any sign-in; anyone with the URL gets in' })]);
  assert.equal(r.out.at(-1), 'web: OPEN, anyone with the URL gets in: HTTP 200: the app answered without any sign-in');
});

test('the --json line carries "local" on online lines only', () => {
  assert.equal(jsonLine(v({ state: 'online', url: URL1 }), 'unreachable'), `{"tunnel":"web","state":"online","url":"${URL1}","local":"unreachable"}`);
  assert.equal(jsonLine(v({ state: 'starting' }), 'listening'), '{"tunnel":"web","state":"starting"}');
});

test('the --json line: the documented keys only, the ngrok code preferred', () => {
  assert.equal(jsonLine(v({ state: 'online', url: URL1, protection: 'protected', protectionReason: 'r' })), `{"tunnel":"web","state":"online","url":"${URL1}","protection":"protected"}`);
  assert.equal(jsonLine(v({ state: 'error', error: { code: 'NGROK_AUTHTOKEN', ngrokCode: 'ERR_NGROK_105', message: 'm', fix: 'f' } })), '{"tunnel":"web","state":"error","code":"ERR_NGROK_105","message":"m"}');
});

test('watchWake: a timer that fires far too late (the machine slept) calls back; a punctual one does not', async () => {
  let wakes = 0;
  const stop = watchWake(() => wakes++, { intervalMs: 50, slackMs: 700 }); // margins for a loaded 2-core machine
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(wakes, 0, 'punctual ticks');
  const until = Date.now() + 1500; // the event loop frozen, as in sleep
  while (Date.now() < until) {
    /* busy */
  }
  await new Promise((r) => setTimeout(r, 200));
  stop();
  assert.equal(wakes, 1);
});
