// test: the loopback ingress with the SDK's flat ngrok.forward() API (process-global sessions, so its own file).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import ngrok from '@ngrok/ngrok';
import { startIngress } from '../support/ingress/index.js';
import { cleanup, connectOutcome, get, startUpstream } from './helpers.js';

test('forward() with session_ca_cert: URL from the ingress, GET through it, traffic policy recorded, disconnect → 2 Unbinds', async (t) => {
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress();
  defer(() => ing.close());
  defer(() => ngrok.kill());

  const statuses: string[] = [];
  // The issuer is a loopback port that refuses: the gate (when present) cannot reach it, and nothing leaves 127.0.0.1.
  const policy = { on_http_request: [{ actions: [{ type: 'openid-connect', config: { issuer_url: 'http://127.0.0.1:1', client_id: 'c', client_secret: 's' } }] }] };
  const listener = await ngrok.forward({
    addr: app.port,
    authtoken: 'fwd-token',
    server_addr: ing.serverAddr,
    session_ca_cert: ing.caPem,
    traffic_policy: JSON.stringify(policy),
    metadata: 'fwd-meta',
    // An exception escaping an SDK callback kills the process: keep it trivial and guarded.
    onStatusChange: (status: string) => {
      try {
        statuses.push(status);
      } catch {}
    },
  });
  const url = listener.url()!;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(ing.auths[0]!.authtoken, 'fwd-token');
  assert.deepEqual(ing.binds[0]!.trafficPolicy, policy);
  assert.equal(ing.binds[0]!.metadata, 'fwd-meta');
  assert.ok(statuses.includes('connected'), `statuses: ${statuses.join(',')}`);

  // An OIDC endpoint: the edge speaks HTTP and runs the gate (or says it has none yet).
  const r = await get(`${url}/secret`);
  assert.notEqual(r.text, 'hello /secret', 'an OIDC endpoint must not let an anonymous visitor through');
  assert.ok(r.status >= 500, `status ${r.status}: provider unreachable (502) or no gate yet (501)`);
  assert.equal(app.seen.length, 0);

  await ngrok.disconnect(url);
  await ing.waitFor(() => ing.unbinds.length >= 2);
  assert.deepEqual(ing.unbinds.map((u) => u.id), [listener.id(), listener.id()]);
  assert.equal(await connectOutcome(url), 'ECONNREFUSED');
});

test('forward() with root_cas (a PEM file path) and a new session: plain endpoint relays', async (t) => {
  const defer = cleanup(t);
  const app = await startUpstream();
  defer(() => app.close());
  const ing = await startIngress({ quickAck: false });
  defer(() => ing.close());
  defer(() => ngrok.kill());

  const listener = await ngrok.forward({
    addr: `127.0.0.1:${app.port}`,
    authtoken: 'test',
    server_addr: ing.serverAddr,
    root_cas: ing.caFile,
    force_new_session: true,
  });
  assert.equal(ing.auths.length, 1);
  assert.equal((await get(`${listener.url()}/plain`)).text, 'hello /plain');
  assert.deepEqual(app.seen, ['GET /plain']);
});
