// test: the engine keeps tunnels up through connection loss on the REAL @ngrok/ngrok against the
// loopback ingress: a drop (the SDK redials), a 10 s outage (the engine rebuilds the session, where
// the SDK alone would wait ~2 minutes), recover(), and a token refused on the way back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import { get, record, sleep, startApp, until, type LocalApp } from './helpers.js';

let ing: Ingress;
let app: LocalApp;
const engines: Engine[] = [];

before(async () => {
  ing = await startIngress();
  app = await startApp('web');
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

test('the ingress drops every connection → reconnecting → online on the same URL', async () => {
  const eng = engine();
  const seen = record(eng);
  eng.add({ name: 'drop', target: String(app.port), mode: 'public' });
  const v = await eng.start('drop');
  assert.equal(v?.state, 'online');
  const auths = ing.auths.length;
  ing.dropAll();
  await until(eng, 'drop', (x) => x.state === 'reconnecting', 3000);
  const back = await until(eng, 'drop', (x) => x.state === 'online', 3000);
  assert.equal(back.url, v!.url, 'same URL');
  assert.deepEqual((await get(`${back.url}/again`)).body, 'hello web /again');
  assert.equal(ing.auths.length - auths, 1, 'the SDK re-authenticated once; the engine did not pile on');
  assert.equal(ing.auths.at(-1)!.clientId !== '', true, 'a resumed session (ClientId of the old one)');
  assert.deepEqual(seen.get('drop')!.map((x) => x.state).slice(-2), ['reconnecting', 'online']);
  await eng.stopAll();
});

test('a 10 s outage → online again within 2 s of the ingress coming back', async (t) => {
  const eng = engine();
  for (const n of ['o1', 'o2']) eng.add({ name: n, target: String(app.port), mode: 'public' });
  await Promise.all([eng.start('o1'), eng.start('o2')]);
  const auths = ing.auths.length;
  const outage = ing.outage(10_000);
  await until(eng, 'o1', (x) => x.state === 'reconnecting', 3000);
  await outage;
  const backAt = Date.now();
  const [v1, v2] = await Promise.all([until(eng, 'o1', (x) => x.state === 'online', 5000), until(eng, 'o2', (x) => x.state === 'online', 5000)]);
  const took = Date.now() - backAt;
  assert.ok(took <= 2000, `online ${took} ms after the ingress came back`);
  assert.equal((await get(`${v1.url}/one`)).body, 'hello web /one');
  assert.equal((await get(`${v2.url}/two`)).body, 'hello web /two');
  // One new session for both tunnels; the dials during the outage were refused at TCP, not Auth.
  assert.ok(ing.auths.length - auths <= 2, `auths during recovery: ${ing.auths.length - auths}`);
  // The old session is really gone: nothing re-binds stale tunnels later.
  const binds = ing.binds.length;
  await sleep(3000);
  assert.equal(ing.binds.length, binds, 'no late re-binds from the replaced session');
  assert.equal(ing.connections(), 1, 'one agent connection');
  t.diagnostic(`outage recovery: online ${took} ms after the ingress came back`);
  await eng.stopAll();
});

test('a session lost while idle does not make the next start wait for the SDK (~2 min)', async () => {
  const eng = engine();
  eng.add({ name: 'idle', target: String(app.port), mode: 'public' });
  await eng.start('idle');
  await eng.stop('idle');
  await ing.outage(4000); // the SDK fails its quick redials and sleeps ~2 minutes
  const t0 = Date.now();
  const v = await eng.start('idle');
  assert.equal(v?.state, 'online');
  assert.ok(Date.now() - t0 < 2000, `start took ${Date.now() - t0} ms`);
  assert.equal((await get(v!.url!)).status, 200);
  await eng.stopAll();
});

test('stop while the session is lost returns promptly', async () => {
  const eng = engine();
  eng.add({ name: 'lost', target: String(app.port), mode: 'public' });
  await eng.start('lost');
  const outage = ing.outage(3000);
  await until(eng, 'lost', (x) => x.state === 'reconnecting', 3000);
  const t0 = Date.now();
  await eng.stop('lost');
  assert.ok(Date.now() - t0 < 2000, `stop took ${Date.now() - t0} ms`);
  assert.equal(eng.get('lost')?.state, 'stopped');
  await outage;
  await eng.stopAll();
});

test('recover() (wake, network change) rebuilds the session at once', async () => {
  const eng = engine();
  eng.add({ name: 'wake', target: String(app.port), mode: 'public' });
  await eng.start('wake');
  const auths = ing.auths.length;
  const t0 = Date.now();
  eng.recover();
  await until(eng, 'wake', (x) => x.state === 'reconnecting', 1000);
  const v = await until(eng, 'wake', (x) => x.state === 'online', 3000);
  assert.ok(Date.now() - t0 < 1500, `recover took ${Date.now() - t0} ms`);
  assert.equal(ing.auths.length - auths, 1, 'a fresh session');
  assert.equal(ing.auths.at(-1)!.clientId, '', 'a new session, not a resumed one');
  assert.equal((await get(v.url!)).status, 200);
  await eng.stopAll();
});

test('authtoken refused while rebuilding → error, not a retry loop', async () => {
  const eng = engine();
  eng.add({ name: 'revoked', target: String(app.port), mode: 'public' });
  await eng.start('revoked');
  const auths = ing.auths.length;
  ing.failAuth('ERR_NGROK_105');
  try {
    eng.recover();
    const v = await until(eng, 'revoked', (x) => x.state === 'error', 3000);
    assert.equal(v.error?.code, 'NGROK_AUTHTOKEN');
    await sleep(2000);
    assert.equal(ing.auths.length - auths, 1, 'one refused Auth, then nothing');
  } finally {
    ing.failAuth(null);
  }
  await eng.stopAll();
});

test('setSession moves running tunnels to the new session', async () => {
  const eng = engine();
  eng.add({ name: 'move', target: String(app.port), mode: 'public' });
  await eng.start('move');
  const r = await eng.setSession({ authtoken: 'another-token', serverAddr: ing.serverAddr, caPem: ing.caPem });
  assert.ok(r.ok);
  const v = await until(eng, 'move', (x) => x.state === 'online' && ing.auths.at(-1)?.authtoken === 'another-token', 3000);
  assert.equal((await get(v.url!)).status, 200);
  await eng.stopAll();
});
