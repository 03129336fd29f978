// test: the loopback ngrok ingress against the REAL @ngrok/ngrok 1.7.0 (SessionBuilder API).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { test } from 'node:test';
import { startIngress } from '../support/ingress/index.js';
import { cleanup, closeSession, connectOutcome, get, sessionBuilder, sleep, startUpstream } from './helpers.js';

const MB = 1024 * 1024;

test('a tunnel answers through the ingress; 50 MB down and 20 MB up intact; close → Unbind and the URL refuses', async (t) => {
  const big = randomBytes(50 * MB);
  const bigSha = createHash('sha256').update(big).digest('hex');
  const defer = cleanup(t);
  const app = await startUpstream(big);
  defer(() => app.close());
  const ing = await startIngress();
  defer(() => ing.close());
  const session = await sessionBuilder(ing).connect();
  defer(() => closeSession(session));
  const listener = await session.httpEndpoint().metadata('listener-meta').listenAndForward(app.url);

  const url = listener.url();
  assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(ing.binds.length, 1);
  assert.equal(ing.binds[0]!.url, url);
  assert.equal(ing.edgeUrl(listener.id()), url);

  const r = await get(`${url}/hi?x=1`);
  assert.equal(r.status, 200);
  assert.equal(r.text, 'hello /hi?x=1');
  assert.equal(r.headers.get('x-upstream'), 'yes');

  // 50 MB download, hashed as it streams; compared with the same download straight from the app.
  const timed = async (u: string) => {
    const t0 = performance.now();
    const res = await fetch(u);
    const h = createHash('sha256');
    let n = 0;
    for await (const c of res.body as any as AsyncIterable<Uint8Array>) {
      h.update(c);
      n += c.length;
    }
    return { n, sha: h.digest('hex'), ms: performance.now() - t0 };
  };
  const direct = await timed(`${app.url}/big`);
  const tunneled = await timed(`${url}/big`);
  assert.equal(tunneled.n, big.length);
  assert.equal(tunneled.sha, bigSha);
  t.diagnostic(`50 MB: direct ${direct.ms.toFixed(0)} ms, tunnel ${tunneled.ms.toFixed(0)} ms (${(50_000 / tunneled.ms).toFixed(0)} MB/s)`);
  assert.ok(tunneled.ms < 5000, `50 MB through the tunnel took ${tunneled.ms.toFixed(0)} ms`);

  // 20 MB upload, checked by the app.
  const up = randomBytes(20 * MB);
  const ur = await fetch(`${url}/upload`, { method: 'POST', body: up });
  assert.deepEqual(await ur.json(), { bytes: up.length, sha256: createHash('sha256').update(up).digest('hex') });

  await listener.close();
  await ing.waitFor(() => ing.unbinds.some((u) => u.id === listener.id()));
  assert.equal(await connectOutcome(url!), 'ECONNREFUSED');
});

test('Auth and Bind records carry what the agent sent', async (t) => {
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress();
  defer(() => ing.close());
  const session = await sessionBuilder(ing, 'tok-abc').metadata('session-meta').connect();
  defer(() => closeSession(session));

  assert.equal(ing.auths.length, 1);
  assert.equal(ing.auths[0]!.authtoken, 'tok-abc');
  assert.equal(ing.auths[0]!.clientId, '');
  assert.equal(ing.auths[0]!.raw.Extra.Metadata, 'session-meta');

  const legacy = await session
    .httpEndpoint()
    .oidc('https://idp.example.test', 'cid-1', 'secret-1', ['a@x.test'], ['corp.test'], ['email'])
    .metadata('legacy')
    .listenAndForward(app.url);
  const policy = {
    on_http_request: [
      { actions: [{ type: 'openid-connect', config: { issuer_url: 'https://idp.example.test', client_id: 'cid-2', client_secret: 'secret-2', scopes: ['openid', 'email'] } }] },
      { expressions: ["!(actions.ngrok.oidc.identity.email in ['a@x.test'])"], actions: [{ type: 'deny', config: { status_code: 403 } }] },
    ],
  };
  const withPolicy = await session.httpEndpoint().trafficPolicy(JSON.stringify(policy)).listenAndForward(app.url);
  const yamlPolicy = await session.httpEndpoint().trafficPolicy('on_http_request:\n  - actions:\n      - type: deny\n').listenAndForward(app.url);
  const internal = await session.httpEndpoint().binding('internal').domain('porthole-demo.internal').listenAndForward(app.url);
  const internalNoDomain = await session.httpEndpoint().binding('internal').listenAndForward(app.url);

  assert.equal(ing.auths.length, 1, 'one session, one Auth');
  const [b1, b2, b3, b4] = ing.binds;
  assert.deepEqual(b1!.oidc, {
    issuer_url: 'https://idp.example.test',
    client_id: 'cid-1',
    client_secret: 'secret-1',
    allow_emails: ['a@x.test'],
    allow_domains: ['corp.test'],
    scopes: ['email'],
  });
  assert.equal(b1!.metadata, 'legacy');
  assert.equal(b1!.proto, 'https');
  assert.equal(b1!.trafficPolicy, null);
  assert.match(b1!.forwardsTo, /.+/);
  assert.equal(b1!.rebind, false);
  assert.equal(b1!.id, legacy.id());

  assert.deepEqual(b2!.trafficPolicy, policy);
  assert.equal(b2!.oidc, null);
  assert.equal(typeof b2!.opts.TrafficPolicy, 'string');
  assert.equal(b2!.url, withPolicy.url());

  assert.deepEqual(b3!.trafficPolicy, { on_http_request: [{ actions: [{ type: 'deny' }] }] });
  assert.equal(yamlPolicy.url(), b3!.url);

  assert.deepEqual(b4!.bindings, ['internal']);
  assert.equal(b4!.domain, 'porthole-demo.internal');
  assert.equal(internal.url(), 'https://porthole-demo.internal');
  assert.equal(b4!.url, internal.url());
  // Served anyway at a loopback port, for tests.
  const edge = ing.edgeUrl(internal.id());
  assert.match(edge ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await get(`${edge}/internal`)).text, 'hello /internal');
  assert.equal(internalNoDomain.url(), `https://${internalNoDomain.id()}.internal`);
});

test('failAuth → the SDK rejects with that errorCode; failBind → only that listener fails', async (t) => {
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress();
  defer(() => ing.close());

  ing.failAuth('ERR_NGROK_105');
  await assert.rejects(sessionBuilder(ing).connect(), (err: any) => {
    assert.equal(err.errorCode, 'ERR_NGROK_105');
    assert.match(err.message, /authtoken/);
    return true;
  });
  assert.equal(ing.auths.at(-1)!.error, 'ERR_NGROK_105');
  ing.failAuth(null);

  const session = await sessionBuilder(ing).connect();
  defer(() => closeSession(session));
  ing.failBind((b) => b.metadata === 'doomed', 'ERR_NGROK_334', 'The endpoint is already online.');
  // listen() fills in errorCode; listenAndForward() (native, not wrapped by the SDK's JS) leaves it
  // undefined, so the code must be read from the message there.
  await assert.rejects(session.httpEndpoint().metadata('doomed').listen(), (err: any) => {
    assert.equal(err.errorCode, 'ERR_NGROK_334');
    return true;
  });
  await assert.rejects(session.httpEndpoint().metadata('doomed').listenAndForward(app.url), (err: any) => {
    assert.match(err.message, /^failed to start listener: The endpoint is already online\. error_code: ERR_NGROK_334$/);
    return true;
  });
  const ok = await session.httpEndpoint().metadata('fine').listenAndForward(app.url);
  assert.equal((await get(`${ok.url()}/ok`)).text, 'hello /ok');
  assert.deepEqual(
    ing.binds.map((b) => [b.metadata, b.error ?? null]),
    [['doomed', 'ERR_NGROK_334'], ['doomed', 'ERR_NGROK_334'], ['fine', null]],
  );
});

test('a labeled listener (retired ngrok Edges) is refused with ERR_NGROK_7008', async (t) => {
  const defer = cleanup(t);
  const ing = await startIngress();
  defer(() => ing.close());
  const session = await sessionBuilder(ing).connect();
  defer(() => closeSession(session));
  await assert.rejects(session.labeledListener().label('edge', 'edghts_1').listen(), (err: any) => {
    assert.equal(err.errorCode, 'ERR_NGROK_7008');
    return true;
  });
});

test('dropAll → the agent re-Auths with its ClientId/Cookie and re-binds the same Id; the URL answers again', async (t) => {
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress();
  defer(() => ing.close());
  const session = await sessionBuilder(ing).connect();
  defer(() => closeSession(session));
  const l = await session.httpEndpoint().listenAndForward(app.url);
  const url = l.url()!;
  assert.equal((await get(`${url}/before`)).status, 200);
  assert.equal(ing.connections(), 1);

  ing.dropAll();
  await ing.waitFor(() => ing.binds.length === 2, 5000);
  const first = ing.auths[0]!;
  const again = ing.auths[1]!;
  assert.match(again.clientId, /^sess_/);
  assert.match(again.cookie, /^cookie_/);
  assert.notEqual(first.clientId, again.clientId, 'first Auth had no ClientId');
  const rebound = ing.binds[1]!;
  assert.equal(rebound.id, l.id());
  assert.equal(rebound.rebind, true);
  assert.match(rebound.raw.Extra.Token, /^tok_/);
  assert.equal(rebound.url, url);
  assert.equal(l.url(), url);
  assert.equal((await get(`${url}/after`)).text, 'hello /after');
  assert.equal(ing.connections(), 1);
});

test('outage(ms) refuses agent connections meanwhile, then accepts and the tunnel comes back', async (t) => {
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress();
  defer(() => ing.close());
  const session = await sessionBuilder(ing).connect();
  defer(() => closeSession(session));
  const l = await session.httpEndpoint().listenAndForward(app.url);
  const [host, port] = ing.serverAddr.split(':');

  const outage = ing.outage(800);
  await sleep(100);
  assert.equal(ing.connections(), 0);
  const refused = await new Promise<string>((resolve) => {
    const s = net.connect(Number(port), host);
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (err: any) => resolve(err.code));
  });
  assert.equal(refused, 'ECONNREFUSED');
  // The edge stays up and says the endpoint is offline, as ngrok does.
  const offline = await get(`${l.url()}/during`);
  assert.equal(offline.status, 404);
  assert.match(offline.text, /ERR_NGROK_3200/);
  await outage;

  // The SDK's own retries (50 ms, 2.5 s after the first) find the ingress again.
  await ing.waitFor(() => ing.binds.some((b) => b.rebind), 6000);
  assert.equal((await get(`${l.url()}/back`)).text, 'hello /back');
});

test('freeze(): the connection open now stops answering (no reset), a new one is served; thaw answers late; drop ends it', async (t) => {
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress();
  defer(() => ing.close());
  const session = await sessionBuilder(ing).connect();
  defer(() => closeSession(session));
  const l = await session.httpEndpoint().listenAndForward(app.url);
  assert.equal(ing.auths[0]!.sessionId.startsWith('sess_'), true, 'the session id answered is recorded');

  const frozen = ing.freeze();
  // An Unbind of an unknown id is a harmless round trip: unanswered while frozen.
  const probe = session.closeListener('no-such-listener').then(() => 'answered', () => 'failed');
  const early = await Promise.race([probe, sleep(500).then(() => 'pending')]);
  assert.equal(early, 'pending', 'no answer on a frozen connection');
  assert.equal(ing.connections(), 1, 'not reset either');
  const offline = await get(`${l.url()}/frozen`);
  assert.equal(offline.status, 404);
  assert.match(offline.text, /ERR_NGROK_3200/);
  // A connection made now is served as usual.
  const other = await sessionBuilder(ing, 'other').connect();
  defer(() => closeSession(other));
  const l2 = await other.httpEndpoint().listenAndForward(app.url);
  assert.equal((await get(`${l2.url()}/fresh`)).text, 'hello /fresh');

  frozen.thaw();
  assert.equal(await probe, 'answered', 'what was sent meanwhile is answered after thaw');
  assert.equal((await get(`${l.url()}/thawed`)).text, 'hello /thawed');

  // drop() ends the frozen connections: both agents notice and resume their sessions.
  const [auths, binds] = [ing.auths.length, ing.binds.length];
  ing.freeze().drop();
  await ing.waitFor(() => ing.auths.length === auths + 2 && ing.binds.length === binds + 2, 3000);
  assert.deepEqual(ing.auths.slice(auths).map((a) => a.clientId).sort(), [ing.auths[0]!.sessionId, ing.auths[1]!.sessionId].sort());
  assert.equal((await get(`${l.url()}/resumed`)).text, 'hello /resumed');
});

test('same reserved domain → same URL on a later Bind; a client that half-closes still gets its answer', async (t) => {
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress();
  defer(() => ing.close());
  const session = await sessionBuilder(ing).connect();
  defer(() => closeSession(session));
  const a = await session.httpEndpoint().domain('demo.ngrok.app').listenAndForward(app.url);
  const url = a.url()!;
  await a.close();
  await ing.waitFor(() => ing.unbinds.length > 0);
  assert.equal(await connectOutcome(url), 'ECONNREFUSED');
  const b = await session.httpEndpoint().domain('demo.ngrok.app').listenAndForward(app.url);
  assert.notEqual(b.id(), a.id());
  assert.equal(b.url(), url);
  assert.equal((await get(`${url}/again`)).text, 'hello /again');

  // Raw client: request, FIN, then read the answer.
  const { port } = new URL(url);
  const answer = await new Promise<string>((resolve, reject) => {
    const s = net.connect(Number(port), '127.0.0.1');
    let text = '';
    s.on('data', (c) => (text += c));
    s.on('end', () => resolve(text));
    s.on('error', reject);
    s.end('GET /half HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  });
  assert.match(answer, /^HTTP\/1\.1 200/);
  assert.match(answer, /\r\nhello \/half\r\n/);
});

test('heartbeats are echoed: the SDK measures a latency, not a timeout', async (t) => {
  const defer = cleanup(t);
  const ing = await startIngress();
  defer(() => ing.close());
  const latencies: (number | null)[] = [];
  const session = await sessionBuilder(ing)
    .heartbeatInterval(1)
    .handleHeartbeat((latency: number) => {
      try {
        latencies.push(latency);
      } catch {}
    })
    .connect();
  defer(() => closeSession(session));
  await ing.waitFor(() => latencies.length >= 1, 4000);
  assert.equal(typeof latencies[0], 'number', `latencies: ${latencies.join(',')}`);
  assert.ok(latencies[0]! < 1000);
});
