// test: "online means bound" on the REAL @ngrok/ngrok against the loopback ingress, which holds a dropped
// connection's reserved domains as ngrok does: after a drop or a sleep the tunnel stays reconnecting,
// with the reason, while ngrok refuses the re-bind (ERR_NGROK_334), never gives up, and is online within
// 5 s of ngrok letting go; a pooled domain does not wait at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockTime } from '../../common/errors.js';
import { engineRig, get, record, sleep, spec, until } from './helpers.js';

const rig = engineRig({ token: (n) => `held-token-${n}`, reset: (ing) => ing.holdDomains(0) });
const { engine } = rig;

const HELD = /^ngrok still holds ([a-z0-9.-]+) for the previous connection; waiting since (\d\d:\d\d)$/;


test('a drop while ngrok holds the domain: reconnecting with the reason, never online while refused, online within 5 s of the release', async (t) => {
  const eng = engine();
  const seen = record(eng);
  eng.add(spec({ name: 'held', target: String(rig.app.port), mode: 'public', domain: 'held.ngrok.test' }));
  const v = await eng.start('held');
  assert.equal(v?.state, 'online');
  rig.ing.holdDomains(6000);
  const seenBefore = seen.get('held')!.length;
  rig.ing.dropAll();
  const dropAt = Date.now();
  const releaseAt = rig.ing.heldDomains().find((h) => h.domain === 'held.ngrok.test')?.until;
  assert.ok(releaseAt, 'the ingress holds the domain for the dropped connection');

  const waiting = await until(eng, 'held', (x) => x.state === 'reconnecting' && !!x.error, 8000);
  assert.equal(waiting.error?.code, 'NGROK_ENDPOINT_HELD');
  assert.equal(waiting.error?.ngrokCode, 'ERR_NGROK_334');
  const m = HELD.exec(waiting.error!.message);
  assert.ok(m, `the reason: ${waiting.error!.message}`);
  assert.equal(m[1], 'held.ngrok.test');
  assert.equal(m[2], clockTime(waiting.since));
  assert.equal(waiting.url, v!.url, 'the URL it will come back on');

  const back = await until(eng, 'held', (x) => x.state === 'online', 15_000);
  const after = seen.get('held')!.slice(seenBefore);
  const onlineAt = after.find((x) => x.state === 'online')!.since;
  const states = after.map((x) => x.state).filter((s, i, all) => s !== all[i - 1]);
  // Never online while the bind was refused: the only online after the drop comes after the release,
  // and after a Bind of the domain that ngrok accepted.
  assert.deepEqual(states, ['reconnecting', 'online']);
  assert.ok(onlineAt >= releaseAt, `online ${releaseAt - onlineAt} ms before the release`);
  const accepted = rig.ing.binds.filter((b) => b.domain === 'held.ngrok.test' && b.at >= dropAt && !b.error);
  assert.equal(accepted.length, 1);
  assert.ok(accepted[0]!.at <= onlineAt && accepted[0]!.at >= releaseAt);
  assert.ok(rig.ing.binds.some((b) => b.domain === 'held.ngrok.test' && b.at >= dropAt && b.error === 'ERR_NGROK_334'), 'ngrok refused re-binds meanwhile');
  assert.ok(onlineAt - releaseAt <= 5000, `online ${onlineAt - releaseAt} ms after the release`);
  assert.equal(back.url, v!.url, 'same URL');
  assert.equal(back.error, undefined, 'online carries no reason');
  assert.equal((await get(`${back.url}/after`)).body, 'hello web /after');
  t.diagnostic(`held domain: online ${onlineAt - releaseAt} ms after ngrok let go (${onlineAt - dropAt} ms after the drop)`);
});

test('ERR_NGROK_334 while recovering is never given up: 40+ refusals, then online', async () => {
  const eng = engine({ recovery: { heldRetryFirstMs: 50, heldRetryMaxMs: 50 } });
  eng.add(spec({ name: 'patient', target: String(rig.app.port), mode: 'public', domain: 'patient.ngrok.test' }));
  const v = await eng.start('patient');
  rig.ing.holdDomains(6000);
  rig.ing.dropAll();
  const dropAt = Date.now();
  await until(eng, 'patient', (x) => x.state === 'reconnecting', 2000);
  const back = await until(eng, 'patient', (x) => x.state === 'online', 15_000);
  const refused = rig.ing.binds.filter((b) => b.domain === 'patient.ngrok.test' && b.at >= dropAt && b.error === 'ERR_NGROK_334').length;
  assert.ok(refused > 40, `refusals before the release: ${refused}`);
  assert.equal(back.url, v!.url);
  assert.equal((await get(`${back.url}/patient`)).body, 'hello web /patient');
});

test('a pooled reserved domain after a drop: back within 2 s, while ngrok still holds the old connection', async (t) => {
  const eng = engine();
  eng.add(spec({ name: 'pooled', target: String(rig.app.port), mode: 'public', domain: 'pooled.ngrok.test', pool: true }));
  const v = await eng.start('pooled');
  assert.equal(v?.pooled, true);
  rig.ing.holdDomains(10_000);
  rig.ing.dropAll();
  const dropAt = Date.now();
  await until(eng, 'pooled', (x) => x.state === 'reconnecting', 2000);
  const back = await until(eng, 'pooled', (x) => x.state === 'online', 2000);
  const took = Date.now() - dropAt;
  assert.ok(took <= 2000, `back ${took} ms after the drop`);
  const rebound = rig.ing.binds.filter((b) => b.domain === 'pooled.ngrok.test' && b.at >= dropAt);
  assert.ok(rebound.length >= 1 && rebound.every((b) => !b.error && b.pooled), 'the pooled re-bind was accepted while ngrok held the old connection');
  assert.equal(back.url, v!.url);
  assert.equal((await get(`${back.url}/pooled`)).body, 'hello web /pooled');
  t.diagnostic(`pooled domain: back ${took} ms after the drop`);
});

test('a sleep (clock jump, dead connection) on a reserved domain: waiting with the woken clock, online within 5 s of the release', async (t) => {
  let jump = 0;
  const eng = engine({ now: () => Date.now() + jump });
  eng.add(spec({ name: 'sleepy', target: String(rig.app.port), mode: 'public', domain: 'sleepy.ngrok.test' }));
  const v = await eng.start('sleepy');
  // The laptop sleeps: its connection goes silent (no answers, no reset) and its clock jumps on wake.
  const frozen = rig.ing.freeze();
  try {
    jump = 3 * 3600_000;
    eng.recover(); // the wake
    const waiting = await until(eng, 'sleepy', (x) => x.state === 'reconnecting' && !!x.error, 8000);
    const m = HELD.exec(waiting.error!.message);
    assert.ok(m, `the reason: ${waiting.error?.message}`);
    assert.equal(m[2], clockTime(Date.now() + jump), 'waiting since the woken clock’s time');
    await sleep(1000);
    assert.equal(eng.get('sleepy')?.state, 'reconnecting', 'still waiting while ngrok holds the domain');
    // ngrok notices the dead agent at last, and keeps its domain a little longer.
    rig.ing.holdDomains(2000);
    frozen.drop();
    const releaseAt = Date.now() + 2000;
    const back = await until(eng, 'sleepy', (x) => x.state === 'online', 10_000);
    const took = Date.now() - releaseAt;
    assert.ok(took <= 5000, `online ${took} ms after the release`);
    assert.equal(back.url, v!.url);
    assert.equal((await get(`${back.url}/woke`)).body, 'hello web /woke');
    t.diagnostic(`sleep on a held domain: online ${took} ms after the release`);
  } finally {
    frozen.drop();
  }
});
