// test: the engine's visit recording end to end — the REAL engine binds a tunnel at the loopback
// ingress, whose OIDC edge applies the Bind's policy to a stand-in signed-in visitor; the tunnel
// forwards to the engine's recording proxy, then to a real app. Checked: the app sees the signed-in
// email and never a forged one; engine.visits' records and visitors match what was sent (a WebSocket
// echo and a 20 MB upload included); recording off leaves only the SDK in the path.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { standInVisitor } from '../support/ingress/edge.js';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import type { RequestRecord } from '../../main/visits/log.js';
import type { NewVisitorNotice } from '../../main/visits/visitors.js';
import type { FusionAuthSettings, TunnelSpec } from '../../common/types.js';
import { startTestApp, type TestApp } from '../visits/app.js';
import { until } from './helpers.js';

let ing: Ingress;
let app: TestApp;
const engines: Engine[] = [];

before(async () => {
  ing = await startIngress();
  app = await startTestApp();
});
after(async () => {
  await Promise.all(engines.map((e) => e.stopAll()));
  await ing.close();
  await app.close();
});

function engine(): Engine {
  const e = createEngine({ session: { authtoken: 'test-token', serverAddr: ing.serverAddr, caPem: ing.caPem } });
  engines.push(e);
  return e;
}

// A made-up issuer: stand-in visitors have already signed in, so the edge never asks the provider.
const fa: FusionAuthSettings = { issuer: 'https://auth.example.test', clientId: 'cid', clientSecret: 'csecret', allowEmails: [], allowDomains: ['example.test'], scopes: [] };
const FORGED = { 'x-forwarded-email': 'mallory@evil.test', 'x-forwarded-user': 'mallory' };
const spec = (name: string, extra: Partial<TunnelSpec> = {}): TunnelSpec => ({ name, target: String(app.port), mode: 'oidc', fusionauth: fa, ...extra });

/** Resolves with the next `n` records the engine reports. */
function nextRecords(eng: Engine, n: number, timeoutMs = 10_000): Promise<RequestRecord[]> {
  return new Promise((resolve, reject) => {
    const got: RequestRecord[] = [];
    const t = setTimeout(() => (off(), reject(new Error(`only ${got.length} of ${n} records: ${JSON.stringify(got)}`))), timeoutMs);
    const off = eng.visits.on('request', (r) => {
      got.push(r);
      if (got.length === n) (clearTimeout(t), off(), resolve(got));
    });
  });
}

/** POSTs `size` random bytes in 64 KB chunks, as a stream; resolves with the app's answer and what was sent. */
function upload(url: string, cookie: string, size: number): Promise<{ answer: { bytes: number; sha256: string }; sha256: string }> {
  const h = createHash('sha256');
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/upload`, { method: 'POST', headers: { cookie, ...FORGED, 'content-type': 'application/octet-stream' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve({ answer: JSON.parse(body), sha256: h.digest('hex') }) : reject(new Error(`HTTP ${res.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const chunk = randomBytes(Math.min(65536, size - sent));
        h.update(chunk);
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** A WebSocket through the tunnel as `cookie`'s visitor: sends the texts, resolves with the echoes after the close. */
function wsEcho(url: string, cookie: string, texts: string[]): Promise<string[]> {
  const WS = (globalThis as any).WebSocket;
  // undici's WebSocket (Node 22) takes extra request headers: the cookie is the stand-in's sign-in.
  const ws = new WS(`${url.replace('http', 'ws')}/live?room=1`, { headers: { cookie, ...FORGED } });
  const echoes: string[] = [];
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`websocket: ${echoes.length} echoes`)), 10_000);
    ws.onopen = () => texts.forEach((x) => ws.send(x));
    ws.onmessage = (e: { data: string }) => {
      echoes.push(String(e.data));
      if (echoes.length === texts.length) ws.close();
    };
    ws.onclose = () => (clearTimeout(t), resolve(echoes));
    ws.onerror = () => (clearTimeout(t), reject(new Error('websocket error')));
  });
}

test('oidc + recording: the app gets the signed-in email, never a forged one; records and visitors match', async () => {
  const eng = engine();
  const notices: NewVisitorNotice[] = [];
  eng.visits.on('newVisitor', (n) => notices.push(n));
  assert.ok(eng.add(spec('who')).ok);
  const v = await eng.start('who');
  assert.equal(v?.state, 'online', JSON.stringify(v));
  const bind = ing.binds.find((b) => b.url === v!.url && !b.error)!;
  const scopes = bind.trafficPolicy.on_http_request[0].actions.find((a: { type: string }) => a.type === 'openid-connect').config.scopes;
  assert.deepEqual(scopes, ['openid', 'email', 'profile'], 'the identity is asked for');
  const seenBefore = app.identities.length;

  const alice = standInVisitor({ email: 'alice@example.test', name: 'Alice Example' });
  const bob = standInVisitor({ email: 'bob@example.test', name: 'Bob' });
  const records = nextRecords(eng, 6);
  const r1 = await fetch(`${v!.url}/whoami`, { headers: { cookie: alice, ...FORGED } });
  assert.deepEqual(await r1.json(), { email: 'alice@example.test', user: 'Alice Example' });
  const r2 = await fetch(`${v!.url}/boom`, { headers: { cookie: bob, ...FORGED } });
  assert.equal(r2.status, 500);
  assert.equal(await r2.text(), 'kaput');
  const up = await upload(v!.url!, alice, 20 * 1024 * 1024);
  assert.deepEqual(up.answer, { bytes: 20 * 1024 * 1024, sha256: up.sha256 });
  assert.deepEqual(await wsEcho(v!.url!, bob, ['hello', 'x'.repeat(300)]), ['hello', 'x'.repeat(300)]);
  const r5 = await fetch(`${v!.url}/whoami`, { headers: { cookie: alice, ...FORGED } });
  assert.deepEqual(await r5.json(), { email: 'alice@example.test', user: 'Alice Example' });
  // Outside the allow-list: 403 at the edge, the app and the log never see it.
  const eve = await fetch(`${v!.url}/whoami`, { headers: { cookie: standInVisitor({ email: 'eve@other.test' }), ...FORGED } });
  assert.equal(eve.status, 403);
  await eve.text();
  const r6 = await fetch(`${v!.url}/plain`, { headers: { cookie: bob } });
  assert.equal(await r6.text(), 'hello /plain');

  const got = await records;
  const rows = got.map((r) => [r.tunnel, r.user, r.method, r.path, r.status]).sort((a, b) => String(a[3]).localeCompare(String(b[3])));
  assert.deepEqual(rows, [
    ['who', 'bob@example.test', 'GET', '/boom', 500],
    ['who', 'bob@example.test', 'GET', '/live?room=1', 101],
    ['who', 'bob@example.test', 'GET', '/plain', 200],
    ['who', 'alice@example.test', 'POST', '/upload', 200],
    ['who', 'alice@example.test', 'GET', '/whoami', 200],
    ['who', 'alice@example.test', 'GET', '/whoami', 200],
  ]);
  const byPath = new Map(got.map((r) => [r.path, r]));
  assert.equal(byPath.get('/boom')!.bytes, 5);
  assert.equal(byPath.get('/plain')!.bytes, 'hello /plain'.length);
  assert.ok(byPath.get('/live?room=1')!.bytes > 300, 'the WebSocket counts every byte sent to the visitor');
  assert.ok(got.every((r) => Number.isFinite(Date.parse(r.at)) && r.ms >= 0));
  assert.deepEqual(eng.visits.list('who'), got, 'the kept log is what was reported, in order');

  const summary = eng.visits.summary('who');
  assert.deepEqual(summary.visitors.map((x) => [x.user, x.requests]).sort(), [['alice@example.test', 3], ['bob@example.test', 3]]);
  assert.equal(summary.anonymous, 0);
  assert.deepEqual(notices.map((n) => n.user).sort(), ['alice@example.test', 'bob@example.test'], 'one notice per new visitor');

  const identities = app.identities.slice(seenBefore);
  assert.equal(identities.length, 6, 'the app saw the six requests that passed the edge (the WebSocket too)');
  assert.ok(identities.every((i) => i.email === 'alice@example.test' || i.email === 'bob@example.test'), JSON.stringify(identities));
  assert.ok(!identities.some((i) => i.email.includes('mallory') || i.user.includes('mallory')));

  // Removing the tunnel stops its proxy and forgets its visits.
  await eng.remove('who');
  assert.deepEqual(eng.visits.list('who'), []);
  assert.deepEqual(eng.visits.summary('who').visitors, []);
  await assert.rejects(fetch(`${bind.forwardsTo.startsWith('http') ? bind.forwardsTo : `http://${bind.forwardsTo}`}/`), 'the proxy is closed');
});

test('recording: the Bind forwards to the loopback proxy; off: to the app itself, and nothing is recorded', async () => {
  const eng = engine();
  assert.ok(eng.add(spec('rec-on', { mode: 'public', fusionauth: undefined })).ok);
  assert.ok(eng.add(spec('rec-off', { mode: 'public', fusionauth: undefined, record: false })).ok);
  const [on, off] = await Promise.all([eng.start('rec-on'), eng.start('rec-off')]);
  const forwardOf = (url: string) => ing.binds.find((b) => b.url === url && !b.error)!.forwardsTo;
  assert.match(forwardOf(on!.url!), /127\.0\.0\.1:\d+/);
  assert.doesNotMatch(forwardOf(on!.url!), new RegExp(`:${app.port}\\b`));
  assert.match(forwardOf(off!.url!), new RegExp(`localhost:${app.port}\\b`));

  const records = nextRecords(eng, 1);
  for (const url of [on!.url!, off!.url!]) {
    // Public: nobody vouches for the identity headers, so the proxy drops them (the edge's policy too, at ngrok).
    const res = await fetch(`${url}/x`, { headers: FORGED });
    assert.equal(await res.text(), 'hello /x');
  }
  const [rec] = await records;
  assert.deepEqual([rec!.tunnel, rec!.user, rec!.path], ['rec-on', null, '/x']);
  assert.equal(eng.visits.list('rec-off').length, 0);
  assert.equal(app.identities.at(-2)!.email, '', 'recording, public: the forged header is dropped');

  // Switched on for a running tunnel: it restarts behind a proxy.
  await eng.update(spec('rec-off', { mode: 'public', fusionauth: undefined, record: true }));
  const back = await until(eng, 'rec-off', (x) => x.state === 'online');
  assert.doesNotMatch(forwardOf(back.url!), new RegExp(`:${app.port}\\b`));
  await eng.stopAll();
});
