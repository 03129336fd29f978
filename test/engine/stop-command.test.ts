// test: ngrok's server-sent Stop command (dashboard / API "stop agent") on the REAL @ngrok/ngrok
// through the engine: every tunnel of that agent ends in an error that says ngrok stopped it, nothing
// comes back by itself (not even when the ingress then ends the connection), and a start works again.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import { get, record, sleep, spec, startApp, until, type LocalApp } from './helpers.js';

let ing: Ingress;
let app: LocalApp;
const engines: Engine[] = [];

before(async () => {
  ing = await startIngress();
  app = await startApp('web');
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stopAll()));
});
after(async () => {
  await ing.close();
  await app.close();
});

let n = 0;
function engine(): Engine {
  const e = createEngine({ session: { authtoken: `stop-token-${++n}`, serverAddr: ing.serverAddr, caPem: ing.caPem } });
  engines.push(e);
  return e;
}

test('Stop from ngrok → every tunnel errors saying ngrok stopped it; nothing reconnects; start works again', async () => {
  const eng = engine();
  const seen = record(eng);
  for (const name of ['s1', 's2']) eng.add(spec({ name, target: String(app.port), mode: 'public' }));
  const started = await Promise.all([eng.start('s1'), eng.start('s2')]);
  assert.deepEqual(started.map((v) => v?.state), ['online', 'online']);
  assert.equal(ing.connections(), 1, 'one agent connection for both tunnels');

  const answers = await ing.sendStop();
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
  const [auths, binds] = [ing.auths.length, ing.binds.length];
  await sleep(1000);
  ing.dropAll();
  await sleep(3000);
  assert.equal(ing.auths.length, auths, 'no Auth after Stop');
  assert.equal(ing.binds.length, binds, 'no Bind after Stop');
  assert.equal(ing.connections(), 0, 'no agent connection after Stop');
  for (const name of ['s1', 's2']) {
    assert.equal(eng.get(name)?.state, 'error', `${name} stays stopped`);
    const after = seen.get(name)!.slice(seen.get(name)!.findIndex((v) => v.state === 'error'));
    assert.deepEqual([...new Set(after.map((v) => v.state))], ['error'], `${name}: no flicker back after Stop`);
  }

  // Starting again works, on a new session.
  const again = await eng.start('s1');
  assert.equal(again?.state, 'online', JSON.stringify(again));
  assert.equal(again?.error, undefined);
  assert.equal(ing.auths.length, auths + 1, 'a new session');
  assert.equal(ing.auths.at(-1)!.clientId, '', 'a fresh session, not a resumed one');
  assert.equal((await get(`${again!.url}/back`)).body, 'hello web /back');
  assert.equal(eng.get('s2')?.state, 'error', 's2 stays stopped until started');
});

test("Stop for one agent session leaves another agent's tunnels online", async () => {
  const [stopped, other] = [engine(), engine()];
  stopped.add(spec({ name: 'mine', target: String(app.port), mode: 'public' }));
  other.add(spec({ name: 'theirs', target: String(app.port), mode: 'public' }));
  assert.equal((await stopped.start('mine'))?.state, 'online');
  const session = ing.auths.at(-1)!.sessionId;
  const theirs = await other.start('theirs');
  assert.equal(theirs?.state, 'online');

  assert.deepEqual(await ing.sendStop({ sessionId: session }), [{}]);
  const v = await until(stopped, 'mine', (x) => x.state === 'error', 3000);
  assert.match(v.error!.message, /stop/i);
  await sleep(500);
  assert.equal(other.get('theirs')?.state, 'online', 'the other agent is not stopped');
  assert.equal((await get(`${theirs!.url}/still`)).body, 'hello web /still');
});
