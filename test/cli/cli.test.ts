// test: the `porthole` CLI as a user runs it (plain node on the built JavaScript, see
// test/support/built-cli.ts), against the loopback ingress and the test OpenID provider: exit codes,
// JSON lines, signals, no secret in output. Every wait on a process is bounded: a CLI that never
// exits fails its test with what it printed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { startFusionAuth, type FusionAuth } from '../support/fusionauth.js';
import { buildCli, type BuiltCli } from '../support/built-cli.js';
import { trafficPolicyFor, VAULT_SECRET_REF } from '../../main/tunnel/policy.js';
import { forwardConfigFor } from '../../main/tunnel/forward-config.js';
import { WORKER_COMMAND } from '../../main/cli/launch.js';
import { get, sleep, startApp, type LocalApp } from '../engine/helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const TOKEN = 'cli-authtoken-SECRET-1234';
let ing: Ingress;
let app: LocalApp;
let dir: string;
let cli: BuiltCli;

before(async () => {
  cli = await buildCli();
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
  cli.remove();
});

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves once stdout holds a line matching re. */
  line(re: RegExp, timeoutMs?: number): Promise<string>;
  /** The exit code; rejects (with the output so far) if the process is still running after EXIT_TIMEOUT_MS. */
  readonly exit: Promise<number | null>;
}

/** How long a CLI may take to exit once it should: a stop that never comes fails the test, not the suite. */
const EXIT_TIMEOUT_MS = 30_000;

function porthole(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [cli.entry, ...args], {
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
    get exit() {
      return new Promise<number | null>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`porthole ${args.join(' ')}: still running after ${EXIT_TIMEOUT_MS} ms\nstdout:\n${out}\nstderr:\n${err}`)), EXIT_TIMEOUT_MS);
        void exit.then((code) => {
          clearTimeout(t);
          resolve(code);
        });
      });
    },
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
// `inspect`: the agent API's address, on the first online line while inspecting (the default).
const JSON_KEYS = ['tunnel', 'state', 'url', 'code', 'message', 'protection', 'local', 'inspect'];

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
  assert.equal(online, `people: online at ${url} → ${target} (Ctrl-C to stop)`);
  assert.match(run.err(), /^warning: mode "public": no sign-in, anyone with the URL gets in\.$/m);
  await run.line(/OPEN/);
  ing.dropAll();
  await run.line(/back online/);
  run.child.kill('SIGINT');
  assert.equal(await run.exit, 0);
  const said = run.out().trimEnd().split('\n');
  const inspect = said.findIndex((l) => l.startsWith('people: inspect and replay requests at '));
  assert.match(said[inspect]!, /^people: inspect and replay requests at http:\/\/127\.0\.0\.1:404\d \(ngrok's agent API: http:\/\/127\.0\.0\.1:404\d\/api\/requests\/http\)$/);
  said.splice(inspect, 1);
  assert.deepEqual(said, [
    'people: starting…',
    `people: online at ${url} → ${target} (Ctrl-C to stop)`,
    'people: OPEN, anyone with the URL gets in: HTTP 200: the app answered without any sign-in',
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
    // Exactly the policy the engine's config builder makes for these flags.
    const fusionauth = { issuer: fa.issuer, clientId: fa.clientId, clientSecret: fa.clientSecret, allowEmails: ['alice@example.test'], allowDomains: [], scopes: [] };
    // The policy share binds, with this run's random proof after the sign-in (the recording proxy requires it).
    const proof = bind.trafficPolicy.on_http_request[0].actions.find((x: { type: string }) => x.type === 'add-headers').config.headers['X-Porthole-Proof'];
    assert.match(proof, /^[A-Za-z0-9_-]{32}$/);
    assert.deepEqual(bind.trafficPolicy, JSON.parse(forwardConfigFor({ name: 'cli-sso', target: String(app.port), mode: 'oidc', fusionauth }, undefined, { proof }).traffic_policy!));
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
  // The drop and the outage each say "reconnecting" before online again (the dead session found on wake
  // is checked above by its new URL: in full-suite runs it sometimes went from online straight to online
  // on the new URL, a race between the rebuild and the tunnel's connection that is still open).
  assert.ok(states.filter((s, i) => s === 'reconnecting' && states[i - 1] !== 'reconnecting').length >= 2, states.join(' '));
  assert.equal(states.filter((s, i) => s === 'online' && states[i - 1] === 'reconnecting').length, 3, states.join(' '));
  assert.equal(states.at(-1), 'stopped');
  assert.ok(!run.err().includes(TOKEN));
});

test('bad arguments: exit 2 and the flag named', async () => {
  const cases: [string[], RegExp, Record<string, string>?][] = [
    [['share', '3000', '--client-secret', 'hunter2'], /--client-secret is not accepted/],
    [['share', '70000', '--mode', 'public'], /<port\|host:port> "70000": not a port from 1 to 65535/],
    [['share', '0', '--mode', 'public'], /<port\|host:port> "0": not a port/],
    [['share', '3000', '--issuer', 'acme.com', '--client-id', 'x', '--client-secret-env', 'SEC'], /--issuer "acme\.com": not an absolute https URL .*\n  fix: .*give that same URL to --issuer\./, { SEC: 'v' }],
    [['share', '3000', '--issuer', 'https://a.test', '--client-id', 'x'], /--client-secret-file\/--client-secret-env is required\n  fix: .*--client-secret-file PATH/],
    [['share', '3000', '--mode', 'public', '--authtoken-env', 'NOPE_NOT_SET'], /--authtoken-env: the environment variable NOPE_NOT_SET/],
    [['share', '3000', '--mode', 'public', '--frobnicate'], /--frobnicate: no such flag/],
    [['share', '3000', '--mode', 'public', '--isuer', 'https://a.test'], /--isuer: no such flag; did you mean --issuer\?/],
    [['share', '--port', '3000', '--mode', 'public'], /--port: the port is a positional argument: porthole share 3000/],
    [['share', '3000', '--mode', 'public', '--issuer'], /--issuer needs a value \(e\.g\. --issuer https:\/\/auth\.example\.com\)/],
    [['share', '3000', '--mode', 'sideways'], /^porthole share: --mode "sideways": not a mode: use one of oidc, oidc-legacy, internal, public\n\n/],
    [['share', '3000', '--mode', 'public', '--domain', 'not a host'], /--domain "not a host": not a hostname/],
    [['share', '3000', '--mode', 'public', '--server-addr', 'nope'], /--server-addr "nope": not host:port/],
    [['share', '3000', '--mode', 'public', '--allow-email', 'alice@example.com'], /--mode public and --allow-email conflict: a public tunnel signs nobody in/],
    [['share', '3000', '--mode', 'public', '--allow-domain', 'example.com', '--allow-email', 'a@example.com'], /--mode public and --allow-email and --allow-domain conflict/],
    [['share', 'https://localhost:3000', '--mode', 'public'], /Porthole forwards plain http to the local app; give host:port \(e\.g\. localhost:3000\)/],
    [['share', '3000', '--mode', 'public', '--ca-file', '/nonexistent/ca.pem'], /--ca-file: cannot read/],
    [['share', '--mode', 'public'], /<port\|host:port> is required/],
    [['policy', '3000', '--issuer', 'https://a.test', '--client-id', 'x', '--allow-email', 'not-an-email'], /^porthole policy: --allow-email "not-an-email": not an email address \(e\.g\. alice@example\.com\)\n\n/],
    [['policy', '3000', '--issuer', 'https://a.test', '--client-id', 'x', '--allow-email', 'a@example.com', '--allow-email', 'bob'], /--allow-email "bob" \(the 2nd --allow-email\): not an email address/],
    [['share', '3000', '--mode', 'public', '--for', 'forever'], /^porthole share: --for "forever" is not a duration\n  fix: Give a number followed by s, m or h, e\.g\. 90s, 15m, 1h/],
    [['share', '3000', '--mode', 'public', '--for', '0m'], /--for "0m" is no time at all/],
    [['share', '3000', '--mode', 'public', '--for', '9999h'], /--for "9999h" is longer than 7 days/],
    [['share', '3000', '--mode', 'public', '--for'], /--for needs a value \(e\.g\. --for 15m\)/],
    [['share', '3000', '--mode', 'public', '--requests', '--no-record'], /--requests and --no-record conflict/],
    [['help', 'frobnicate'], /no command "frobnicate"/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ];
  // A few at a time: each is two processes (share parses its flags in the worker), the machine may
  // have two cores, and a process's exit is timed from its start.
  const queue = [...cases];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await expectUsageError(...c);
    }),
  );
  async function expectUsageError(args: string[], re: RegExp, env?: Record<string, string>) {
    const run = porthole(args, env);
    assert.equal(await run.exit, 2, `${args.join(' ')}\n${run.err()}`);
    assert.match(run.err(), re, args.join(' '));
    assert.ok(!run.err().includes('hunter2'));
    // No schema paths, no window words, no Node parser text.
    assert.doesNotMatch(run.err(), /fusionauth\.|allowEmails|serverAddr|paste|Settings|ERR_PARSE_ARGS|'--/, args.join(' '));
  }
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
  assert.match(missing.err(), /--client-secret-file\/--client-secret-env is required/);
});

test('check is dispatched to the FusionAuth checker', async () => {
  const run = porthole(['check']);
  assert.equal(await run.exit, 2);
  assert.match(run.err(), /--issuer/);
  const help = porthole(['--help']);
  assert.equal(await help.exit, 0);
  assert.match(help.out(), /share <port\|host:port>/);
});

/** A loopback port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

test('share: nothing listening on the target is said before and while sharing; --json online lines carry "local"', async () => {
  const port = await freePort();
  const run = porthole(['share', String(port), '--mode', 'public', '--name', 'nolocal', ...ingressFlags(), '--json']);
  const first = JSON.parse(await run.line(/"state":"online"/));
  assert.equal(first.local, 'unreachable');
  const human = porthole(['share', String(port), '--mode', 'public', '--name', 'nolocal-h', ...ingressFlags()]);
  await human.line(/online at/);
  assert.match(human.err(), new RegExp(`^nolocal-h: nothing is listening on localhost:${port} yet — visitors will get an error until it is$`, 'm'));
  // The app starts: both say so within the polling interval.
  const srv = createHttpServer((_req, res) => res.end('late app'));
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  try {
    await run.line(/"local":"listening"/, 8000);
    assert.equal(await human.line(/is listening now/, 8000), `nolocal-h: localhost:${port} is listening now`);
    for (const r of [run, human]) r.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
    assert.equal(await human.exit, 0);
    for (const l of jsonLines(run.out())) if (l.state === 'online') assert.ok(['listening', 'unreachable'].includes(l.local), JSON.stringify(l));
  } finally {
    srv.close();
  }
});

test('share --json | head -1: a closed stdout stops the tunnel cleanly, quietly, exit 0', async () => {
  const run = porthole(['share', String(app.port), '--mode', 'public', '--name', 'epipe', ...ingressFlags(), '--json']);
  await run.line(/"state":"starting"/);
  run.child.stdout!.destroy(); // the reader is gone, as after `head -1`
  assert.equal(await run.exit, 0, run.err());
  assert.doesNotMatch(run.err(), /EPIPE|Error|at /, run.err());
  const bind = ing.binds.find((b) => b.url && ing.binds.indexOf(b) === ing.binds.length - 1);
  if (bind) await ing.waitFor(() => ing.unbinds.some((u) => u.id === bind.id), 5000);
});

test('share --json: when the worker process dies, a final error line, exit 1', async () => {
  const run = porthole(['share', String(app.port), '--mode', 'public', '--name', 'dies', ...ingressFlags(), '--json']);
  await run.line(/"state":"online"/);
  // The worker by its command line: any other child of the CLI (there is none today) is left alone.
  const workers = execFileSync('pgrep', ['-P', String(run.child.pid), '-f', WORKER_COMMAND], { encoding: 'utf8', timeout: 5000 }).trim().split('\n');
  assert.equal(workers.length, 1, `one worker process: ${workers.join(', ')}`);
  process.kill(Number(workers[0]), 'SIGKILL');
  assert.equal(await run.exit, 1);
  const last = jsonLines(run.out()).at(-1);
  assert.equal(last.tunnel, 'dies');
  assert.equal(last.state, 'error');
  assert.equal(last.code, 'INTERNAL');
  assert.match(last.message, /ended unexpectedly \(SIGKILL\); the tunnel is down/);
});

test('share takes the authtoken from the ngrok config file like the window; without one, the error names both places', async () => {
  const home = join(dir, 'home');
  const conf = join(home, '.config', 'ngrok');
  const run0 = porthole(['share', String(app.port), '--mode', 'public', ...ingressFlags()], { HOME: home, NGROK_AUTHTOKEN: '' });
  assert.equal(await run0.exit, 2);
  assert.match(run0.err(), new RegExp(`NGROK_AUTHTOKEN is not set, and no ngrok config file holds one \\(looked in ${conf.replace(/[.]/g, '\\.')}/ngrok\\.yml`));
  assert.match(run0.err(), /fix: .*export it as NGROK_AUTHTOKEN.*ngrok config add-authtoken/);
  mkdirSync(conf, { recursive: true });
  writeFileSync(join(conf, 'ngrok.yml'), `version: "3"\nagent:\n  authtoken: ${TOKEN}\n`);
  const run = porthole(['share', String(app.port), '--mode', 'public', '--name', 'fromconf', ...ingressFlags(), '--json'], { HOME: home, NGROK_AUTHTOKEN: '' });
  await run.line(/"state":"online"/);
  run.child.kill('SIGTERM');
  assert.equal(await run.exit, 0);
  assert.ok(!run.out().includes(TOKEN) && !run.err().includes(TOKEN));
});

test('--version, help <command>, and share http://localhost:PORT', async () => {
  const v = porthole(['--version']);
  assert.equal(await v.exit, 0);
  assert.equal(v.out(), `porthole ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  const h = porthole(['help', 'share']);
  assert.equal(await h.exit, 0);
  assert.match(h.out(), /^Usage: porthole share <port\|host:port>/);
  const p = porthole(['policy', `http://localhost:${app.port}/`, '--mode', 'public']);
  assert.equal(await p.exit, 0, p.err());
  assert.match(p.out(), new RegExp(`Tunnel "localhost-${app.port}" is public`));
  const run = porthole(['share', `http://127.0.0.1:${app.port}`, '--mode', 'public', '--name', 'fromurl', ...ingressFlags(), '--json']);
  const online = JSON.parse(await run.line(/"state":"online"/));
  assert.equal((await get(`${online.url}/u`)).body, 'hello cli /u');
  run.child.kill('SIGTERM');
  assert.equal(await run.exit, 0);
});

test('policy --mode oidc-legacy prints the agent options share sends, not a Traffic Policy', async () => {
  const flags = ['policy', '3000', '--mode', 'oidc-legacy', '--issuer', 'https://auth.example.test', '--client-id', 'cid', '--allow-email', 'alice@example.test', '--client-secret-env', 'SEC'];
  const run = porthole(flags, { SEC: 'the-secret' });
  assert.equal(await run.exit, 0, run.err());
  const printed = parseYaml(run.out());
  const fa = { issuer: 'https://auth.example.test', clientId: 'cid', clientSecret: 'the-secret', allowEmails: ['alice@example.test'], allowDomains: [], scopes: [] };
  const sent = Object.fromEntries(Object.entries(forwardConfigFor({ name: 'port-3000', target: '3000', mode: 'oidc-legacy', fusionauth: fa })).filter(([k]) => k.startsWith('oidc_')));
  assert.deepEqual({ ...printed, oidc_client_secret: 'the-secret' }, sent);
  assert.ok(!('on_http_request' in printed));
  assert.ok(!run.out().includes('the-secret'));
  assert.match(run.out(), /^# .*attaches no Traffic Policy/m);
  const inline = porthole([...flags, '--inline-secret'], { SEC: 'the-secret' });
  assert.equal(await inline.exit, 0);
  assert.equal(parseYaml(inline.out()).oidc_client_secret, 'the-secret');
});

const REQUEST_KEYS = ['tunnel', 'event', 'at', 'method', 'path', 'status', 'ms', 'bytes', 'user'];

test('share --requests --json: one line per request through the tunnel, exact keys, user null when nobody signed in; state lines unchanged', async () => {
  const run = porthole(['share', String(app.port), '--mode', 'public', '--name', 'reqs', ...ingressFlags(), '--json', '--requests']);
  const online = JSON.parse(await run.line(/"state":"online"/));
  const t0 = Date.now();
  assert.equal((await get(`${online.url}/req-a`)).body, 'hello cli /req-a');
  const posted = await fetch(`${online.url}/req-b?x=1`, { method: 'POST', body: 'payload' });
  assert.equal(await posted.text(), 'hello cli /req-b?x=1');
  const a = JSON.parse(await run.line(/"path":"\/req-a"/));
  const b = JSON.parse(await run.line(/"path":"\/req-b\?x=1"/));
  for (const [line, method, path] of [[a, 'GET', '/req-a'], [b, 'POST', '/req-b?x=1']] as const) {
    assert.deepEqual(Object.keys(line), REQUEST_KEYS, 'the exact keys, in order');
    assert.deepEqual({ ...line, at: 0, ms: 0 }, { tunnel: 'reqs', event: 'request', at: 0, method, path, status: 200, ms: 0, bytes: `hello cli ${path}`.length, user: null });
    assert.ok(Date.parse(line.at) >= t0 - 1000 && Date.parse(line.at) <= Date.now(), line.at);
    assert.ok(Number.isInteger(line.ms) && line.ms >= 0 && line.ms < 5000, String(line.ms));
  }
  run.child.kill('SIGTERM');
  assert.equal(await run.exit, 0);
  const lines = jsonLines(run.out());
  const states = lines.filter((l) => l.event === undefined);
  for (const l of states) assert.deepEqual(Object.keys(l).filter((k) => !JSON_KEYS.includes(k)), [], 'state lines keep their keys');
  assert.equal(lines.at(-1).state, 'stopped', 'the stopped line is the last');
  // Every request line is one the tunnel carried: ours, and the protection check's own visit.
  // The keys in order; `probe` (Porthole's own check, here on a public tunnel), `cut` and `hostCheck` only when true.
  for (const l of lines.filter((x) => x.event === 'request')) assert.deepEqual(Object.keys(l).filter((k) => !['probe', 'cut', 'hostCheck'].includes(k)), REQUEST_KEYS);
  assert.deepEqual(lines.filter((x) => x.probe).map((x) => [x.method, x.path, x.probe]), [['GET', '/', true]], "the protection check's request, marked as such");
});

test('share --requests for people: a readable line per request', async () => {
  const run = porthole(['share', String(app.port), '--mode', 'public', '--name', 'reqh', ...ingressFlags(), '--requests']);
  const url = /online at (\S+) → /.exec(await run.line(/online at http/))![1]!;
  await get(`${url}/seen`);
  const line = await run.line(/GET \/seen/);
  assert.match(line, /^reqh {2}GET \/seen → 200 {2}\d+ ms {2}15 B {2}\(not signed in\)$/);
  run.child.kill('SIGINT');
  assert.equal(await run.exit, 0);
  assert.equal(run.out().trimEnd().split('\n').at(-1), 'reqh: stopped');
});

test('share --for 2s: the tunnel stops by itself at the deadline, the last line says the time ran out, exit 0', async () => {
  const start = Date.now();
  const run = porthole(['share', String(app.port), '--mode', 'public', '--name', 'timed', ...ingressFlags(), '--json', '--for', '2s']);
  const human = porthole(['share', String(app.port), '--mode', 'public', '--name', 'timed-h', ...ingressFlags(), '--for', '2s']);
  const online = JSON.parse(await run.line(/"state":"online"/));
  assert.equal(await run.exit, 0, run.err());
  const took = Date.now() - start;
  assert.ok(took >= 2000 && took < 9000, `stopped ${took} ms after the start`);
  const last = jsonLines(run.out()).at(-1);
  assert.deepEqual(last, { tunnel: 'timed', state: 'stopped', message: 'Shared for 2 s: the time ran out, so Porthole stopped the tunnel.' });
  const id = ing.binds.find((b) => b.url === online.url)!.id;
  await ing.waitFor(() => ing.unbinds.some((u) => u.id === id), 5000);
  await assert.rejects(get(online.url), /ECONNREFUSED/);
  // For people: how long and until when, then why it stopped.
  assert.equal(await human.exit, 0, human.err());
  const out = human.out().trimEnd().split('\n');
  assert.match(out.find((l) => l.includes('shared for'))!, /^timed-h: shared for 2 s, until \d\d:\d\d:\d\d; it stops by itself then \(Ctrl-C stops it sooner\)$/);
  assert.deepEqual(out.slice(-2), ['timed-h: shared for 2 s: the time ran out, so Porthole stopped the tunnel.', 'timed-h: stopped']);
});

test('share --no-record: the tunnel forwards to the app itself, no proxy in between', async () => {
  const run = porthole(['share', String(app.port), '--mode', 'public', '--name', 'norec', ...ingressFlags(), '--json']);
  const bare = porthole(['share', String(app.port), '--mode', 'public', '--name', 'norec-b', ...ingressFlags(), '--json', '--no-record']);
  const [rec, off] = [JSON.parse(await run.line(/"state":"online"/)), JSON.parse(await bare.line(/"state":"online"/))];
  assert.equal((await get(`${off.url}/bare`)).body, 'hello cli /bare');
  // The port the SDK forwards to (its forwards_to, as the Bind carries it).
  const upstream = (url: string) => new URL(ing.binds.find((b) => b.url === url)!.forwardsTo).port;
  assert.equal(upstream(off.url), String(app.port), 'straight to the app');
  assert.notEqual(upstream(rec.url), String(app.port), 'recording: through the proxy');
  for (const r of [run, bare]) r.child.kill('SIGTERM');
  assert.equal(await run.exit, 0);
  assert.equal(await bare.exit, 0);
});

test('check --help explains every flag; check --timeout 0 names the flag, the value and the range', async () => {
  const h = porthole(['help', 'check']);
  assert.equal(await h.exit, 0);
  for (const flag of ['--issuer', '--client-id', '--client-secret-file', '--client-secret-env', '--allow-email', '--allow-domain', '--scope', '--timeout', '--json']) {
    assert.match(h.out(), new RegExp(`^  ${flag}( \\S+)? {2,}\\S`, 'm'), `${flag} is explained on its own line`);
  }
  const t = porthole(['check', '--issuer', 'https://auth.example.test', '--client-id', 'cid', '--client-secret-env', 'SEC', '--timeout', '0'], { SEC: 'a-secret-value' });
  assert.equal(await t.exit, 2);
  assert.match(t.err(), /--timeout "0": give a number of seconds above 0 and at most 120/);
  assert.doesNotMatch(t.err(), /between 0 and 120/);
});
