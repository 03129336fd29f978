// test: the loopback recording proxy in front of a real local app: bodies stream both ways (the app
// sees an upload's first bytes while the visitor is still sending), keep-alive on both sides,
// WebSocket echo, the app's own errors, the 502 page, and the records it keeps.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { requestJson, requestText, VisitLog, type RequestRecord } from '../../main/visits/log.js';
import { startVisitProxy, type VisitProxy } from '../../main/visits/proxy.js';
import { cleanup } from '../ingress/helpers.js';
import { startTestApp } from './app.js';

async function proxyFor(target: string, log: VisitLog, opts: { proof?: string } = {}): Promise<VisitProxy> {
  const r = await startVisitProxy({ tunnel: 'web', target, log, ...opts });
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}

/** The test app behind a recording proxy into `log`, both closed when the test ends. */
async function appBehindProxy(t: TestContext, log = new VisitLog(), opts: { proof?: string } = {}) {
  const defer = cleanup(t);
  const app = await startTestApp();
  defer(() => app.close());
  const proxy = await proxyFor(app.url, log, opts);
  defer(() => proxy.close());
  return { defer, app, log, proxy };
}

/** Resolves with the next `n` records the log emits. */
function nextRecords(log: VisitLog, n: number): Promise<RequestRecord[]> {
  const got: RequestRecord[] = [];
  return new Promise((resolve) => {
    const on = (r: RequestRecord) => {
      got.push(r);
      if (got.length === n) {
        log.off('request', on);
        resolve(got);
      }
    };
    log.on('request', on);
  });
}

const PROOF = 'per-run-proof-of-the-edge';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref())]);
}

test('a 20 MB upload streams through: the app has bytes before the visitor has sent them all', async (t) => {
  const { app, log, proxy } = await appBehindProxy(t);

  const body = randomBytes(20 * 1024 * 1024);
  const done = nextRecords(log, 1);
  const rss0 = process.memoryUsage().rss;
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(`${proxy.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    (async () => {
      const chunk = 1024 * 1024;
      // 2 MB, then nothing more until the app has seen bytes: a buffering proxy would hang here.
      req.write(body.subarray(0, 2 * chunk));
      await withTimeout(app.firstUploadBytes, 5000, 'the app never saw the first bytes of an upload still in progress');
      for (let off = 2 * chunk; off < body.length; off += chunk) {
        if (!req.write(body.subarray(off, off + chunk))) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(reject);
  });
  const res = await answer;
  assert.equal(res.status, 200);
  assert.deepEqual(JSON.parse(res.text), { bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  const [rec] = await done;
  assert.equal(rec!.method, 'POST');
  assert.equal(rec!.path, '/upload');
  assert.equal(rec!.status, 200);
  assert.equal(rec!.bytes, Buffer.byteLength(res.text));
  // Not a strict bound (the test's own 20 MB buffer is already counted); a proxy that buffered would add ~20 MB+.
  const grew = (process.memoryUsage().rss - rss0) / 1024 / 1024;
  t.diagnostic(`rss grew ${grew.toFixed(1)} MB during the upload`);
});

test('a download streams out: the visitor reads the first MB before the app has written the rest', async (t) => {
  const { app, log, proxy } = await appBehindProxy(t);

  const done = nextRecords(log, 1);
  const total = await new Promise<number>((resolve, reject) => {
    http.get(`${proxy.url}/stream`, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => {
        n += c.length;
        if (n >= 1024 * 1024) app.releaseStream(); // the app waits for this before its second MB
      });
      res.on('end', () => resolve(n));
      res.on('error', reject);
    }).on('error', reject);
  });
  assert.equal(total, 2 * 1024 * 1024);
  const [rec] = await done;
  assert.equal(rec!.bytes, 2 * 1024 * 1024);
});

test('keep-alive: sequential requests share one visitor connection and one app connection', async (t) => {
  const { defer, app, log, proxy } = await appBehindProxy(t);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  defer(() => agent.destroy());

  const reused: boolean[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${proxy.url}/k${i}`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.on('socket', () => reused.push(req.reusedSocket));
    });
  }
  assert.deepEqual(reused, [false, true, true, true, true], 'the proxy kept the visitor connection open');
  assert.equal(app.connections(), 1, 'the proxy kept its connection to the app open');
  assert.deepEqual(log.list('web').map((r) => r.path), ['/k0', '/k1', '/k2', '/k3', '/k4']);
});

test('a WebSocket echoes through the proxy, and is recorded as 101 when it closes', async (t) => {
  const { log, proxy } = await appBehindProxy(t);

  const done = nextRecords(log, 1);
  const WS = (globalThis as any).WebSocket;
  assert.ok(WS, 'Node 22 has a WebSocket client');
  const ws = new WS(`${proxy.url.replace('http', 'ws')}/live?room=1`);
  const echoes: string[] = [];
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      ws.onopen = () => {
        ws.send('hello');
        ws.send('x'.repeat(300));
      };
      ws.onmessage = (e: { data: string }) => {
        echoes.push(String(e.data));
        if (echoes.length === 2) ws.close();
      };
      ws.onclose = () => resolve();
      ws.onerror = () => reject(new Error('websocket error'));
    }),
    5000,
    'websocket echo',
  );
  assert.deepEqual(echoes, ['hello', 'x'.repeat(300)]);
  const [rec] = await withTimeout(done, 5000, 'the websocket record');
  assert.equal(rec!.status, 101);
  assert.equal(rec!.path, '/live?room=1');
  assert.ok(rec!.bytes > 300, `bytes ${rec!.bytes}`);
});

test("the app's own error passes through unchanged", async (t) => {
  const { log, proxy } = await appBehindProxy(t);

  const res = await fetch(`${proxy.url}/boom`);
  assert.equal(res.status, 500);
  assert.equal(res.headers.get('x-app'), 'yes');
  assert.equal(await res.text(), 'kaput');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(log.list('web')[0]!.status, 500);
  assert.equal(log.list('web')[0]!.bytes, 5);
});

test('the app is down: a clear 502 page, for requests and for WebSocket upgrades', async (t) => {
  const defer = cleanup(t);
  const free = net.createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
  const port = (free.address() as AddressInfo).port;
  await new Promise<void>((r) => free.close(() => r()));
  const log = new VisitLog();
  const proxy = await proxyFor(`http://127.0.0.1:${port}`, log);
  defer(() => proxy.close());

  const res = await fetch(`${proxy.url}/page`);
  assert.equal(res.status, 502);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  const html = await res.text();
  assert.match(html, /The app behind this link is not running/);
  assert.match(html, new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.match(html, /nothing is listening on its port/);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(
    log.list('web').map((r) => [r.path, r.status, r.bytes]),
    [['/page', 502, Buffer.byteLength(html)]],
  );

  const raw = await new Promise<string>((resolve) => {
    const s = net.connect(proxy.port, '127.0.0.1', () =>
      s.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'),
    );
    let text = '';
    s.on('data', (c) => (text += c));
    s.on('close', () => resolve(text));
    s.on('error', () => resolve(text));
  });
  assert.match(raw, /^HTTP\/1\.1 502 Bad Gateway/);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(log.list('web').at(-1)!.status, 502);
});

test('records: one per request with tunnel, time, visitor, method, path, status, ms, bytes; the --requests lines', async (t) => {
  const { log, proxy } = await appBehindProxy(t, new VisitLog(), { proof: PROOF });

  const before = Date.now();
  const emitted = nextRecords(log, 2);
  await (await fetch(`${proxy.url}/a?x=1`, { headers: { 'x-forwarded-email': 'alice@example.test', 'x-porthole-proof': PROOF } })).text();
  await (await fetch(`${proxy.url}/b`, { method: 'DELETE' })).text();
  const [a, b] = await emitted;
  assert.deepEqual({ ...a!, at: '', ms: 0 }, { tunnel: 'web', at: '', user: 'alice@example.test', method: 'GET', path: '/a?x=1', status: 200, ms: 0, bytes: 'hello /a?x=1'.length });
  assert.equal(b!.user, null);
  assert.equal(b!.method, 'DELETE');
  assert.ok(Date.parse(a!.at) >= before - 1 && Date.parse(a!.at) <= Date.now(), a!.at);
  assert.match(a!.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Number.isInteger(a!.ms) && a!.ms >= 0);
  assert.deepEqual(log.list('web'), [a, b]);
  assert.deepEqual(Object.keys(JSON.parse(requestJson(a!))), ['tunnel', 'event', 'at', 'method', 'path', 'status', 'ms', 'bytes', 'user']);
  assert.equal(JSON.parse(requestJson(b!)).user, null);
  assert.equal(JSON.parse(requestJson(a!)).event, 'request');
  assert.match(requestText(a!), /^web {2}GET \/a\?x=1 → 200 {2}\d+ ms {2}12 B {2}alice@example\.test$/);
  assert.match(requestText(b!), /\(not signed in\)$/);
});

test('identity headers without a proof never reach the app nor the record', async (t) => {
  const { log, proxy: open } = await appBehindProxy(t);
  const r = await fetch(`${open.url}/whoami`, { headers: { 'x-forwarded-email': 'mallory@evil.test', 'x-forwarded-user': 'mallory' } });
  assert.deepEqual(await r.json(), { email: '', user: '' });
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(log.list('web')[0]!.user, null);
});

test('the log keeps the last N per tunnel (1,000 by default), tunnels apart', async (t) => {
  const { log: small, proxy } = await appBehindProxy(t, new VisitLog(3));
  for (let i = 0; i < 5; i++) await (await fetch(`${proxy.url}/r${i}`)).text();
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(small.list('web').map((r) => r.path), ['/r2', '/r3', '/r4']);

  const log = new VisitLog();
  const rec = (tunnel: string, i: number): RequestRecord => ({ tunnel, at: new Date(i).toISOString(), user: null, method: 'GET', path: `/${i}`, status: 200, ms: 1, bytes: 0 });
  for (let i = 0; i < 1005; i++) log.add(rec('a', i));
  log.add(rec('b', 0));
  const kept = log.list('a');
  assert.equal(kept.length, 1000);
  assert.equal(kept[0]!.path, '/5');
  assert.equal(kept.at(-1)!.path, '/1004');
  assert.equal(log.list('b').length, 1);
  log.clear('a');
  assert.deepEqual(log.list('a'), []);
});
