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
import { trafficPolicyFor } from '../../main/tunnel/policy.js';
import { get, startApp, type LocalApp } from '../engine/helpers.js';

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
after(async () => {
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
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
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

test('share --json: starting, online with the URL; SIGTERM → stopped, Unbind, exit 0; no secret printed', async () => {
  const run = porthole(['share', String(app.port), '--mode', 'public', '--name', 'cli-pub', ...ingressFlags(), '--json']);
  const online = JSON.parse(await run.line(/"state":"online"/));
  assert.equal(online.tunnel, 'cli-pub');
  assert.match(online.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await get(`${online.url}/x`)).body, 'hello cli /x');
  await run.line(/"protection":"open"/);
  run.child.kill('SIGTERM');
  assert.equal(await run.exit, 0);
  const lines = jsonLines(run.out());
  assert.deepEqual(lines.map((l) => l.state), ['starting', 'online', 'online', 'stopped']);
  for (const l of lines) assert.deepEqual(Object.keys(l).filter((k) => !['tunnel', 'state', 'url', 'code', 'message', 'protection'].includes(k)), []);
  const id = ing.binds.find((b) => b.url === online.url)!.id;
  await ing.waitFor(() => ing.unbinds.some((u) => u.id === id));
  await assert.rejects(get(online.url), /ECONNREFUSED/);
  assert.ok(!run.out().includes(TOKEN) && !run.err().includes(TOKEN));
});

test('share: SIGINT stops cleanly too, with lines for people', async () => {
  const run = porthole(['share', `127.0.0.1:${app.port}`, '--mode', 'public', ...ingressFlags()]);
  const line = await run.line(/online at http/);
  assert.match(line, /^127-0-0-1-\d+: online at http:\/\/127\.0\.0\.1:\d+/);
  assert.match(run.err(), /anyone with the URL/);
  run.child.kill('SIGINT');
  assert.equal(await run.exit, 0);
  assert.match(run.out(), /: stopped\n$/);
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
    for (const s of [run.out(), run.err()]) {
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
  } finally {
    ing.failAuth(null);
  }
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

test('policy prints the Traffic Policy share would attach, as YAML', async () => {
  const run = porthole(['policy', '3000', '--issuer', 'https://auth.example.test', '--client-id', 'cid', '--client-secret-env', 'SEC', '--allow-domain', 'corp.test', '--scope', 'profile'], { SEC: 'the-secret' });
  assert.equal(await run.exit, 0, run.err());
  assert.deepEqual(parseYaml(run.out()), trafficPolicyFor({ issuer: 'https://auth.example.test', clientId: 'cid', clientSecret: 'the-secret', allowEmails: [], allowDomains: ['corp.test'], scopes: ['profile'] }));
});

test('check is dispatched to the FusionAuth checker', async () => {
  const run = porthole(['check']);
  assert.equal(await run.exit, 2);
  assert.match(run.err(), /--issuer/);
  const help = porthole(['--help']);
  assert.equal(await help.exit, 0);
  assert.match(help.out(), /share <port\|host:port>/);
});
