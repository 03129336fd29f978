// `porthole check`: exit codes, the JSON line, the checklist for people, and no secret anywhere.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { checkCommand } from '../../main/cli/check.js';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await checkCommand(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, env });
  return { code, stdout, stderr };
}

describe('porthole check', () => {
  let good: FusionAuth;
  let wrong: FusionAuth;
  let dir: string;
  let secretFile: string;
  before(async () => {
    good = await startFusionAuth();
    wrong = await startFusionAuth({ variant: 'wrong-secret' });
    dir = mkdtempSync(join(tmpdir(), 'porthole-check-'));
    secretFile = join(dir, 'secret');
    writeFileSync(secretFile, `${good.clientSecret}\n`); // a trailing newline, as editors leave it
  });
  after(async () => {
    await good.close();
    await wrong.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--json against the good provider: exit 0, one JSON line, every check passes', async () => {
    const r = await run(['--issuer', good.issuer, '--client-id', good.clientId, '--client-secret-file', secretFile,
      '--allow-email', 'alice@example.test', '--scope', 'email', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1, 'exactly one line');
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true);
    assert.deepEqual(out.checks.map((c: { id: string }) => c.id),
      ['issuer-url', 'discovery', 'issuer-match', 'grants', 'scopes', 'token-endpoint', 'client-credentials', 'redirect-uri']);
    for (const c of out.checks) {
      assert.equal(c.status, c.id === 'redirect-uri' ? 'manual' : 'pass');
      assert.equal(typeof c.message, 'string');
    }
    assert.ok(!r.stdout.includes(good.clientSecret) && !r.stderr.includes(good.clientSecret));
  });

  test('--json with a wrong secret from the environment: exit 1, ok false, the secret never printed', async () => {
    const r = await run(['--issuer', wrong.issuer, '--client-id', wrong.clientId, '--client-secret-env', 'FA_SECRET', '--json'],
      { FA_SECRET: wrong.clientSecret });
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, false);
    const cred = out.checks.find((c: { id: string }) => c.id === 'client-credentials');
    assert.equal(cred.status, 'fail');
    assert.match(cred.fix, /Client secret/);
    assert.ok(!r.stdout.includes(wrong.clientSecret) && !r.stderr.includes(wrong.clientSecret));
  });

  test('the checklist for people: marks, fixes, and the redirect URL to add', async () => {
    const r = await run(['--issuer', wrong.issuer, '--client-id', wrong.clientId, '--client-secret-env', 'S'], { S: wrong.clientSecret });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^✓ discovery: /m);
    assert.match(r.stdout, /^✗ client-credentials: /m);
    assert.match(r.stdout, /^ {4}fix: In FusionAuth, open Applications > Your App > OAuth/m);
    assert.match(r.stdout, /https:\/\/idp\.ngrok\.com\/oauth2\/callback/);
    assert.match(r.stdout, /^1 failed, 1 to do by hand\.$/m);
    assert.match(r.stdout, /^☐ redirect-uri: /m, 'the redirect URL is to do by hand, not a pass');
    assert.ok(!r.stdout.includes(wrong.clientSecret));
  });

  test('a provider that is down: exit 1 with the refused message', async () => {
    const down = await startFusionAuth({ variant: 'down' });
    const r = await run(['--issuer', down.issuer, '--client-id', 'x', '--client-secret-env', 'S', '--json', '--timeout', '2'], { S: 'whatever-secret' });
    assert.equal(r.code, 1);
    assert.match(JSON.parse(r.stdout).checks[1].message, /[Cc]onnection refused/);
  });

  const bad: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['no --issuer', ['--client-id', 'x', '--client-secret-env', 'S'], { S: 'v' }, /--issuer/],
    ['no --client-id', ['--issuer', 'https://a.example', '--client-secret-env', 'S'], { S: 'v' }, /--client-id/],
    ['no secret source', ['--issuer', 'https://a.example', '--client-id', 'x'], {}, /--client-secret-file or --client-secret-env/],
    ['both secret sources', ['--issuer', 'https://a.example', '--client-id', 'x', '--client-secret-env', 'S', '--client-secret-file', '/x'], { S: 'v' }, /only one/],
    ['a secret in argv', ['--issuer', 'https://a.example', '--client-id', 'x', '--client-secret', 'hunter2'], {}, /--client-secret is not accepted/],
    ['a secret in argv (=)', ['--issuer', 'https://a.example', '--client-id', 'x', '--client-secret=hunter2'], {}, /--client-secret is not accepted/],
    ['an unset env var', ['--issuer', 'https://a.example', '--client-id', 'x', '--client-secret-env', 'NOPE'], {}, /--client-secret-env: .*NOPE/],
    ['a missing secret file', ['--issuer', 'https://a.example', '--client-id', 'x', '--client-secret-file', '/nonexistent/secret'], {}, /--client-secret-file: cannot read/],
    ['a bad email', ['--issuer', 'https://a.example', '--client-id', 'x', '--client-secret-env', 'S', '--allow-email', 'alice'], { S: 'v' }, /--allow-email/],
    ['a bad domain', ['--issuer', 'https://a.example', '--client-id', 'x', '--client-secret-env', 'S', '--allow-domain', 'not a domain'], { S: 'v' }, /--allow-domain/],
    ['an unknown flag', ['--issuer', 'https://a.example', '--client-id', 'x', '--client-secret-env', 'S', '--frobnicate'], { S: 'v' }, /--frobnicate/],
    ['a flag without its value', ['--client-id', 'x', '--client-secret-env', 'S', '--issuer'], { S: 'v' }, /--issuer/],
  ];
  for (const [name, argv, env, re] of bad) {
    test(`bad arguments (${name}): exit 2, the flag named`, async () => {
      const r = await run(argv, env);
      assert.equal(r.code, 2);
      assert.match(r.stderr, re);
      assert.equal(r.stdout, '');
      assert.ok(!r.stderr.includes('hunter2'), 'a secret given in argv is not echoed');
    });
  }

  test('statuses: acme.com fails one check; the rest are not checked or to do by hand, never counted as failed', async () => {
    const r = await run(['--issuer', 'acme.com', '--client-id', 'x', '--client-secret-env', 'S', '--json'], { S: 'some-secret-value' });
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, false);
    assert.deepEqual(out.checks.map((c: { status: string }) => c.status), ['fail', 'skip', 'skip', 'skip', 'skip', 'skip', 'skip', 'manual']);
    const human = await run(['--issuer', 'acme.com', '--client-id', 'x', '--client-secret-env', 'S'], { S: 'some-secret-value' });
    assert.match(human.stdout, /^1 failed, 6 not checked, 1 to do by hand\.$/m);
    assert.match(human.stdout, /^✗ issuer-url: /m);
    assert.match(human.stdout, /^- discovery: Not checked: the issuer-url check failed\.$/m);
    assert.match(human.stdout, /^☐ redirect-uri: /m);
    assert.doesNotMatch(human.stdout, /checks failed/);
  });

  test('a good provider with only the manual step left: ok true, exit 0, "to do by hand" said', async () => {
    const r = await run(['--issuer', good.issuer, '--client-id', good.clientId, '--client-secret-file', secretFile]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^All 7 checkable checks passed; 1 to do by hand\.$/m);
  });

  // A secret given by mistake where a flag expects a NAME or a PATH is never printed back.
  const SECRETISH = 'q8Vh3kP2xZ7mN4bR9tL6wY1cF5gJ0sDa'; // what `--client-secret-env "$FA_CLIENT_SECRET"` passes
  const misplaced: [string, string[], RegExp][] = [
    ['--client-secret-env with the secret (not a name)', ['--client-secret-env', `${SECRETISH}-_+/=`], /--client-secret-env takes the NAME of an environment variable/],
    ['--client-secret-env with the secret (name-shaped, unset)', ['--client-secret-env', SECRETISH], /--client-secret-env takes the NAME.*looks like a secret itself/],
    ['--client-secret-file with the secret', ['--client-secret-file', SECRETISH], /--client-secret-file: cannot read the path given \(not shown: the value given looks like a secret itself/],
  ];
  for (const [name, flags, re] of misplaced) {
    test(`${name}: exit 2, the flag and the rule named, the value never echoed`, async () => {
      const r = await run(['--issuer', 'https://a.example', '--client-id', 'x', ...flags]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, re);
      assert.ok(!r.stderr.includes(SECRETISH.slice(0, 12)), r.stderr);
    });
  }

  test('a name-shaped env var that is set is used, whatever it looks like', async () => {
    const r = await run(['--issuer', good.issuer, '--client-id', good.clientId, '--client-secret-env', SECRETISH, '--json'], { [SECRETISH]: good.clientSecret });
    assert.equal(r.code, 0, r.stderr);
  });

  test('--client-secret-file /dev/zero: the read is capped and the error says what is wrong', async () => {
    const before = process.memoryUsage().rss;
    const r = await run(['--issuer', 'https://a.example', '--client-id', 'x', '--client-secret-file', '/dev/zero']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--client-secret-file: \/dev\/zero is larger than 64 KB; it should hold only the client secret/);
    assert.ok(process.memoryUsage().rss - before < 50 * 1024 * 1024, 'read no more than the cap');
  });

  test('--help: usage on stdout, exit 0', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: porthole check/);
  });
});
