// test: the engine keeps tunnels up through connection loss on the REAL @ngrok/ngrok against the
// loopback ingress: a drop (the SDK redials), a 5 s outage (the engine rebuilds the session, where
// the SDK alone would wait ~2 minutes, and the old session never comes back), recover() on a healthy
// and on a dead (half-open) session, stops while reconnecting, and a token refused on the way back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyProtection } from '../../main/oidc/verify.js';
import type { VerifyProtection } from '../../common/types.js';
import { engineRig, get, record, sleep, spec, until } from './helpers.js';

const rig = engineRig({ token: (n) => `test-token-${n}` });
const { engine } = rig;
const idOf = (url: string) => rig.ing.binds.find((b) => b.url === url && !b.error)!.id;

test('the ingress drops every connection → reconnecting → online on the same URL', async () => {
  const eng = engine();
  const seen = record(eng);
  eng.add(spec({ name: 'drop', target: String(rig.app.port), mode: 'public' }));
  const v = await eng.start('drop');
  assert.equal(v?.state, 'online');
  const auths = rig.ing.auths.length;
  rig.ing.dropAll();
  await until(eng, 'drop', (x) => x.state === 'reconnecting', 3000);
  const back = await until(eng, 'drop', (x) => x.state === 'online', 3000);
  assert.equal(back.url, v!.url, 'same URL');
  assert.deepEqual((await get(`${back.url}/again`)).body, 'hello web /again');
  assert.equal(rig.ing.auths.length - auths, 1, 'the SDK re-authenticated once; the engine did not pile on');
  assert.equal(rig.ing.auths.at(-1)!.clientId !== '', true, 'a resumed session (ClientId of the old one)');
  assert.deepEqual(seen.get('drop')!.map((x) => x.state).slice(-2), ['reconnecting', 'online']);
  await eng.stopAll();
});

test('a 5 s outage (past the SDK\'s quick redials) → online again within 2 s of the ingress coming back', async (t) => {
  const eng = engine();
  for (const n of ['o1', 'o2']) eng.add(spec({ name: n, target: String(rig.app.port), mode: 'public' }));
  const before = await Promise.all([eng.start('o1'), eng.start('o2')]);
  const oldIds = before.map((v) => idOf(v!.url!));
  const oldSession = rig.ing.auths.at(-1)!;
  const auths = rig.ing.auths.length;
  const bindsBefore = rig.ing.binds.length;
  const outage = rig.ing.outage(5000);
  await until(eng, 'o1', (x) => x.state === 'reconnecting', 3000);
  await outage;
  const backAt = Date.now();
  const [v1, v2] = await Promise.all([until(eng, 'o1', (x) => x.state === 'online', 5000), until(eng, 'o2', (x) => x.state === 'online', 5000)]);
  const took = Date.now() - backAt;
  assert.ok(took <= 2000, `online ${took} ms after the ingress came back`);
  assert.equal((await get(`${v1.url}/one`)).body, 'hello web /one');
  assert.equal((await get(`${v2.url}/two`)).body, 'hello web /two');
  // One new session for both tunnels; the dials during the outage were refused at TCP, not Auth.
  assert.ok(rig.ing.auths.length - auths <= 2, `auths during recovery: ${rig.ing.auths.length - auths}`);
  // The old session is really gone: for a while after recovery, nothing authenticates or binds.
  const [binds, authsAfter] = [rig.ing.binds.length, rig.ing.auths.length];
  await sleep(3000);
  assert.equal(rig.ing.binds.length, binds, 'no late Binds');
  assert.equal(rig.ing.auths.length, authsAfter, 'no late Auths');
  assert.equal(rig.ing.auths.at(-1)!.clientId, '', 'a new session, not the old one resumed');
  assert.ok(!rig.ing.auths.slice(auths).some((a) => a.clientId === oldSession.sessionId), 'the old session never re-authenticated');
  assert.ok(!rig.ing.binds.slice(bindsBefore).some((b) => oldIds.includes(b.id)), 'the old tunnel ids were never re-bound');
  assert.equal(rig.ing.connections(), 1, 'one agent connection');
  t.diagnostic(`outage recovery: online ${took} ms after the ingress came back`);
  await eng.stopAll();
});

test('a session lost while idle does not make the next start wait for the SDK (~2 min)', async () => {
  const eng = engine();
  eng.add(spec({ name: 'idle', target: String(rig.app.port), mode: 'public' }));
  await eng.start('idle');
  await eng.stop('idle');
  await rig.ing.outage(4000); // the SDK fails its quick redials and sleeps ~2 minutes
  const t0 = Date.now();
  const v = await eng.start('idle');
  assert.equal(v?.state, 'online');
  assert.ok(Date.now() - t0 < 2000, `start took ${Date.now() - t0} ms`);
  assert.equal((await get(v!.url!)).status, 200);
  await eng.stopAll();
});

test('stop while the session is lost returns promptly', async () => {
  const eng = engine();
  eng.add(spec({ name: 'lost', target: String(rig.app.port), mode: 'public' }));
  await eng.start('lost');
  const outage = rig.ing.outage(3000);
  await until(eng, 'lost', (x) => x.state === 'reconnecting', 3000);
  const t0 = Date.now();
  await eng.stop('lost');
  assert.ok(Date.now() - t0 < 2000, `stop took ${Date.now() - t0} ms`);
  assert.equal(eng.get('lost')?.state, 'stopped');
  await outage;
  await eng.stopAll();
});

test('recover() on a healthy session changes nothing: no new session, no Bind, same URL, no flicker', async () => {
  const eng = engine();
  eng.add(spec({ name: 'calm', target: String(rig.app.port), mode: 'public' }));
  const v = await eng.start('calm');
  const seen = record(eng);
  const [auths, binds] = [rig.ing.auths.length, rig.ing.binds.length];
  eng.recover();
  eng.recover(); // resume and network change often come together
  await sleep(1000);
  assert.equal(rig.ing.auths.length, auths, `no new Auth: ${JSON.stringify(rig.ing.auths.slice(auths).map((a) => [a.authtoken, a.clientId]))}`);
  assert.equal(rig.ing.binds.length, binds, 'no new Bind');
  assert.deepEqual(seen.get('calm') ?? [], [], 'no state change published');
  assert.equal(eng.get('calm')?.url, v?.url);
  assert.equal((await get(v!.url!)).status, 200);
  await eng.stopAll();
});

test('recover() on a dead (half-open) session brings the tunnel back at once; the old one never re-binds', async () => {
  const eng = engine();
  eng.add(spec({ name: 'wake', target: String(rig.app.port), mode: 'public' }));
  const v = await eng.start('wake');
  const oldId = idOf(v!.url!);
  const auths = rig.ing.auths.length;
  const frozen = rig.ing.freeze(); // what a connection looks like after the laptop slept: no answers, no reset
  try {
    const t0 = Date.now();
    eng.recover();
    await until(eng, 'wake', (x) => x.state === 'reconnecting', 2500);
    const back = await until(eng, 'wake', (x) => x.state === 'online', 3000);
    const took = Date.now() - t0;
    assert.ok(took < 2500, `back ${took} ms after recover()`);
    assert.equal(rig.ing.auths.length - auths, 1, 'one fresh session');
    assert.equal(rig.ing.auths.at(-1)!.clientId, '', 'a new session, not a resumed one');
    assert.equal((await get(`${back.url}/after-wake`)).body, 'hello web /after-wake');
    // The frozen connection dies at last: its session is retired and must not redial or re-bind.
    const [a, b] = [rig.ing.auths.length, rig.ing.binds.length];
    frozen.drop();
    await sleep(2000); // the SDK would redial at once, then after 50 ms
    assert.equal(rig.ing.auths.length, a, 'no Auth from the old session');
    assert.equal(rig.ing.binds.length, b, 'no Bind from the old session');
    assert.ok(!rig.ing.binds.some((x) => x.id === oldId && x.at > t0), 'the old tunnel id never re-bound');
    assert.equal(eng.get('wake')?.state, 'online');
  } finally {
    frozen.drop();
    await eng.stopAll();
  }
});

test('stopping the only tunnel while reconnecting leaves nothing behind when the ingress returns', async () => {
  const eng = engine();
  eng.add(spec({ name: 'gone', target: String(rig.app.port), mode: 'public' }));
  const v = await eng.start('gone');
  const id = idOf(v!.url!);
  const outage = rig.ing.outage(1000); // short: the SDK's 2.5 s redial would succeed
  await until(eng, 'gone', (x) => x.state === 'reconnecting', 3000);
  await eng.stop('gone');
  const [auths, binds] = [rig.ing.auths.length, rig.ing.binds.length];
  await outage;
  await sleep(2500); // past the SDK's redial ~2.7 s after the loss
  assert.equal(rig.ing.auths.length, auths, 'no session came back');
  assert.equal(rig.ing.binds.length, binds, 'nothing re-bound');
  assert.equal(rig.ing.connections(), 0, 'no agent connection left');
  const r = await get(v!.url!).catch((err: Error) => ({ status: 0, body: err.message }));
  assert.notEqual(r.status, 200, `the stopped tunnel must not answer: ${r.body}`);
  assert.ok(!rig.ing.binds.slice(binds).some((b) => b.id === id));
  assert.equal(eng.get('gone')?.state, 'stopped');
});

test('stopping one of two tunnels while reconnecting: the SDK brings back the other only', async () => {
  const eng = engine();
  for (const n of ['keep', 'drop']) eng.add(spec({ name: n, target: String(rig.app.port), mode: 'public' }));
  const [keep, drop] = await Promise.all([eng.start('keep'), eng.start('drop')]);
  const dropId = idOf(drop!.url!);
  const outage = rig.ing.outage(1000);
  await until(eng, 'drop', (x) => x.state === 'reconnecting', 3000);
  await eng.stop('drop');
  await outage;
  const back = await until(eng, 'keep', (x) => x.state === 'online', 5000);
  assert.equal(back.url, keep!.url, 'the SDK reconnected: same URL');
  // The SDK re-binds every tunnel it knew; the stopped one is unbound right after.
  await rig.ing.waitFor(() => rig.ing.unbinds.some((u) => u.id === dropId), 3000);
  await assert.rejects(get(drop!.url!), /ECONNREFUSED/);
  assert.equal((await get(keep!.url!)).status, 200);
  assert.equal(eng.get('drop')?.state, 'stopped');
  await eng.stopAll();
});

test('a protection check that ran while reconnecting is not kept: checked again once back', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let checks = 0;
  // The real check, held until the connection is down, so it sees ngrok's "endpoint offline" page.
  const verify: VerifyProtection = async (url, spec) => {
    if (checks++ === 0) await gate;
    return verifyProtection(url, spec);
  };
  const eng = engine({ verify });
  eng.add(spec({ name: 'vv', target: String(rig.app.port), mode: 'public' }));
  await eng.start('vv');
  rig.ing.dropAll();
  await until(eng, 'vv', (x) => x.state === 'reconnecting', 3000);
  release();
  const v = await until(eng, 'vv', (x) => x.protection !== undefined, 5000);
  assert.equal(v.state, 'online');
  assert.equal(v.protection, 'open', v.protectionReason);
  assert.equal(checks, 2);
  await eng.stopAll();
});

test('authtoken refused while rebuilding → error, not a retry loop', async () => {
  const eng = engine();
  eng.add(spec({ name: 'revoked', target: String(rig.app.port), mode: 'public' }));
  await eng.start('revoked');
  const auths = rig.ing.auths.length;
  rig.ing.failAuth('ERR_NGROK_105');
  // The token was revoked while the laptop slept: on wake the session is dead and the rebuild is refused.
  const frozen = rig.ing.freeze();
  try {
    eng.recover();
    const v = await until(eng, 'revoked', (x) => x.state === 'error', 4000);
    assert.equal(v.error?.code, 'NGROK_AUTHTOKEN');
    frozen.drop();
    await sleep(2000);
    assert.equal(rig.ing.auths.length - auths, 1, 'one refused Auth, then nothing');
  } finally {
    rig.ing.failAuth(null);
    frozen.drop();
  }
  await eng.stopAll();
});

test('setSession moves running tunnels to the new session', async () => {
  const eng = engine();
  eng.add(spec({ name: 'move', target: String(rig.app.port), mode: 'public' }));
  await eng.start('move');
  const r = await eng.setSession({ authtoken: 'another-token', serverAddr: rig.ing.serverAddr, caPem: rig.ing.caPem });
  assert.ok(r.ok);
  const v = await until(eng, 'move', (x) => x.state === 'online' && rig.ing.auths.at(-1)?.authtoken === 'another-token', 3000);
  assert.equal((await get(v.url!)).status, 200);
  await eng.stopAll();
});
