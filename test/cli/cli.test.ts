// test: the `porthole` CLI as a user runs it (node --import tsx main/cli/index.ts), against the
// loopback ingress and the test OpenID provider: exit codes, JSON lines, signals, no secret in output.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { trafficPolicyFor, VAULT_SECRET_REF } from '../../main/tunnel/policy.js';
import { get, sleep, startApp, type LocalApp } from '../engine/helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const TOKEN = 'cli-authtoken-SECRET-1234';
let ing: Ingress;
let app: LocalApp;
let dir: string;

before(async () => {
  ing = await startIngress();
  app = await startApp('cli');
  dir = mkdtempSync(join(tmpdir(), 'porthole-cli-'));
});
/** CLI processes still running: a test that failed half-way must not leave them behind. */
const running = new Set<ChildProcess>();
after(async () => {
  for (const c of running) c.kill('SIGKILL'); // its worker sees the channel close and stops by itself
  await ing.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves once stdout holds a line matching re. */
  line(re: RegExp, timeoutMs?: number): Promise<string>;
  exit: Promise<number | null>;
}

function porthole(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NGROK_AUTHTOKEN: TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  running.add(child);
  const exit = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      running.delete(child);
      r(code);
    }),
  );
  return {
    child,
    out: () => out,
    err: () => err,
    exit,
    line(re, timeoutMs = 15000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = out.split('\n').find((l) => re.test(l));
          if (hit) {
            clearTimeout(t);
            resolve(hit);
          }
        };
        const t = setTimeout(() => reject(new Error(`no line ${re} in stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
        waiters.push(check);
        check();
        void exit.then(() => setTimeout(check, 10));
      });
    },
  };
}
const ingressFlags = () => ['--server-addr', ing.serverAddr, '--ca-file', ing.caFile];
const jsonLines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const JSON_KEYS = ['tunnel', 'state', 'url', 'code', 'message', 'protection'];

test('share --json: starting, online with the URL; SIGTERM → stopped, Unbind, exit 0; no secret printed', async () => {
  const run = porthole(['share', String(app.port), '--mode', 'public', '--name', 'cli-pub', '--domain', 'cli-pub.ngrok.test', ...ingressFlags(), '--json']);
  const online = JSON.parse(await run.line(/"state":"online"/));
  assert.equal(online.tunnel, 'cli-pub');
  assert.match(online.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await get(`${online.url}/x`)).body, 'hello cli /x');
  await run.line(/"protection":"open"/);
  run.child.kill('SIGTERM');
  assert.equal(await run.exit, 0);
  const lines = jsonLines(run.out());
  assert.deepEqual(lines.map((l) => l.state), ['starting', 'online', 'online', 'stopped']);
  for (const l of lines) assert.deepEqual(Object.keys(l).filter((k) => !JSON_KEYS.includes(k)), []);
  const bind = ing.binds.find((b) => b.url === online.url)!;
  assert.equal(bind.domain, 'cli-pub.ngrok.test', '--domain reaches the Bind');
  const id = bind.id;
  await ing.waitFor(() => ing.unbinds.some((u) => u.id === id));
  await assert.rejects(get(online.url), /ECONNREFUSED/);
  assert.ok(!run.out().includes(TOKEN) && !run.err().includes(TOKEN));
});

test('share for people: start, URL, OPEN verdict, a drop and back, SIGINT → stopped', async () => {
  const target = `127.0.0.1:${app.port}`;
  const run = porthole(['share', target, '--mode', 'public', '--name', 'people', ...ingressFlags()]);
  const online = await run.line(/online at http/);
  const url = /online at (\S+) → /.exec(online)![1]!;
  assert.equal(online, `people: online at ${url} → ${target}`);
  assert.match(run.err(), /^warning: mode "public": no sign-in, anyone with the URL gets in\.$/m);
  await run.line(/OPEN/);
  ing.dropAll();
  await run.line(/back online/);
  run.child.kill('SIGINT');
  assert.equal(await run.exit, 0);
  assert.deepEqual(run.out().trimEnd().split('\n'), [
    'people: starting…',
    `people: online at ${url} → ${target}`,
    'people: OPEN, anyone with the URL gets in: HTTP 200: the app answered without any sign-in; anyone with the URL gets in',
    `people: connection to ngrok lost, reconnecting… (${url} is offline meanwhile)`,
    `people: back online at ${url}`,
    'people: stopped',
  ]);
  assert.doesNotMatch(run.err(), /WARNING/, 'public is open on purpose: no alarm beyond the start-up warning');
});

test('share oidc with a secret file: preflight passes, the Bind carries the policy, protected; the secret never printed', async () => {
  const fa: FusionAuth = await startFusionAuth({ variant: 'good', redirectUris: [ing.idpCallbackUrl] });
  try {
    const secretFile = join(dir, 'secret');
    writeFileSync(secretFile, `${fa.clientSecret}\n`, { mode: 0o600 });
    const run = porthole(['share', String(app.port), '--name', 'cli-sso', '--issuer', fa.issuer, '--client-id', fa.clientId, '--client-secret-file', secretFile, '--allow-email', 'alice@example.test', ...ingressFlags(), '--json']);
    const line = JSON.parse(await run.line(/"protection"/, 20000));
    assert.equal(line.state, 'online');
    assert.equal(line.protection, 'protected');
    const bind = ing.binds.find((b) => b.url === line.url)!;
    assert.deepEqual(bind.trafficPolicy, trafficPolicyFor({ issuer: fa.issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowEmails: ['alice@example.test'], allowDomains: [], scopes: [] }));
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
    // The same tunnel for people: the verdict in words.
    const human = porthole(['share', String(app.port), '--name', 'cli-sso', '--issuer', fa.issuer, '--client-id', fa.clientId, '--client-secret-file', secretFile, ...ingressFlags()]);
    assert.match(await human.line(/protected/, 20000), /^cli-sso: protected, visitors must sign in: redirects to FusionAuth's sign-in/);
    assert.match(human.out(), /^cli-sso: starting \(checking FusionAuth, then connecting to ngrok\)…$/m);
    human.child.kill('SIGINT');
    assert.equal(await human.exit, 0);
    for (const s of [run.out(), run.err(), human.out(), human.err()]) {
      assert.ok(!s.includes(fa.clientSecret), 'client secret printed');
      assert.ok(!s.includes(TOKEN), 'authtoken printed');
    }
  } finally {
    await fa.close();
  }
});

test('share: a refused authtoken → a JSON error line with the ngrok code, exit 1', async () => {
  ing.failAuth('ERR_NGROK_105', `bad token. Your authtoken: ${TOKEN}`);
  try {
    const run = porthole(['share', String(app.port), '--mode', 'public', ...ingressFlags(), '--json']);
    assert.equal(await run.exit, 1);
    const last = jsonLines(run.out()).at(-1);
    assert.equal(last.state, 'error');
    assert.equal(last.code, 'ERR_NGROK_105');
    assert.equal(last.message, 'ngrok rejected the authtoken.');
    assert.ok(!run.out().includes(TOKEN) && !run.err().includes(TOKEN));
    // For people: the error and its fix on stderr.
    const human = porthole(['share', String(app.port), '--mode', 'public', '--name', 'tok', ...ingressFlags()]);
    assert.equal(await human.exit, 1);
    assert.match(human.err(), /^tok: failed: ngrok rejected the authtoken\. \(ERR_NGROK_105\)\n  fix: Copy your authtoken again from https:\/\/dashboard\.ngrok\.com\/get-started\/your-authtoken/m);
    assert.ok(!human.out().includes('failed'), 'errors go to stderr');
    assert.ok(!human.out().includes(TOKEN) && !human.err().includes(TOKEN));
  } finally {
    ing.failAuth(null);
  }
});

test('share --json: stdout stays pure JSON through a drop, an outage and a dead session after wake; the SDK\'s own prints go to stderr', async () => {
  const run = porthole(['share', String(app.port), '--mode', 'public', '--name', 'robust', ...ingressFlags(), '--json']);
  const first = JSON.parse(await run.line(/"state":"online"/));
  const last = () => jsonLines(run.out()).at(-1);
  // A drop: the SDK redials and keeps the URL.
  ing.dropAll();
  await run.line(/"state":"reconnecting"/);
  await ing.waitFor(() => jsonLines(run.out()).filter((l) => l.state === 'online').length >= 2, 5000);
  assert.equal(last().url, first.url);
  // An outage longer than the SDK's quick redials: Porthole rebuilds the session.
  await ing.outage(4500);
  await ing.waitFor(() => last().state === 'online' && last().url !== first.url, 5000);
  const rebuilt = last().url;
  // After "sleep" the session's connection is half-open: no answers, no reset. SIGUSR2 (as on wake)
  // finds it dead and rebuilds.
  const frozen = ing.freeze();
  run.child.kill('SIGUSR2');
  await ing.waitFor(() => last().state === 'online' && last().url !== rebuilt, 5000);
  frozen.drop();
  // Ctrl-C while the connection is half-open, and it dies during the shutdown: the SDK is refused
  // its redial and prints "Aborting connection to …" on its process's stdout, which is not ours.
  const dying = ing.freeze();
  run.child.kill('SIGTERM');
  await run.line(/"state":"stopped"/);
  await sleep(300);
  dying.drop();
  assert.equal(await run.exit, 0);
  assert.match(run.err(), /^ngrok: Aborting connection to 127\.0\.0\.1:\d+$/m, 'the SDK printed, to stderr');
  const lines = run.out().split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  for (const l of lines) {
    const o = JSON.parse(l); // every line, no exception
    assert.equal(o.tunnel, 'robust');
    assert.deepEqual(Object.keys(o).filter((k) => !JSON_KEYS.includes(k)), [], l);
  }
  const states = lines.map((l) => JSON.parse(l).state);
  // Three losses (drop, outage, dead session), each followed by online again.
  assert.equal(states.filter((s, i) => s === 'reconnecting' && states[i - 1] !== 'reconnecting').length, 3, states.join(' '));
  assert.equal(states.filter((s, i) => s === 'online' && states[i - 1] === 'reconnecting').length, 3, states.join(' '));
  assert.equal(states.at(-1), 'stopped');
  assert.ok(!run.err().includes(TOKEN));
});

test('bad arguments: exit 2 and the flag named', async () => {
  const cases: [string[], RegExp, Record<string, string>?][] = [
    [['share', '3000', '--client-secret', 'hunter2'], /--client-secret is not accepted/],
    [['share', '70000', '--mode', 'public'], /<port\|host:port>: target must be a port/],
    [['share', '3000', '--issuer', 'acme.com', '--client-id', 'x', '--client-secret-env', 'SEC'], /--issuer: .*absolute https URL/, { SEC: 'v' }],
    [['share', '3000', '--issuer', 'https://a.test', '--client-id', 'x'], /--client-secret-file\/--client-secret-env: .*required/],
    [['share', '3000', '--mode', 'public', '--authtoken-env', 'NOPE_NOT_SET'], /--authtoken-env: the environment variable NOPE_NOT_SET/],
    [['share', '3000', '--mode', 'public', '--frobnicate'], /--frobnicate/],
    [['share', '3000', '--mode', 'sideways'], /--mode: mode must be one of/],
    [['share', '3000', '--mode', 'public', '--domain', 'not a host'], /--domain: domain must be a hostname/],
    [['share', '3000', '--mode', 'public', '--server-addr', 'nope'], /--server-addr: serverAddr must be host:port/],
    [['share', '3000', '--mode', 'public', '--ca-file', '/nonexistent/ca.pem'], /--ca-file: cannot read/],
    [['share', '--mode', 'public'], /<port\|host:port> is required/],
    [['policy', '3000', '--issuer', 'https://a.test', '--client-id', 'x', '--client-secret-env', 'SEC', '--allow-email', 'nope'], /--allow-email: fusionauth\.allowEmails\[0\]/, { SEC: 'v' }],
    [['frobnicate'], /unknown command "frobnicate"/],
  ];
  await Promise.all(
    cases.map(async ([args, re, env]) => {
      const run = porthole(args, env);
      assert.equal(await run.exit, 2, `${args.join(' ')}\n${run.err()}`);
      assert.match(run.err(), re, args.join(' '));
      assert.ok(!run.err().includes('hunter2'));
    }),
  );
});

test('policy prints the Traffic Policy share would attach, as YAML, the secret as a vault reference', async () => {
  const flags = ['policy', '3000', '--issuer', 'https://auth.example.test', '--client-id', 'cid', '--allow-domain', 'corp.test', '--scope', 'profile'];
  const expected = (clientSecret: string) => trafficPolicyFor({ issuer: 'https://auth.example.test', clientId: 'cid', clientSecret, allowEmails: [], allowDomains: ['corp.test'], scopes: ['profile'] });
  // With a secret given, and without one: the same vault form, never the secret.
  for (const run of [porthole([...flags, '--client-secret-env', 'SEC'], { SEC: 'the-secret' }), porthole(flags)]) {
    assert.equal(await run.exit, 0, run.err());
    assert.deepEqual(parseYaml(run.out()), expected(VAULT_SECRET_REF));
    assert.ok(!run.out().includes('the-secret'));
    assert.match(run.out(), /^# +ngrok api vaults create --name porthole$/m);
    assert.equal(run.err(), '');
  }
  // --inline-secret: the real one, and a warning on stderr.
  const inline = porthole([...flags, '--client-secret-env', 'SEC', '--inline-secret'], { SEC: 'the-secret' });
  assert.equal(await inline.exit, 0, inline.err());
  assert.deepEqual(parseYaml(inline.out()), expected('the-secret'));
  assert.ok(!inline.out().includes('vault'));
  assert.match(inline.err(), /^warning: --inline-secret: the output holds the FusionAuth client secret in plain text/);
  assert.ok(!inline.err().includes('the-secret'));
  const missing = porthole([...flags, '--inline-secret']);
  assert.equal(await missing.exit, 2);
  assert.match(missing.err(), /--client-secret-file\/--client-secret-env: .*required/);
});

test('check is dispatched to the FusionAuth checker', async () => {
  const run = porthole(['check']);
  assert.equal(await run.exit, 2);
  assert.match(run.err(), /--issuer/);
  const help = porthole(['--help']);
  assert.equal(await help.exit, 0);
  assert.match(help.out(), /share <port\|host:port>/);
});
