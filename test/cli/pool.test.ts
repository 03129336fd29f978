// test: `porthole share --pool` and a held domain as a user sees them on the command line (node --import
// tsx main/cli/index.ts) against the loopback ingress: two pooled shares on one URL, a third refused with
// pooling offered, and --json saying why a tunnel is not back while ngrok holds its domain.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { startApp, type LocalApp } from '../engine/helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
let ing: Ingress;
let blue: LocalApp;
let green: LocalApp;
const running = new Set<ChildProcess>();

before(async () => {
  ing = await startIngress();
  [blue, green] = await Promise.all([startApp('blue'), startApp('green')]);
});
after(async () => {
  for (const c of running) c.kill('SIGKILL');
  await ing.close();
  await Promise.all([blue.close(), green.close()]);
});

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  line(re: RegExp, timeoutMs?: number): Promise<string>;
  exit: Promise<number | null>;
}

function share(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'share', ...args, '--server-addr', ing.serverAddr, '--ca-file', ing.caFile], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NGROK_AUTHTOKEN: 'cli-pool-token' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => (running.delete(child), r(code))));
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exit.then(() => clearTimeout(timeout));
  return {
    child,
    out: () => out,
    err: () => err,
    exit,
    async line(re, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = out.split('\n').find((l) => re.test(l));
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no line ${re} in stdout:\n${out}\nstderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

function body(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 3000 }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (b += c));
      res.on('end', () => resolve(b));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

test('share --pool twice on one domain: both online on one URL, visitors reach both; a third share without --pool is refused with --pool offered', async () => {
  const a = share([String(blue.port), '--mode', 'public', '--name', 'blue', '--domain', 'shop.cli.test', '--pool', '--json']);
  const b = share([String(green.port), '--mode', 'public', '--name', 'green', '--domain', 'shop.cli.test', '--pool', '--json']);
  const [la, lb] = await Promise.all([a.line(/"state":"online"/), b.line(/"state":"online"/)]);
  const [ua, ub] = [JSON.parse(la).url, JSON.parse(lb).url];
  assert.equal(ua, ub, 'one URL');
  assert.ok(ing.binds.filter((x) => x.domain === 'shop.cli.test' && !x.error).every((x) => x.pooled));
  const bodies = await Promise.all(Array.from({ length: 6 }, (_, i) => body(`${ua}/v${i}`)));
  assert.ok(bodies.some((x) => x.startsWith('hello blue ')) && bodies.some((x) => x.startsWith('hello green ')), bodies.join(' | '));

  const c = share([String(blue.port), '--mode', 'public', '--name', 'third', '--domain', 'shop.cli.test']);
  assert.equal(await c.exit, 1);
  assert.match(c.err(), /third: failed: Another ngrok agent is already serving shop\.cli\.test\. \(ERR_NGROK_334\)/);
  assert.match(c.err(), /fix: .*--pool.*stop the other agent/);

  for (const r of [a, b]) r.child.kill('SIGTERM');
  assert.deepEqual(await Promise.all([a.exit, b.exit]), [0, 0]);
});

test('share --pool without a reserved domain is refused before anything starts, naming the flag', async () => {
  const r = share([String(blue.port), '--mode', 'public', '--pool']);
  assert.equal(await r.exit, 2);
  assert.match(r.err(), /--pool: needs a reserved domain \(or the internal mode\)/);
  assert.match(r.err(), /fix: Give --domain with a reserved domain \(or --mode internal\), or drop --pool\./);
});

test('share --json while ngrok holds the domain after a drop: reconnecting with the reason, then online', async () => {
  const r = share([String(blue.port), '--mode', 'public', '--name', 'held', '--domain', 'held.cli.test', '--json']);
  const online = JSON.parse(await r.line(/"state":"online"/));
  ing.holdDomains(6000);
  try {
    ing.dropAll();
    const waiting = JSON.parse(await r.line(/"state":"reconnecting".*"code"/, 10_000));
    assert.equal(waiting.code, 'ERR_NGROK_334');
    assert.match(waiting.message, /^ngrok still holds held\.cli\.test for the previous connection; waiting since \d\d:\d\d$/);
    assert.equal(waiting.url, online.url);
    const lines = () => r.out().trim().split('\n').map((l) => JSON.parse(l));
    const backOnline = () => lines().some((l, i, all) => l.state === 'online' && all.slice(0, i).some((x) => x.state === 'reconnecting'));
    const deadline = Date.now() + 15_000;
    while (!backOnline()) {
      if (Date.now() > deadline) throw new Error(`not back online:\n${r.out()}`);
      await new Promise((w) => setTimeout(w, 50));
    }
    const states = lines().map((l) => l.state).filter((s, i, all) => s !== all[i - 1]);
    assert.deepEqual(states, ['starting', 'online', 'reconnecting', 'online']);
    assert.equal((await body(`${online.url}/back`)), 'hello blue /back');
  } finally {
    ing.holdDomains(0);
    r.child.kill('SIGTERM');
    await r.exit;
  }
});
