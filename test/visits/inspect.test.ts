// test: the inspector on the recording pipe and ngrok's agent API served from it, with a real app:
// heads and the first 64 KB of bodies kept in memory, the 32 MB budget under 1,000 requests of 1 MB,
// credentials redacted everywhere (raw and base64 included), a replay reaching the app as it was,
// DNS rebinding refused, and a script written for ngrok's agent API running unchanged.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { diffAnswers } from '../../common/exchange-diff.js';
import { startAgentApi } from '../../main/visits/agent-api.js';
import { ExchangeStore, TUNNEL_BUDGET } from '../../main/visits/capture.js';
import { exchangeView } from '../../main/visits/exchange-view.js';
import { VisitLog } from '../../main/visits/log.js';
import { startVisitProxy } from '../../main/visits/proxy.js';

interface Seen {
  method: string;
  url: string;
  body: Buffer;
  headers: IncomingMessage['headers'];
}

/** A real app: echoes what it got as JSON; /big answers 1 MB; every request is remembered. */
async function echoApp(t: TestContext): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      // An upload is counted, not kept: the memory measured is the inspector's.
      const body = req.url === '/upload' ? Buffer.alloc(0) : Buffer.concat(parts);
      seen.push({ method: req.method!, url: req.url!, body, headers: req.headers });
      if (req.url === '/big') return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(1024 * 1024, 7));
      res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': 'sid=server-session-secret; HttpOnly', 'x-run': String(seen.length) });
      res.end(JSON.stringify({ got: body.toString(), n: seen.length }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function rig(t: TestContext, store = new ExchangeStore()) {
  const app = await echoApp(t);
  const log = new VisitLog();
  const started = await startVisitProxy({ tunnel: 'hooks', target: app.url, log, proof: 'edge-proof', exchanges: store });
  assert.ok(started.ok);
  const proxy = started.value;
  t.after(() => proxy.close());
  const api = await startAgentApi({
    exchanges: store,
    tunnels: () => [{ name: 'hooks', publicUrl: 'https://hooks.ngrok.app', addr: app.url }],
    replay: (x) => proxy.replay(x),
    addr: '127.0.0.1:0',
  });
  t.after(() => api.close());
  return { app, log, store, proxy, api };
}

const SECRET = 'Bearer sk_live_9f8e7d6c5b4a';

/** A full garbage collection, without starting node with --expose-gc. */
function forcedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Heap plus buffers held once garbage is gone: V8 frees dead buffers' memory on a sweeper thread after
 * a collection, so collect, let it run, and take the least of a few readings.
 */
async function held(gc: () => void): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
    const m = process.memoryUsage();
    least = Math.min(least, m.heapUsed + m.arrayBuffers);
  }
  return least;
}

async function post(proxyUrl: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(`${proxyUrl}/webhook?source=stripe&token=tok_abc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: SECRET, cookie: 'session=visitor-cookie-secret', 'x-forwarded-email': 'alice@example.test', 'x-porthole-proof': 'edge-proof', ...headers },
    body,
  });
  await res.arrayBuffer();
}

const untilKept = async (store: ExchangeStore, n: number) => {
  for (let i = 0; i < 200 && store.list().length < n; i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(store.list().length >= n, `${store.list().length} kept`);
};

test('agent API: /api/tunnels names the public URL; /api/requests/http lists a POST with its body in raw and the visitor', async (t) => {
  const { proxy, api, store } = await rig(t);
  await post(proxy.url, '{"event":"invoice.paid","amount":42}');
  await untilKept(store, 1);
  const tunnels = await (await fetch(`${api.url}/api/tunnels`)).json();
  assert.deepEqual(tunnels.tunnels[0].public_url, 'https://hooks.ngrok.app');
  assert.equal(tunnels.tunnels[0].proto, 'https');
  assert.match(tunnels.tunnels[0].config.addr, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(tunnels.uri, '/api/tunnels');

  const listed = await (await fetch(`${api.url}/api/requests/http?limit=5&tunnel_name=hooks`)).json();
  assert.equal(listed.uri, '/api/requests/http');
  assert.equal(listed.requests.length, 1);
  const r = listed.requests[0];
  assert.equal(r.request.method, 'POST');
  assert.equal(r.request.uri, '/webhook?source=stripe&token=[redacted]');
  assert.equal(r.response.status_code, 201);
  assert.equal(r.response.status, '201 Created');
  assert.equal(r.visitor, 'alice@example.test');
  assert.equal(r.tunnel_name, 'hooks');
  assert.ok(Number.isInteger(r.duration) && r.duration > 0, 'duration in nanoseconds');
  const raw = Buffer.from(r.request.raw, 'base64').toString();
  assert.match(raw, /^POST \/webhook\?source=stripe&token=\[redacted\] HTTP\/1\.1\r\n/);
  assert.ok(raw.endsWith('\r\n\r\n{"event":"invoice.paid","amount":42}'), raw);
  const one = await (await fetch(`${api.url}/api/requests/http/${r.id}`)).json();
  assert.deepEqual(one, r);
  assert.ok(!JSON.stringify(listed).includes('edge-proof'), 'the proof never reaches the app nor the API');
});

test('credentials appear nowhere in the API: not in headers, not in raw, not in base64', async (t) => {
  const { proxy, api, store } = await rig(t);
  await post(proxy.url, '{"a":1}');
  await untilKept(store, 1);
  const text = await (await fetch(`${api.url}/api/requests/http`)).text();
  const all = [text, ...[...text.matchAll(/"raw":"([^"]*)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('latin1'))].join('\n');
  for (const secret of ['sk_live_9f8e7d6c5b4a', 'visitor-cookie-secret', 'server-session-secret', 'tok_abc']) {
    assert.ok(!all.includes(secret), `${secret} leaked`);
    assert.ok(!text.includes(Buffer.from(secret).toString('base64').slice(0, 12)), `${secret} leaked in base64`);
  }
  assert.match(all, /"authorization":\["\[redacted\]"\]/i);
  // The window's view: redacted unless revealed, and the curl command leaves redacted values out.
  const x = store.list()[0]!;
  const shown = exchangeView(x, { reveal: false, base: 'http://127.0.0.1:3000' });
  assert.deepEqual(shown.request!.headers.find(([n]) => n.toLowerCase() === 'authorization'), ['authorization', '[redacted]']);
  assert.ok(!shown.curl.includes('sk_live') && !shown.curl.toLowerCase().includes('authorization'), shown.curl);
  assert.equal(shown.request!.body.kind, 'json');
  assert.equal(shown.request!.body.text, '{\n  "a": 1\n}');
  const revealed = exchangeView(x, { reveal: true, base: 'http://127.0.0.1:3000' });
  assert.ok(revealed.curl.includes(SECRET), 'revealed, the curl command has the real value');
});

test('a replay reaches the app with the same method, path, headers and body, and is recorded as replayed by you', async (t) => {
  const { app, proxy, api, store, log } = await rig(t);
  const body = JSON.stringify({ event: 'order.created', id: randomBytes(4).toString('hex') });
  await post(proxy.url, body);
  await untilKept(store, 1);
  const id = store.list()[0]!.id;
  const res = await fetch(`${api.url}/api/requests/http`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });
  assert.equal(res.status, 204);
  assert.equal(app.seen.length, 2);
  const [first, again] = app.seen;
  assert.equal(again!.method, first!.method);
  assert.equal(again!.url, first!.url);
  assert.deepEqual(again!.body, first!.body);
  assert.equal(again!.headers.authorization, SECRET, 'the real value, not [redacted]');
  assert.equal(again!.headers['x-forwarded-email'], 'alice@example.test', 'the same visitor');
  assert.equal(again!.headers['x-porthole-replay'], undefined, "Porthole's marker never reaches the app");
  const records = log.list('hooks');
  assert.equal(records.at(-1)!.replayed, true);
  assert.equal(records[0]!.replayed, undefined);
  // The diff the window marks: the answer's body and x-run changed, Date is not a difference.
  const [after, before] = store.list();
  const d = diffAnswers(exchangeView(before!, { reveal: false, base: '' }).response, exchangeView(after!, { reveal: false, base: '' }).response);
  assert.equal(d.statusChanged, false);
  assert.deepEqual(d.headers.map((h) => h.name), ['x-run']);
  assert.ok(d.bodyChanged && d.bodyLines.length > 0);
});

test('the API answers only its own loopback Host (no DNS rebinding) and sends no CORS headers', async (t) => {
  const { api } = await rig(t);
  const port = new URL(api.url).port;
  const ask = (host: string) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/api/tunnels', headers: { host, origin: 'http://evil.example' } }, (res) => (res.resume(), resolve({ status: res.statusCode!, headers: res.headers }))).on('error', reject);
    });
  assert.equal((await ask('evil.example')).status, 403);
  assert.equal((await ask(`evil.example:${port}`)).status, 403);
  const ok = await ask(`127.0.0.1:${port}`);
  assert.equal(ok.status, 200);
  assert.ok(!Object.keys(ok.headers).some((h) => h.startsWith('access-control-')), JSON.stringify(ok.headers));
  assert.equal((await ask(`localhost:${port}`)).status, 200);
});

test('a script written for ngrok’s agent API runs unchanged', async (t) => {
  const { proxy, api, store, app } = await rig(t);
  await post(proxy.url, '{"hello":"from a webhook"}');
  await untilKept(store, 1);
  const out = await new Promise<string>((resolve, reject) =>
    execFile('python3', ['test/fixtures/ngrok-agent-script.py', api.url], { timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
  );
  assert.match(out, /^tunnel hooks https:\/\/hooks\.ngrok\.app https http:\/\/127\.0\.0\.1:\d+$/m);
  assert.match(out, /^requests 1$/m);
  assert.match(out, /^newest req_\w+ POST \/webhook\?source=stripe&token=\[redacted\] 201 \d+$/m);
  assert.match(out, /^body \{"hello":"from a webhook"\}$/m);
  assert.match(out, /^replayed 204$/m);
  assert.equal(app.seen.length, 2);
});

test('bodies: the first 64 KB kept and marked cut short; DELETE clears', async (t) => {
  const { proxy, api, store } = await rig(t);
  await post(proxy.url, 'x'.repeat(100 * 1024), { 'content-type': 'text/plain' });
  await untilKept(store, 1);
  const x = store.list()[0]!;
  assert.equal(x.req.kept, 64 * 1024);
  assert.equal(x.req.total, 100 * 1024);
  assert.equal(x.req.truncated, true);
  const v = exchangeView(x, { reveal: false, base: '' });
  assert.equal(v.request!.body.truncated, true);
  assert.equal(v.request!.body.size, 100 * 1024);
  // A request cut short can't be replayed as it was: said, not sent half.
  const res = await fetch(`${api.url}/api/requests/http`, { method: 'POST', body: JSON.stringify({ id: x.id }) });
  assert.equal(res.status, 502);
  assert.match((await res.json()).msg, /only the first 64 KB were kept/);
  assert.equal((await fetch(`${api.url}/api/requests/http`, { method: 'DELETE' })).status, 204);
  assert.equal(store.list().length, 0);
});

test('the 32 MB budget holds under 1,000 requests of 1 MB: the oldest bodies go first, their records stay', async (t) => {
  const store = new ExchangeStore();
  const { proxy, log } = await rig(t, store);
  const gc = forcedGc();
  const before = await held(gc);
  const rss0 = process.memoryUsage().rss;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  t.after(() => agent.destroy());
  const body = randomBytes(1024 * 1024);
  const sum = createHash('sha256').update(body).digest('hex');
  for (let i = 0; i < 1000; i += 4) {
    await Promise.all(
      [0, 1, 2, 3].map(
        () =>
          new Promise<void>((resolve, reject) => {
            const req = http.request(`${proxy.url}/upload`, { method: 'POST', agent, headers: { 'content-type': 'application/octet-stream', 'x-sum': sum } }, (res) => (res.resume(), res.on('end', resolve)));
            req.on('error', reject);
            req.end(body);
          }),
      ),
    );
  }
  for (let i = 0; i < 100 && log.list('hooks').length < 1000; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(log.list('hooks').length, 1000, 'every record stays');
  assert.ok(store.bytes('hooks') <= TUNNEL_BUDGET, `${store.bytes('hooks')} bytes kept`);
  const kept = store.list({ tunnel: 'hooks' });
  assert.equal(kept.length, 1000);
  assert.ok(kept.at(-1)!.req.evicted, 'the oldest body went first');
  assert.ok(!kept[0]!.req.evicted, 'the newest body is kept');
  const grew = (await held(gc)) - before;
  const mb = (n: number) => (n / 1048576).toFixed(1);
  const rss = mb(process.memoryUsage().rss - rss0);
  // What the process holds after a full GC: the kept bodies (32 MB at most) and a few MB of heads and records.
  assert.ok(grew < (32 + 6) * 1048576, `heap + buffers grew ${mb(grew)} MB (RSS ${rss} MB)`);
  t.diagnostic(`held after 1,000 requests of 1 MB: heap + buffers +${mb(grew)} MB, RSS +${rss} MB`);
});
