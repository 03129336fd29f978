// test: endpoint pools on the REAL @ngrok/ngrok against the loopback ingress: several Porthole engines
// (several machines, or a blue/green switch) sharing one reserved domain or one internal URL, the
// refusal of an agent that does not pool, and ngrok's pooling errors in Porthole's words.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { engineRig, spec, startApp, type LocalApp } from './helpers.js';

const rig = engineRig({ token: (n) => `pool-token-${n}` });
const { engine } = rig;
let blue: LocalApp;
let green: LocalApp;
before(async () => {
  [blue, green] = await Promise.all([startApp('blue'), startApp('green')]);
});
after(async () => {
  await Promise.all([blue.close(), green.close()]);
});

/** GET on a new connection each time: the edge, like ngrok's, picks a pool member per connection. */
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

test('two pooled shares of one domain both go online on one URL and visitors reach both; a third without pool gets ERR_NGROK_334 with pooling offered', async () => {
  const [e1, e2, e3] = [engine(), engine(), engine()];
  e1.add(spec({ name: 'blue', target: String(blue.port), mode: 'public', domain: 'shop.ngrok.test', pool: true }));
  e2.add(spec({ name: 'green', target: String(green.port), mode: 'public', domain: 'shop.ngrok.test', pool: true }));
  const [v1, v2] = await Promise.all([e1.start('blue'), e2.start('green')]);
  assert.equal(v1?.state, 'online', JSON.stringify(v1?.error));
  assert.equal(v2?.state, 'online', JSON.stringify(v2?.error));
  assert.equal(v1!.url, v2!.url, 'one URL');
  assert.equal(v1!.pooled, true);
  assert.ok(rig.ing.binds.filter((b) => b.domain === 'shop.ngrok.test').every((b) => b.pooled), 'both Binds asked for pooling');
  const bodies = await Promise.all(Array.from({ length: 6 }, (_, i) => body(`${v1!.url}/v${i}`)));
  assert.ok(bodies.some((b) => b.startsWith('hello blue ')), `blue served some: ${bodies.join(' | ')}`);
  assert.ok(bodies.some((b) => b.startsWith('hello green ')), `green served some: ${bodies.join(' | ')}`);

  e3.add(spec({ name: 'third', target: String(blue.port), mode: 'public', domain: 'shop.ngrok.test' }));
  const v3 = await e3.start('third');
  assert.equal(v3?.state, 'error');
  assert.equal(v3?.error?.code, 'NGROK_ENDPOINT_ONLINE');
  assert.equal(v3?.error?.ngrokCode, 'ERR_NGROK_334');
  assert.match(v3!.error!.message, /Another ngrok agent is already serving shop\.ngrok\.test\./);
  assert.match(v3!.error!.fix!, /--pool\b/);
  assert.match(v3!.error!.fix!, /stop the other agent/);
  // The pool is untouched by the refusal.
  assert.match(await body(`${v1!.url}/still`), /^hello (blue|green) \/still$/);
});

test('a pooled share cannot join an agent that does not pool: it says which side to change', async () => {
  const [e1, e2] = [engine(), engine()];
  e1.add(spec({ name: 'solo', target: String(blue.port), mode: 'public', domain: 'solo.ngrok.test' }));
  e2.add(spec({ name: 'joiner', target: String(green.port), mode: 'public', domain: 'solo.ngrok.test', pool: true }));
  assert.equal((await e1.start('solo'))?.state, 'online');
  const v = await e2.start('joiner');
  assert.equal(v?.error?.code, 'NGROK_ENDPOINT_ONLINE');
  assert.match(v!.error!.message, /serving solo\.ngrok\.test without pooling/);
  assert.match(v!.error!.fix!, /on the other agent too/);
});

test('the internal mode with pooled internal endpoints: several machines serve one Cloud Endpoint; the forward-internal URL is the same', async () => {
  const [e1, e2] = [engine(), engine()];
  e1.add(spec({ name: 'team', target: String(blue.port), mode: 'internal', pool: true }));
  e2.add(spec({ name: 'team', target: String(green.port), mode: 'internal', pool: true }));
  const [v1, v2] = await Promise.all([e1.start('team'), e2.start('team')]);
  assert.equal(v1?.state, 'online', JSON.stringify(v1?.error));
  assert.equal(v2?.state, 'online', JSON.stringify(v2?.error));
  assert.equal(v1!.url, 'https://team.internal');
  assert.equal(v2!.url, v1!.url);
  const binds = rig.ing.binds.filter((b) => b.domain === 'team.internal' && !b.error);
  assert.deepEqual(binds.map((b) => [b.bindings, b.pooled]), [[['internal'], true], [['internal'], true]]);
  // What the Cloud Endpoint's forward-internal reaches: the shared internal endpoint, served by both.
  const edge = rig.ing.edgeUrl(binds[0]!.id)!;
  const bodies = await Promise.all(Array.from({ length: 4 }, (_, i) => body(`${edge}/i${i}`)));
  assert.ok(bodies.some((b) => b.startsWith('hello blue ')) && bodies.some((b) => b.startsWith('hello green ')), bodies.join(' | '));
  // Without pooling, a second machine's internal endpoint of the same name is refused.
  const e3 = engine();
  e3.add(spec({ name: 'team', target: String(blue.port), mode: 'internal' }));
  assert.equal((await e3.start('team'))?.error?.ngrokCode, 'ERR_NGROK_334');
});

test("ngrok's pooling errors in Porthole's words: 6030, 18016, 18017 say which side to change; 18019 says the plan has none", async () => {
  const cases: [string, RegExp, RegExp][] = [
    ['ERR_NGROK_6030', /mixed\.ngrok\.test has several endpoints, but not all of them have pooling on/, /on every agent serving it/],
    ['ERR_NGROK_18016', /This tunnel pools mixed\.ngrok\.test, but another endpoint on it/, /Turn on pooling for that other endpoint .*or turn off "Share this URL with other agents" \(--pool\) here/],
    ['ERR_NGROK_18017', /Other endpoints already share mixed\.ngrok\.test with pooling, and this tunnel does not pool/, /Turn on "Share this URL with other agents" \(--pool\) for this tunnel/],
    ['ERR_NGROK_18019', /Your ngrok plan does not include endpoint pooling/, /Turn off "Share this URL with other agents" \(--pool\)/],
  ];
  for (const [code, message, fix] of cases) {
    const eng = engine();
    rig.ing.failBind((b) => b.domain === 'mixed.ngrok.test', code);
    try {
      eng.add(spec({ name: 'mixed', target: String(blue.port), mode: 'public', domain: 'mixed.ngrok.test', pool: code !== 'ERR_NGROK_18017' }));
      const v = await eng.start('mixed');
      assert.equal(v?.state, 'error', code);
      assert.equal(v?.error?.ngrokCode, code);
      assert.equal(v?.error?.code, code === 'ERR_NGROK_18019' ? 'NGROK_POOLING_UNAVAILABLE' : 'NGROK_POOL_MIXED');
      assert.match(v!.error!.message, message);
      assert.match(v!.error!.fix!, fix);
    } finally {
      rig.ing.failBind(null);
      await eng.stopAll();
    }
  }
});
