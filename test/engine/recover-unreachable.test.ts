// test: recover() (wake, network change) restarts the tunnels whose start failed because ngrok was
// unreachable, on the REAL @ngrok/ngrok against the loopback ingress; it leaves alone tunnels that
// failed for another reason and tunnels the user stopped. Nothing restarts them before recover().
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startIngress, type Ingress } from '../support/ingress/index.js';
import { createEngine, type Engine } from '../../main/engine/engine.js';
import { get, sleep, spec, startApp, until, type LocalApp } from './helpers.js';

let ing: Ingress;
let app: LocalApp;
const engines: Engine[] = [];

before(async () => {
  ing = await startIngress();
  app = await startApp('web');
});
afterEach(async () => {
  ing.failBind(null);
  await Promise.all(engines.splice(0).map((e) => e.stopAll()));
});
after(async () => {
  await ing.close();
  await app.close();
});

let n = 0;
function engine(): Engine {
  const e = createEngine({ session: { authtoken: `unreachable-token-${++n}`, serverAddr: ing.serverAddr, caPem: ing.caPem } });
  engines.push(e);
  return e;
}

test('ngrok unreachable at start → NGROK_UNREACHABLE; once it is back, recover() brings the tunnel online', async () => {
  const eng = engine();
  eng.add(spec({ name: 'wake', target: String(app.port), mode: 'public' }));
  const outage = ing.outage(1500); // the listener is closed: dials are refused at TCP
  const failed = await eng.start('wake');
  assert.equal(failed?.state, 'error', JSON.stringify(failed));
  assert.equal(failed?.error?.code, 'NGROK_UNREACHABLE', JSON.stringify(failed?.error));
  await outage;

  // Back up, but nothing has told the engine: the tunnel stays in error (no hidden retry loop).
  const auths = ing.auths.length;
  await sleep(500);
  assert.equal(eng.get('wake')?.state, 'error');
  assert.equal(ing.auths.length, auths, 'no dial before recover()');

  eng.recover();
  const v = await until(eng, 'wake', (x) => x.state === 'online', 5000);
  assert.equal(v.error, undefined);
  assert.equal((await get(`${v.url}/up`)).body, 'hello web /up');
});

test('recover() restarts only the unreachable failures: not a refused Bind, not a stopped tunnel', async () => {
  const eng = engine();
  for (const name of ['down', 'refused', 'idle']) eng.add(spec({ name, target: String(app.port), mode: 'public' }));
  const outage = ing.outage(1000);
  assert.equal((await eng.start('down'))?.error?.code, 'NGROK_UNREACHABLE');
  await outage;
  // ngrok is reachable again and refuses this one: a failure recover() must not retry.
  ing.failBind(() => true, 'ERR_NGROK_324');
  const refused = await eng.start('refused');
  ing.failBind(null);
  assert.equal(refused?.state, 'error');
  assert.notEqual(refused?.error?.code, 'NGROK_UNREACHABLE', JSON.stringify(refused?.error));

  const binds = ing.binds.length;
  eng.recover();
  await until(eng, 'down', (x) => x.state === 'online', 5000);
  await sleep(500);
  assert.equal(eng.get('refused')?.state, 'error', 'a refused Bind is not retried by recover()');
  assert.equal(eng.get('idle')?.state, 'stopped', 'a stopped tunnel is not started by recover()');
  assert.equal(ing.binds.length - binds, 1, 'one Bind: the unreachable tunnel only');
});
