// test: what the commands print, held to the standard of remote text as data and plain words: every
// --json output escapes U+2028/U+2029 and bidi controls inside its strings (the value read back is
// unchanged), an unexpected exception under --json is still one JSON object, an internal policy
// without sign-in says the endpoint is public, and `share 3000` with nothing configured lists every
// missing input at once, the authtoken included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkJson } from '../../main/cli/check.js';
import { runCommand } from '../../main/cli/command.js';
import { jsonLine } from '../../main/cli/share.js';
import { policyCommand } from '../../main/cli/policy.js';
import { INTERNAL_POLICY_NO_SIGN_IN } from '../../common/view-rules.js';
import type { PreflightReport } from '../../common/types.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SNEAKY = 'a\u2028b\u2029c\u202ed\u2066e\u200ff';
const RAW = /[\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

function capture() {
  const o = { out: '', err: '' };
  return { o, io: { stdout: (s: string) => void (o.out += s), stderr: (s: string) => void (o.err += s), env: {} } };
}

test('check --json and share --json: line separators and bidi controls in remote text are escaped, the values unchanged', () => {
  const report: PreflightReport = { ok: false, checks: [{ id: 'discovery', status: 'fail', message: `FusionAuth said ${SNEAKY}`, fix: SNEAKY }] };
  const text = checkJson(report);
  assert.doesNotMatch(text, RAW);
  assert.match(text, /\\u2028/);
  assert.deepEqual(JSON.parse(text).checks[0], { id: 'discovery', status: 'fail', message: `FusionAuth said ${SNEAKY}`, fix: SNEAKY });
  const line = jsonLine({ name: 'web', state: 'error', mode: 'oidc', target: '3000', since: 0, error: { code: 'PREFLIGHT_FAILED', message: SNEAKY } });
  assert.doesNotMatch(line, RAW);
  assert.equal(JSON.parse(line).message, SNEAKY);
});

test('an unexpected exception under --json is one JSON object (code INTERNAL), exit 1; without --json a line on stderr', async () => {
  const boom = async () => { throw new TypeError('tenants.map is not a function'); };
  const j = capture();
  assert.equal(await runCommand({ name: 'check', run: boom }, ['--json'], j.io), 1);
  assert.deepEqual(JSON.parse(j.o.out), { ok: false, code: 'INTERNAL', message: 'unexpected error: tenants.map is not a function' });
  assert.equal(j.o.out.trim().split('\n').length, 1);
  const h = capture();
  assert.equal(await runCommand({ name: 'check', run: boom }, [], h.io), 1);
  assert.equal(h.o.out, '');
  assert.equal(h.o.err, 'porthole check: unexpected error: tenants.map is not a function\n');
});

test('policy --mode internal without --issuer says plainly that the endpoint is public; with sign-in it does not', async () => {
  const bare = capture();
  assert.equal(await policyCommand(['3000', '--mode', 'internal'], bare.io), 0, bare.o.err);
  for (const l of INTERNAL_POLICY_NO_SIGN_IN) assert.ok(bare.o.out.includes(`# ${l}\n`), l);
  assert.match(bare.o.out, /Cloud Endpoint is PUBLIC/);
  assert.doesNotMatch(bare.o.out, /signs users in/);
  const signed = capture();
  assert.equal(await policyCommand(['3000', '--mode', 'internal', '--issuer', 'https://auth.example.test', '--client-id', 'cid'], signed.io), 0, signed.o.err);
  assert.match(signed.o.out, /this policy signs users in, then forwards to it/);
  assert.doesNotMatch(signed.o.out, /PUBLIC|WARNING/);
});

test('share 3000 with nothing configured lists every missing input at once, the ngrok authtoken included', async () => {
  const home = mkdtempSync(join(tmpdir(), 'porthole-empty-home-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'share', '3000'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((r) => child.on('close', r));
    clearTimeout(killer);
    assert.equal(code, 2, err);
    for (const missing of [/--issuer is required/, /--client-id is required/, /--client-secret-file\/--client-secret-env is required/, /no ngrok authtoken: the environment variable NGROK_AUTHTOKEN is not set/]) {
      assert.match(err, missing);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
