// test: recording is invisible. The same scripted visits go through a tunnel without recording and
// through a recording one (the real SDK at the test ingress, the engine opening the proxy), and the
// bytes the app receives and the bytes the visitor receives must be equal (Date lines aside). Then
// raw-socket visitors for what a browser hides: a `Connection: close` answered keep-alive, trailers,
// header case, a cut answer, forged identity headers in every spelling straight to the proxy, and a
// connect that never completes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import { requestJson, requestText, VisitLog, type RequestRecord } from '../../main/visits/log.js';
import { startVisitProxy, type VisitProxy } from '../../main/visits/proxy.js';
import { redactPath } from '../../main/visits/redact.js';
import { escapeJsonText } from '../../main/cli/json-output.js';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { spec, until } from '../engine/helpers.js';

/** A TCP tap in front of the app: what the app received, per connection, as raw bytes. */
interface Tapped {
  port: number;
  received: Buffer[][];
  close(): Promise<void>;
}

async function tap(appPort: number): Promise<Tapped> {
  const received: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (v) => {
    const mine: Buffer[] = [];
    received.push(mine);
    const a = net.connect({ port: appPort, host: '127.0.0.1', allowHalfOpen: true });
    for (const s of [v, a]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    v.on('data', (c: Buffer) => mine.push(Buffer.from(c)));
    v.pipe(a);
    a.pipe(v);
    a.on('close', () => v.destroy());
    v.on('close', () => a.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((r) => (server.close(() => r()), sockets.forEach((s) => s.destroy()))),
  };
}

/** The app of the differential: what real frameworks do that a proxy can spoil. */
function scriptedApp(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  if (url === '/sse') {
    // The usual SSE snippet: it says keep-alive whatever the request said.
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.write('data: one\n\n');
    setTimeout(() => res.end('data: two\n\n'), 20);
    return;
  }
  if (url === '/trailers') {
    res.writeHead(200, { 'Content-Type': 'text/plain', Trailer: 'X-Checksum' });
    res.write('abc');
    res.addTrailers({ 'X-Checksum': 'c0ffee' });
    return void res.end('def');
  }
  if (url === '/hints') {
    res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
    res.writeHead(200, { 'content-type': 'text/plain', 'X-MiXeD-CaSe': 'kept' });
    return void res.end('after hints');
  }
  if (url === '/etag') {
    if (req.headers['if-none-match'] === '"v1"') return void (res.writeHead(304, { ETag: '"v1"' }), res.end());
    res.writeHead(200, { ETag: '"v1"', 'Content-Length': '5' });
    return void res.end('fresh');
  }
  if (url === '/echo') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ body: Buffer.concat(chunks).toString(), trailers: req.trailers, rawHeaders: req.rawHeaders }));
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'Content-Length': String(3 + url.length) });
  res.end(`ok ${url}`);
}

/**
 * One raw visit: write the bytes, read until the connection closes (bounded). `done`: once what came
 * matches, the visitor ends its side (as a client that sent Connection: close does after the answer).
 */
function rawVisit(port: number, bytes: string | Buffer[], timeoutMs = 5000, done?: RegExp): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const s = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    s.on('connect', async () => {
      for (const part of Array.isArray(bytes) ? bytes : [bytes]) {
        s.write(part);
        if (Array.isArray(bytes)) await new Promise((r) => setTimeout(r, 30));
      }
    });
    s.on('data', (c: Buffer) => {
      got.push(c);
      if (done?.test(Buffer.concat(got).toString('latin1'))) s.end();
    });
    const timer = setTimeout(() => (s.destroy(), reject(new Error(`visit timed out; got: ${Buffer.concat(got).toString('latin1').slice(0, 300)}`))), timeoutMs);
    s.on('close', () => (clearTimeout(timer), resolve({ text: Buffer.concat(got).toString('latin1'), ms: Date.now() - t0 })));
    s.on('error', () => {});
  });
}

const withoutDates = (s: string) => s.replace(/\r\nDate: [^\r]*/gi, '\r\nDate: <date>');

const SSE_CLOSE = 'GET /sse HTTP/1.1\r\nhost: example.test\r\nX-Weird-CASE: 1\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n';
const SSE_DONE = /\r\n0\r\n\r\n$/;

const VISITS: Record<string, (string | Buffer[])> = {
  'Connection: close answered keep-alive (SSE), header case and order as sent': SSE_CLOSE,
  'a chunked upload with trailers, then a response with trailers': 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nX-Sum: 7\r\n\r\nGET /trailers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  '103 Early Hints and 100 Continue, then the answers': [Buffer.from('POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n'), Buffer.from('hello'), Buffer.from('GET /hints HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')],
  'pipelined requests, HEAD and 304 in one write': 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /etag HTTP/1.1\r\nHost: x\r\n\r\nGET /etag HTTP/1.1\r\nHost: x\r\nIf-None-Match: "v1"\r\n\r\nGET /b?code=secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'an HTTP/1.0 request without Connection: nothing is added': 'GET /old HTTP/1.0\r\nHost: x\r\n\r\n',
};

let ing: Ingress;
let app: http.Server;
let tapped: Tapped;
let engine: Engine;
let urls: { raw: number; rec: number };

before(async () => {
  ing = await startIngress();
  app = http.createServer(scriptedApp);
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  tapped = await tap((app.address() as AddressInfo).port);
  engine = createEngine({ session: { authtoken: 'transparent', serverAddr: ing.serverAddr, caPem: ing.caPem } });
  assert.ok(engine.add(spec({ name: 'raw', target: `127.0.0.1:${tapped.port}`, mode: 'public', record: false })).ok);
  assert.ok(engine.add(spec({ name: 'rec', target: `127.0.0.1:${tapped.port}`, mode: 'public' })).ok);
  const [a, b] = await Promise.all([engine.start('raw'), engine.start('rec')]);
  assert.equal(a?.state, 'online');
  assert.equal(b?.state, 'online');
  urls = { raw: Number(new URL(a!.url!).port), rec: Number(new URL(b!.url!).port) };
});

after(async () => {
  await engine.stopAll();
  await tapped.close();
  await new Promise<void>((r) => (app.close(() => r()), app.closeAllConnections()));
  await ing.close();
});

for (const [title, bytes] of Object.entries(VISITS)) {
  test(`differential: ${title}: the app and the visitor get the same bytes with and without recording`, async () => {
    const seen = (): number => tapped.received.length;
    const before1 = seen();
    const done = bytes === SSE_CLOSE ? SSE_DONE : undefined;
    const raw = await rawVisit(urls.raw, bytes, 5000, done);
    const appRaw = Buffer.concat(tapped.received.slice(before1).flat()).toString('latin1');
    const before2 = seen();
    const rec = await rawVisit(urls.rec, bytes, 5000, done);
    const appRec = Buffer.concat(tapped.received.slice(before2).flat()).toString('latin1');
    assert.ok(raw.text.startsWith('HTTP/1.'), raw.text);
    assert.equal(withoutDates(rec.text), withoutDates(raw.text), 'what the visitor received');
    assert.equal(appRec, appRaw, 'what the app received');
  });
}

test("one visitor's Connection: close answered keep-alive never spoils the next visitor's request", async () => {
  for (let i = 0; i < 3; i++) {
    await rawVisit(urls.rec, SSE_CLOSE, 5000, SSE_DONE);
    const next = await rawVisit(urls.rec, `GET /next${i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(next.text, new RegExp(`^HTTP/1\\.1 200 OK[\\s\\S]*ok /next${i}$`));
  }
});

test('differential: a WebSocket (ws from npm): binary frames and the close code pass unchanged', async () => {
  const { WebSocketServer, WebSocket } = await import('ws');
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => (isBinary ? ws.send(Buffer.concat([Buffer.from([0xff]), data as Buffer])) : ws.close(4321, `bye ${String(data)}`))));
  const port = (wss.address() as AddressInfo).port;
  const eng = createEngine({ session: { authtoken: 'ws', serverAddr: ing.serverAddr, caPem: ing.caPem } });
  try {
    assert.ok(eng.add(spec({ name: 'ws', target: `127.0.0.1:${port}`, mode: 'public' })).ok);
    const v = await eng.start('ws');
    const records: RequestRecord[] = [];
    eng.visits.on('request', (r) => records.push(r));
    const ws = new WebSocket(v!.url!.replace('http', 'ws') + '/socket?token=abc');
    const got = await new Promise<{ bin: Buffer; code: number; reason: string }>((resolve, reject) => {
      let bin: Buffer;
      ws.on('open', () => ws.send(Buffer.from([1, 2, 3, 0])));
      ws.on('message', (d: Buffer) => ((bin = d), ws.send('done')));
      ws.on('close', (code, reason) => resolve({ bin, code, reason: reason.toString() }));
      ws.on('error', reject);
    });
    assert.deepEqual([...got.bin], [0xff, 1, 2, 3, 0]);
    assert.equal(got.code, 4321);
    assert.equal(got.reason, 'bye done');
    await until(eng, 'ws', () => records.length > 0, 3000).catch(() => {});
    for (let i = 0; i < 50 && !records.length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(records[0]?.status, 101);
    assert.equal(records[0]?.path, '/socket?token=REDACTED');
  } finally {
    await eng.stopAll();
    wss.close();
  }
});

/** A proxy straight in front of a raw TCP app scripted by `onConnection`. */
async function proxyBefore(onConnection: (s: net.Socket) => void, opts: Partial<Parameters<typeof startVisitProxy>[0]> = {}) {
  const server = net.createServer(onConnection);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const log = new VisitLog();
  const r = await startVisitProxy({ tunnel: 'web', target: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log, ...opts });
  assert.ok(r.ok);
  return {
    log,
    proxy: r.value,
    close: async () => {
      await r.value.close();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

const recordOf = async (log: VisitLog): Promise<RequestRecord> => {
  for (let i = 0; i < 100 && !log.list('web').length; i++) await new Promise((r) => setTimeout(r, 10));
  return log.list('web')[0]!;
};

for (const how of ['closes', 'resets'] as const) {
  test(`the app ${how} its connection mid-answer: the visitor's ends within 1 s and the record says "cut"`, async () => {
    const { log, proxy, close } = await proxyBefore((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789');
        setTimeout(() => (how === 'resets' ? s.resetAndDestroy() : s.destroy()), 50);
      });
    });
    try {
      const v = await rawVisit(proxy.port, 'GET /big HTTP/1.1\r\nHost: x\r\n\r\n', 3000);
      assert.ok(v.ms < 1000, `ended after ${v.ms} ms`);
      assert.match(v.text, /0123456789$/);
      const r = await recordOf(log);
      assert.equal(r.cut, true);
      assert.equal(r.status, 200);
      assert.equal(r.bytes, 10);
      assert.match(requestJson(r), /"cut":true/);
      assert.match(requestText(r), /cut/);
    } finally {
      await close();
    }
  });
}

test('forged identity straight to the proxy, in every spelling: removed, no visitor; the proof makes the edge’s count', async () => {
  let last = '';
  const { log, proxy, close } = await proxyBefore(
    (s) => s.on('data', (c: Buffer) => ((last = c.toString('latin1')), s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))),
    { proof: 'edge-proof' },
  );
  try {
    const forged = 'X-Forwarded-Email: mallory@evil.test\r\nx_forwarded_email: m2@evil.test\r\nX_Forwarded-User: mallory\r\nX-PORTHOLE-PROOF: guessed\r\n';
    await rawVisit(proxy.port, `GET /a HTTP/1.1\r\nHost: x\r\n${forged}Connection: close\r\n\r\n`);
    assert.equal(last, 'GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'every owned header removed, every other byte kept');
    assert.equal((await recordOf(log)).user, null);
    await rawVisit(proxy.port, `GET /b HTTP/1.1\r\nHost: x\r\nX-Forwarded-Email: alice@example.test\r\nx_forwarded_email: m2@evil.test\r\nX-Porthole-Proof: edge-proof\r\nConnection: close\r\n\r\n`);
    assert.equal(last, 'GET /b HTTP/1.1\r\nHost: x\r\nX-Forwarded-Email: alice@example.test\r\nConnection: close\r\n\r\n');
    for (let i = 0; i < 100 && log.list('web').length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(log.list('web')[1]!.user, 'alice@example.test');
  } finally {
    await close();
  }
});

test('the Host header rewrite: the app gets its own address; Vite-style refusals are recognised', async () => {
  let last = '';
  const { log, proxy, close } = await proxyBefore(
    (s) =>
      s.on('data', (c: Buffer) => {
        last = c.toString('latin1');
        const body = 'Blocked request. This host ("demo.ngrok.app") is not allowed.';
        s.end(`HTTP/1.1 403 Forbidden\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      }),
    { hostHeader: 'rewrite' },
  );
  try {
    await rawVisit(proxy.port, 'GET / HTTP/1.1\r\nHost: demo.ngrok.app\r\nConnection: close\r\n\r\n');
    assert.match(last, new RegExp(`^GET / HTTP/1.1\\r\\nHost: 127\\.0\\.0\\.1:\\d+\\r\\nConnection: close`));
    assert.equal((await recordOf(log)).hostCheck, 'vite');
  } finally {
    await close();
  }
});

test('connecting to the app takes too long: the 502 page, not a hang', async (t) => {
  // A listening socket nobody accepts from, its queue filled: further connects are never answered.
  const py = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket();s.bind(("127.0.0.1",0));s.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => py.kill());
  const port = Number(await new Promise<string>((r) => py.stdout.once('data', (d: Buffer) => r(d.toString().trim()))));
  const fillers = Array.from({ length: 4 }, () => net.connect(port, '127.0.0.1').on('error', () => {}));
  t.after(() => fillers.forEach((s) => s.destroy()));
  await new Promise((r) => setTimeout(r, 200));
  const log = new VisitLog();
  const r = await startVisitProxy({ tunnel: 'web', target: `http://127.0.0.1:${port}`, log, connectTimeoutMs: 500 });
  assert.ok(r.ok);
  t.after(() => r.value.close());
  const v = await rawVisit(r.value.port, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n', 5000);
  assert.match(v.text, /^HTTP\/1\.1 502 Bad Gateway/);
  assert.ok(v.ms >= 400 && v.ms < 3000, `${v.ms} ms`);
  assert.equal((await recordOf(log)).status, 502);
});

test('the log keeps no secrets: secret query values and JWTs are REDACTED; other parameters kept', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  for (const name of ['code', 'state', 'token', 'access_token', 'id_token', 'refresh_token', 'key', 'api_key', 'apikey', 'secret', 'password', 'sig', 'signature', 'auth', 'session', 'X-Amz-Signature']) {
    assert.equal(redactPath(`/cb?page=2&${name}=s3cr3t&q=x`), `/cb?page=2&${name}=REDACTED&q=x`, name);
  }
  assert.equal(redactPath(`/reset/${jwt}/go?next=${jwt}`), '/reset/REDACTED/go?next=REDACTED');
  assert.equal(redactPath(`/x?next=${jwt.replace(/\./g, '%2E')}`), '/x?next=REDACTED', 'percent-encoded, looked at decoded');
  assert.equal(redactPath('/plain?page=2&sort=name'), '/plain?page=2&sort=name');
  assert.equal(redactPath('/flag?code'), '/flag?code');
});

test('--requests lines print every field as data: one line, control characters escaped', () => {
  const r: RequestRecord = { tunnel: 'web', at: new Date(0).toISOString(), user: 'eve\u009b2J@x.test\nforged line', method: 'GET', path: '/p\u001b[31m\u2028', status: 200, ms: 1, bytes: 2 };
  const line = requestText(r);
  assert.ok(!/[\u0000-\u001f\u007f-\u009f\u2028]/.test(line), JSON.stringify(line));
  assert.match(line, /\\u009b/);
  const json = escapeJsonText(requestJson(r)); // as share prints it
  assert.ok(!/[\u2028\u2029]/.test(json));
  assert.deepEqual(JSON.parse(json).user, r.user, 'the JSON keeps the value, escaped');
  assert.equal(requestText({ ...r, user: null, probe: true }).endsWith("(Porthole's check)"), true);
});
