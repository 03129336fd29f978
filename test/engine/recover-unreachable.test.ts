// test: recover() (wake, network change) restarts the tunnels whose start failed because ngrok was
// unreachable, on the REAL @ngrok/ngrok against the loopback ingress; it leaves alone tunnels that
// failed for another reason and tunnels the user stopped. Nothing restarts them before recover().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineRig, get, sleep, spec, until } from './helpers.js';

const rig = engineRig({ token: (n) => `unreachable-token-${n}`, reset: (ing) => ing.failBind(null) });
const { engine } = rig;

test('ngrok unreachable at start → NGROK_UNREACHABLE; once it is back, recover() brings the tunnel online', async () => {
  const eng = engine();
  eng.add(spec({ name: 'wake', target: String(rig.app.port), mode: 'public' }));
  const outage = rig.ing.outage(1500); // the listener is closed: dials are refused at TCP
  const failed = await eng.start('wake');
  assert.equal(failed?.state, 'error', JSON.stringify(failed));
  assert.equal(failed?.error?.code, 'NGROK_UNREACHABLE', JSON.stringify(failed?.error));
  await outage;

  // Back up, but nothing has told the engine: the tunnel stays in error (no hidden retry loop).
  const auths = rig.ing.auths.length;
  await sleep(500);
  assert.equal(eng.get('wake')?.state, 'error');
  assert.equal(rig.ing.auths.length, auths, 'no dial before recover()');

  eng.recover();
  const v = await until(eng, 'wake', (x) => x.state === 'online', 5000);
  assert.equal(v.error, undefined);
  assert.equal((await get(`${v.url}/up`)).body, 'hello web /up');
});

test('recover() restarts only the unreachable failures: not a refused Bind, not a stopped tunnel', async () => {
  const eng = engine();
  for (const name of ['down', 'refused', 'idle']) eng.add(spec({ name, target: String(rig.app.port), mode: 'public' }));
  const outage = rig.ing.outage(1000);
  assert.equal((await eng.start('down'))?.error?.code, 'NGROK_UNREACHABLE');
  await outage;
  // ngrok is reachable again and refuses this one: a failure recover() must not retry.
  rig.ing.failBind(() => true, 'ERR_NGROK_324');
  const refused = await eng.start('refused');
  rig.ing.failBind(null);
  assert.equal(refused?.state, 'error');
  assert.notEqual(refused?.error?.code, 'NGROK_UNREACHABLE', JSON.stringify(refused?.error));

  const binds = rig.ing.binds.length;
  eng.recover();
  await until(eng, 'down', (x) => x.state === 'online', 5000);
  await sleep(500);
  assert.equal(eng.get('refused')?.state, 'error', 'a refused Bind is not retried by recover()');
  assert.equal(eng.get('idle')?.state, 'stopped', 'a stopped tunnel is not started by recover()');
  assert.equal(rig.ing.binds.length - binds, 1, 'one Bind: the unreachable tunnel only');
});
