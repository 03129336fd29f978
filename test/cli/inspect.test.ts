// test: `porthole share` serves ngrok's agent API, run as a user runs it (plain node on the built
// JavaScript) against the loopback ingress and a real app: the address on the first --json online
// line (127.0.0.1:4040, or the next free port up to 4049), the tunnel's public URL, a POST with its
// body and no credential, a replay reaching the app, --inspect-addr, and --no-inspect.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { buildCli, type BuiltCli } from '../support/built-cli.js';

let ing: Ingress;
let cli: BuiltCli;
let app: http.Server;
const seen: { method: string; url: string; body: string; auth?: string }[] = [];
const running = new Set<ChildProcess>();

before(async () => {
  [ing, cli] = await Promise.all([startIngress(), buildCli()]);
  app = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`got ${body.length}`);
    });
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
});
after(async () => {
  for (const c of running) c.kill('SIGKILL');
  await new Promise<void>((r) => (app.close(() => r()), app.closeAllConnections()));
  await ing.close();
  cli.remove();
});

/** `share --json` until its first online line; resolves with it and a stop that waits for the exit. */
async function share(extra: string[]): Promise<{ online: Record<string, string>; stop(): Promise<number | null>; err(): string }> {
  const port = (app.address() as AddressInfo).port;
  const child = spawn(process.execPath, [cli.entry, 'share', String(port), '--mode', 'public', '--name', 'insp', '--server-addr', ing.serverAddr, '--ca-file', ing.caFile, '--json', ...extra], {
    env: { PATH: process.env.PATH ?? '', NGROK_AUTHTOKEN: 'inspect-token' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => (running.delete(child), r(code))));
  const online = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no online line in 20 s:\n${out}\n${err}`)), 20_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"state":"online"'));
      if (line) (clearTimeout(timer), resolve(JSON.parse(line)));
    });
    void exit.then((code) => reject(new Error(`exited ${code} before online:\n${out}\n${err}`)));
  });
  return {
    online,
    err: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      return Promise.race([exit, new Promise<null>((_, reject) => setTimeout(() => reject(new Error('share did not exit within 15 s')), 15_000))]);
    },
  };
}

test('share serves the agent API: its address on the online line, the public URL, a POST with its body, no credential, a replay', { timeout: 60_000 }, async () => {
  const s = await share([]);
  try {
    assert.match(s.online.inspect!, /^http:\/\/127\.0\.0\.1:40(4\d)$/);
    const api = s.online.inspect!;
    const tunnels = await (await fetch(`${api}/api/tunnels`)).json();
    assert.equal(tunnels.tunnels[0].public_url, s.online.url);
    assert.equal(tunnels.tunnels[0].name, 'insp');
    const before = seen.length;
    await (await fetch(`${s.online.url}/hook?sig=abc123`, { method: 'POST', headers: { authorization: 'Bearer cli-secret-token-1', 'content-type': 'application/json' }, body: '{"n":1}' })).text();
    let listed: { requests: { id: string; request: { method: string; uri: string; raw: string }; visitor: null | string }[] } = { requests: [] };
    for (let i = 0; i < 100 && !listed.requests.some((r) => r.request.method === 'POST'); i++) {
      listed = await (await fetch(`${api}/api/requests/http?tunnel_name=insp`)).json();
      await new Promise((r) => setTimeout(r, 30));
    }
    const post = listed.requests.find((r) => r.request.method === 'POST')!;
    assert.equal(post.request.uri, '/hook?sig=[redacted]');
    assert.equal(post.visitor, null, 'a public tunnel signs nobody in');
    const raw = Buffer.from(post.request.raw, 'base64').toString();
    assert.ok(raw.endsWith('{"n":1}'), raw);
    const whole = JSON.stringify(listed);
    assert.ok(!whole.includes('cli-secret-token-1') && !Buffer.concat(listed.requests.map((r) => Buffer.from(r.request.raw, 'base64'))).toString().includes('cli-secret-token-1'));
    const replay = await fetch(`${api}/api/requests/http`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: post.id }) });
    assert.equal(replay.status, 204);
    const posts = seen.slice(before).filter((x) => x.method === 'POST');
    assert.deepEqual(posts.map((p) => [p.url, p.body, p.auth]), [
      ['/hook?sig=abc123', '{"n":1}', 'Bearer cli-secret-token-1'],
      ['/hook?sig=abc123', '{"n":1}', 'Bearer cli-secret-token-1'],
    ]);
    // DNS rebinding: a page on another name gets nothing.
    const rebound = await new Promise<number>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: new URL(api).port, path: '/api/tunnels', headers: { host: 'evil.example' } }, (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject),
    );
    assert.equal(rebound, 403);
  } finally {
    assert.equal(await s.stop(), 0);
  }
});

test('--inspect-addr picks the address; a busy 4040 moves to the next port; --no-inspect serves nothing', { timeout: 60_000 }, async () => {
  const free = await new Promise<number>((r) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as AddressInfo).port;
      srv.close(() => r(p));
    });
  });
  const picked = await share(['--inspect-addr', `127.0.0.1:${free}`]);
  try {
    assert.equal(picked.online.inspect, `http://127.0.0.1:${free}`);
    assert.equal((await fetch(`${picked.online.inspect}/api/tunnels`)).status, 200);
  } finally {
    await picked.stop();
  }
  const first = await share([]);
  const second = await share([]);
  try {
    assert.notEqual(second.online.inspect, first.online.inspect, 'the next free port, as ngrok does');
    assert.match(second.online.inspect!, /^http:\/\/127\.0\.0\.1:404\d$/);
  } finally {
    await second.stop();
    await first.stop();
  }
  const off = await share(['--no-inspect']);
  try {
    assert.equal(off.online.inspect, undefined);
  } finally {
    await off.stop();
  }
});
