// test: the loopback ingress follows ngrok's rules for reserved domains, driven by the REAL @ngrok/ngrok:
// a domain bound on one connection is refused to another with ERR_NGROK_334 unless every Bind asked for
// pooling (the SDK's poolingEnabled, Extra.PoolingEnabled on the wire); a dropped connection keeps its
// domains for a configurable time; pooled Binds share one URL and spread visitors over their agents.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { startIngress } from '../support/ingress/index.js';
import { cleanup, closeSession, sessionBuilder, sleep, startUpstream } from './helpers.js';

/** GET on a new TCP connection each time (the edge picks a pool member per connection, as a load balancer does). */
function get(url: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

test('poolingEnabled reaches the Bind as Extra.PoolingEnabled', async (t) => {
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress();
  defer(() => ing.close());
  const s = await sessionBuilder(ing).connect();
  defer(() => closeSession(s));
  await s.httpEndpoint().domain('p.ngrok.test').poolingEnabled(true).listenAndForward(app.url);
  await s.httpEndpoint().domain('q.ngrok.test').listenAndForward(app.url);
  assert.deepEqual(ing.binds.map((b) => [b.domain, b.raw.Extra.PoolingEnabled, b.pooled]), [['p.ngrok.test', true, true], ['q.ngrok.test', false, false]]);
});

test('a domain bound on one connection is refused to another (ERR_NGROK_334) unless every Bind pools; pooled Binds share the URL and its visitors', async (t) => {
  const defer = cleanup(t);
  const [blue, green, third] = await Promise.all([startUpstream(), startUpstream(), startUpstream()]);
  defer(() => Promise.all([blue.close(), green.close(), third.close()]));
  const ing = await startIngress();
  defer(() => ing.close());
  const [a, b, c] = await Promise.all([sessionBuilder(ing, 'a').connect(), sessionBuilder(ing, 'b').connect(), sessionBuilder(ing, 'c').connect()]);
  defer(() => Promise.all([a, b, c].map(closeSession)));

  // Not pooled: the second agent is refused, in ngrok's words.
  const solo = await a.httpEndpoint().domain('solo.ngrok.test').listenAndForward(blue.url);
  await assert.rejects(b.httpEndpoint().domain('solo.ngrok.test').listenAndForward(green.url), (err: any) => {
    // listenAndForward() leaves err.errorCode unset (only listen() and connect() fill it in): the code is in the text.
    assert.match(err.message, /error_code: ERR_NGROK_334$/);
    assert.match(err.message, /The endpoint 'https:\/\/solo\.ngrok\.test' is already online\. Either\n1\. stop your existing endpoint first, or\n2\. start both endpoints with `--pooling-enabled`/);
    return true;
  });
  // A pooled Bind cannot join an endpoint that does not pool, nor a second tunnel of the same session.
  await assert.rejects(b.httpEndpoint().domain('solo.ngrok.test').poolingEnabled(true).listenAndForward(green.url), /ERR_NGROK_334/);
  await assert.rejects(a.httpEndpoint().domain('solo.ngrok.test').listenAndForward(green.url), /ERR_NGROK_334/);
  // Once it is unbound, the domain is free.
  await solo.close();
  await ing.waitFor(() => ing.unbinds.some((u) => u.id === solo.id()));
  const taken = await b.httpEndpoint().domain('solo.ngrok.test').listenAndForward(green.url);
  assert.equal(taken.url(), solo.url(), 'the domain keeps its URL');

  // Pooled on both sides: one URL, visitors spread over both agents.
  const p1 = await a.httpEndpoint().domain('pool.ngrok.test').poolingEnabled(true).listenAndForward(blue.url);
  const p2 = await b.httpEndpoint().domain('pool.ngrok.test').poolingEnabled(true).listenAndForward(green.url);
  assert.equal(p2.url(), p1.url());
  const [nb, ng] = [blue.seen.length, green.seen.length];
  for (let i = 0; i < 6; i++) assert.equal((await get(`${p1.url()}/v${i}`)).status, 200);
  assert.equal(blue.seen.length - nb, 3, 'half the visitors reach the first agent');
  assert.equal(green.seen.length - ng, 3, 'half reach the second');
  // A third agent that does not pool is refused.
  await assert.rejects(c.httpEndpoint().domain('pool.ngrok.test').listenAndForward(third.url), /ERR_NGROK_334/);
  // One member leaves: the other serves every visitor, on the same URL.
  await p1.close();
  await ing.waitFor(() => ing.unbinds.some((u) => u.id === p1.id()));
  const before = green.seen.length;
  for (let i = 0; i < 3; i++) assert.equal((await get(`${p2.url()}/left${i}`)).status, 200);
  assert.equal(green.seen.length - before, 3);
});

test('a dropped connection keeps its domains for holdDomainsMs: the SDK re-bind is refused until then; a pooled one is not', async (t) => {
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress({ holdDomainsMs: 1500 });
  defer(() => ing.close());
  const s = await sessionBuilder(ing).connect();
  defer(() => closeSession(s));
  const held = await s.httpEndpoint().domain('held.ngrok.test').listenAndForward(app.url);
  const pooled = await s.httpEndpoint().domain('pooled.ngrok.test').poolingEnabled(true).listenAndForward(app.url);
  const n = ing.binds.length;
  ing.dropAll();
  await ing.waitFor(() => ing.heldDomains().length === 2, 1000);
  const until = ing.heldDomains().find((h) => h.domain === 'held.ngrok.test')!.until;
  // The SDK redials at once and again after 50 ms; each reconnect re-binds its tunnels in turn and
  // fails at the first refusal.
  await ing.waitFor(() => ing.binds.slice(n).some((b) => b.error === 'ERR_NGROK_334'), 1000);
  const early = ing.binds.slice(n).filter((b) => b.at < until);
  assert.ok(early.every((b) => b.domain !== 'held.ngrok.test' || b.error === 'ERR_NGROK_334'), 'refused while held');
  assert.ok(early.every((b) => b.domain !== 'pooled.ngrok.test' || !b.error), 'a pooled endpoint re-binds while held');
  // Its next redial (2.5 s after the drop) comes after the release: both are back.
  await ing.waitFor(() => ing.binds.slice(n).some((b) => b.domain === 'held.ngrok.test' && !b.error), 5000);
  assert.ok(ing.binds.slice(n).find((b) => b.domain === 'held.ngrok.test' && !b.error)!.at >= until);
  await sleep(100);
  assert.equal((await get(`${held.url()}/back`)).status, 200);
  assert.equal((await get(`${pooled.url()}/back`)).status, 200);
});
