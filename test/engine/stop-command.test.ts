// test: ngrok's server-sent Stop command (dashboard / API "stop agent") on the REAL @ngrok/ngrok
// through the engine: every tunnel of that agent ends in an error that says ngrok stopped it, nothing
// comes back by itself (not even when the ingress then ends the connection), and a start works again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineRig, get, record, sleep, spec, until } from './helpers.js';

const rig = engineRig({ token: (n) => `stop-token-${n}` });
const { engine } = rig;

test('Stop from ngrok → every tunnel errors saying ngrok stopped it; nothing reconnects; start works again', async () => {
  // A short takeover delay, so the quiet wait below covers the engine's rebuild as well as the SDK's redial.
  const eng = engine({ recovery: { takeoverAfterMs: 500 } });
  const seen = record(eng);
  for (const name of ['s1', 's2']) eng.add(spec({ name, target: String(rig.app.port), mode: 'public' }));
  const started = await Promise.all([eng.start('s1'), eng.start('s2')]);
  assert.deepEqual(started.map((v) => v?.state), ['online', 'online']);
  assert.equal(rig.ing.connections(), 1, 'one agent connection for both tunnels');

  const answers = await rig.ing.sendStop();
  assert.deepEqual(answers, [{}], 'the agent ran its Stop handler (no "has not defined a callback" error)');
  const stopped = await Promise.all(['s1', 's2'].map((name) => until(eng, name, (v) => v.state === 'error', 3000)));
  for (const v of stopped) {
    assert.ok(v.error, `${v.name} carries an error`);
    assert.match(v.error.message, /ngrok/i);
    assert.match(v.error.message, /stop/i);
    assert.match(v.error.message, /dashboard|API/);
    assert.ok(v.error.code.length > 0, 'a code');
    assert.ok(v.error.fix && v.error.fix.length > 0, 'a fix');
    assert.equal(v.url, undefined, 'no URL shown for a stopped tunnel');
  }

  // Nothing comes back by itself: not while the connection lingers, nor once the ingress ends it
  // (the SDK would redial a dropped connection unless the engine refused).
  const [auths, binds] = [rig.ing.auths.length, rig.ing.binds.length];
  await sleep(500);
  rig.ing.dropAll();
  await sleep(1500);
  assert.equal(rig.ing.auths.length, auths, 'no Auth after Stop');
  assert.equal(rig.ing.binds.length, binds, 'no Bind after Stop');
  assert.equal(rig.ing.connections(), 0, 'no agent connection after Stop');
  for (const name of ['s1', 's2']) {
    assert.equal(eng.get(name)?.state, 'error', `${name} stays stopped`);
    const after = seen.get(name)!.slice(seen.get(name)!.findIndex((v) => v.state === 'error'));
    assert.deepEqual([...new Set(after.map((v) => v.state))], ['error'], `${name}: no flicker back after Stop`);
  }

  // Starting again works, on a new session.
  const again = await eng.start('s1');
  assert.equal(again?.state, 'online', JSON.stringify(again));
  assert.equal(again?.error, undefined);
  assert.equal(rig.ing.auths.length, auths + 1, 'a new session');
  assert.equal(rig.ing.auths.at(-1)!.clientId, '', 'a fresh session, not a resumed one');
  assert.equal((await get(`${again!.url}/back`)).body, 'hello web /back');
  assert.equal(eng.get('s2')?.state, 'error', 's2 stays stopped until started');
});

test("Stop for one agent session leaves another agent's tunnels online", async () => {
  const [stopped, other] = [engine(), engine()];
  stopped.add(spec({ name: 'mine', target: String(rig.app.port), mode: 'public' }));
  other.add(spec({ name: 'theirs', target: String(rig.app.port), mode: 'public' }));
  assert.equal((await stopped.start('mine'))?.state, 'online');
  const session = rig.ing.auths.at(-1)!.sessionId;
  const theirs = await other.start('theirs');
  assert.equal(theirs?.state, 'online');

  assert.deepEqual(await rig.ing.sendStop({ sessionId: session }), [{}]);
  const v = await until(stopped, 'mine', (x) => x.state === 'error', 3000);
  assert.match(v.error!.message, /stop/i);
  await sleep(500);
  assert.equal(other.get('theirs')?.state, 'online', 'the other agent is not stopped');
  assert.equal((await get(`${theirs!.url}/still`)).body, 'hello web /still');
});
