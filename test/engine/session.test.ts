// The session machine on its own: phase × event → phase + effects, no network, no timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANCELLED, DIAL_GRACE_MS, initialSession, step, STOP_COMMANDED, type SessionEffect, type SessionEvent, type SessionState } from '../../main/engine/session.js';
import type { PortholeError } from '../../common/types.js';

const timings = { takeoverAfterMs: 3000, firstBackoffMs: 100, maxBackoffMs: 400, settleMs: 150 };
const types = (fx: SessionEffect[]) => fx.map((f) => f.type);
const refused: PortholeError = { code: 'NGROK_AUTHTOKEN', message: 'refused', ngrokCode: 'ERR_NGROK_105' };
const down: PortholeError = { code: 'NGROK_UNREACHABLE', message: 'down' };

/** Runs events from `s`, returning the last state and every effect in order. */
function run(s: SessionState, ...events: SessionEvent[]) {
  const effects: SessionEffect[] = [];
  for (const e of events) {
    const r = step(s, e);
    s = r.state;
    effects.push(...r.effects);
  }
  return { state: s, effects };
}

/** A session whose connection 1 is up. */
const up = () => run(initialSession(timings), { type: 'startWaiting' }, { type: 'dialed', connection: 1, resets: 0 }).state;
/** Connection 1 dropped at t=1000 (the SDK is redialing). */
const lost = () => run(up(), { type: 'dropped', connection: 1, at: 1000, why: 'reset by peer' }).state;

test('a first start dials once; the dial resolves the waiting starts', () => {
  const a = step(initialSession(timings), { type: 'startWaiting' });
  assert.equal(a.state.phase, 'connecting');
  assert.deepEqual(a.effects, [{ type: 'dial', connection: 1, resets: 0 }]);
  assert.deepEqual(step(a.state, { type: 'startWaiting' }).effects, [], 'a second start waits for the same dial');
  const b = step(a.state, { type: 'dialed', connection: 1, resets: 0 });
  assert.equal(b.state.phase, 'up');
  assert.equal(b.state.current, 1);
  assert.deepEqual(types(b.effects), ['log', 'resolveWaiters']);
});

test('a failed first dial fails the waiting starts, with no retry loop', () => {
  const r = run(initialSession(timings), { type: 'startWaiting' }, { type: 'dialFailed', resets: 0, error: down, fatal: false });
  assert.equal(r.state.phase, 'idle');
  assert.deepEqual(r.effects.at(-1), { type: 'rejectWaiters', error: down });
});

test('a drop is left to the SDK: tunnels reconnecting, a takeover armed; a heartbeat, quiet, then a working round trip brings them back', () => {
  const d = step(up(), { type: 'dropped', connection: 1, at: 1000, why: 'reset by peer' });
  assert.equal(d.state.phase, 'lost');
  assert.deepEqual(types(d.effects), ['disarmSettle', 'log', 'markTunnelsLost', 'armTakeover']);
  assert.deepEqual(d.effects.at(-1), { type: 'armTakeover', connection: 1, ms: 3000 });
  const again = step(d.state, { type: 'dropped', connection: 1, at: 1050, why: 'again' });
  assert.deepEqual(types(again.effects), ['disarmSettle'], 'the same loss: no second takeover');
  const beat = step(again.state, { type: 'heartbeat', connection: 1, at: 1100, latencyMs: 5, needed: true });
  assert.deepEqual(beat.effects, [{ type: 'armSettle', connection: 1, beatAt: 1100, ms: 150 }]);
  // The heartbeat only says the SDK dialed: the tunnels are back once a round trip shows it re-bound them.
  const settled = step(beat.state, { type: 'settled', connection: 1, beatAt: 1100 });
  assert.equal(settled.state.phase, 'lost');
  assert.deepEqual(settled.effects, [{ type: 'confirm', connection: 1, beatAt: 1100 }]);
  const back = step(settled.state, { type: 'confirmed', connection: 1, beatAt: 1100, alive: true });
  assert.equal(back.state.phase, 'up');
  assert.equal(back.state.lostAt, undefined);
  assert.deepEqual(types(back.effects), ['disarmTakeover', 'log', 'tunnelsBack', 'resolveWaiters']);
});

test('online means bound: a round trip that fails after the SDK dialed (a re-bind refused) leaves the tunnels reconnecting, asks again, takeover still armed', () => {
  const r = run(lost(), { type: 'heartbeat', connection: 1, at: 1100, latencyMs: 5, needed: true }, { type: 'settled', connection: 1, beatAt: 1100 });
  const no = step(r.state, { type: 'confirmed', connection: 1, beatAt: 1100, alive: false });
  assert.equal(no.state.phase, 'lost');
  assert.notEqual(no.state.lostAt, undefined);
  assert.deepEqual(no.effects, [{ type: 'armSettle', connection: 1, beatAt: 1100, ms: 150 }], 'no tunnelsBack, no disarmTakeover');
  // A confirmation that arrives after a newer drop says nothing.
  const dropped = step(no.state, { type: 'dropped', connection: 1, at: 1300, why: 'reconnect error' });
  assert.deepEqual(step(dropped.state, { type: 'confirmed', connection: 1, beatAt: 1100, alive: true }).effects, []);
});

test('a drop after the heartbeat voids the settle', () => {
  const r = run(lost(), { type: 'heartbeat', connection: 1, at: 1100, latencyMs: 5, needed: true }, { type: 'dropped', connection: 1, at: 1120, why: 'again' });
  assert.deepEqual(step(r.state, { type: 'settled', connection: 1, beatAt: 1100 }).effects, []);
});

test('the takeover rebuilds when the SDK has not come back, after a grace for a dial in flight', () => {
  const early = step(lost(), { type: 'takeoverDue', connection: 1, at: 1000 + DIAL_GRACE_MS - 1, needed: true });
  assert.deepEqual(early.effects, [{ type: 'armTakeover', connection: 1, ms: DIAL_GRACE_MS }]);
  const r = step(lost(), { type: 'takeoverDue', connection: 1, at: 4000, needed: true });
  assert.equal(r.state.phase, 'rebuilding');
  assert.equal(r.state.current, undefined);
  // A dead connection cannot answer Unbinds: it is retired without waiting, and the dial goes at once.
  assert.deepEqual(r.effects.slice(1), [
    { type: 'markTunnelsLost', connection: 1 },
    { type: 'retire', connection: 1, unbind: false, await: false },
    { type: 'redial', resets: 0 },
  ]);
});

test('a takeover while no tunnel needs the session waits for the next start, which rebuilds at once', () => {
  const idle = step(lost(), { type: 'takeoverDue', connection: 1, at: 4000, needed: false });
  assert.deepEqual(idle.effects, []);
  assert.equal(idle.state.rebuildOnNextStart, true);
  const start = step(idle.state, { type: 'startWaiting' });
  assert.equal(start.state.phase, 'rebuilding');
  assert.ok(types(start.effects).includes('redial'));
});

test('a rebuild redials with a doubling, capped backoff, then binds every tunnel again', () => {
  let r = run(lost(), { type: 'takeoverDue', connection: 1, at: 4000, needed: true }, { type: 'redialDue', resets: 0, needed: true });
  assert.deepEqual(r.effects.at(-1), { type: 'dial', connection: 2, resets: 0 });
  const waits: number[] = [];
  for (let i = 0; i < 4; i++) {
    r = run(r.state, { type: 'dialFailed', resets: 0, error: down, fatal: false });
    const wait = r.effects.find((f) => f.type === 'redialIn') as Extract<SessionEffect, { type: 'redialIn' }>;
    waits.push(wait.ms);
    r = run(r.state, { type: 'redialDue', resets: 0, needed: true });
  }
  assert.deepEqual(waits, [100, 200, 400, 400]);
  const last = r.effects.at(-1) as Extract<SessionEffect, { type: 'dial' }>;
  const done = step(r.state, { type: 'dialed', connection: last.connection, resets: 0 });
  assert.equal(done.state.phase, 'up');
  assert.deepEqual(types(done.effects), ['log', 'rebindTunnels', 'resolveWaiters']);
});

test('a refused authtoken ends the rebuild: running tunnels and waiting starts fail with it', () => {
  const r = run(lost(), { type: 'takeoverDue', connection: 1, at: 4000, needed: true }, { type: 'redialDue', resets: 0, needed: true }, { type: 'dialFailed', resets: 0, error: refused, fatal: true });
  assert.equal(r.state.phase, 'idle');
  assert.deepEqual(r.effects.slice(-2), [{ type: 'failRunningTunnels', error: refused }, { type: 'rejectWaiters', error: refused }]);
});

test('a rebuild nobody needs any more stops dialing and releases the waiting starts', () => {
  const r = run(lost(), { type: 'takeoverDue', connection: 1, at: 4000, needed: true }, { type: 'redialDue', resets: 0, needed: false });
  assert.equal(r.state.phase, 'idle');
  assert.deepEqual(r.effects.at(-1), { type: 'rejectWaiters', error: CANCELLED });
});

test('a missing heartbeat answer on a live connection rebuilds at once (the SDK would not redial)', () => {
  const r = step(up(), { type: 'heartbeat', connection: 1, at: 2000, latencyMs: null, needed: true });
  assert.equal(r.state.phase, 'rebuilding');
  assert.deepEqual(types(r.effects), ['log', 'markTunnelsLost', 'log', 'markTunnelsLost', 'retire', 'redial']);
  assert.deepEqual(step(up(), { type: 'heartbeat', connection: 1, at: 2000, latencyMs: null, needed: false }).effects, []);
});

test('recover(): probes a connection that looks up; rebuilds one that does not answer; cuts a backoff short', () => {
  const p = step(up(), { type: 'recoverRequested' });
  assert.deepEqual(p.effects, [{ type: 'probe', connection: 1 }]);
  assert.deepEqual(step(p.state, { type: 'recoverRequested' }).effects, [], 'one probe at a time');
  const alive = step(p.state, { type: 'probed', connection: 1, at: 2000, alive: true });
  assert.equal(alive.state.phase, 'up');
  assert.equal(alive.state.probing, false);
  const dead = step(p.state, { type: 'probed', connection: 1, at: 2000, alive: false });
  assert.equal(dead.state.phase, 'lost');
  assert.deepEqual(dead.effects.at(-1), { type: 'armTakeover', connection: 1, ms: 0 });
  assert.deepEqual(step(lost(), { type: 'recoverRequested' }).effects, [{ type: 'armTakeover', connection: 1, ms: 0 }]);
  const rebuilding = run(lost(), { type: 'takeoverDue', connection: 1, at: 4000, needed: true }).state;
  assert.deepEqual(step(rebuilding, { type: 'recoverRequested' }).effects, [{ type: 'redialNow' }]);
});

test('a reset abandons the dial under way: its connection is retired when it lands', () => {
  const dialing = step(initialSession(timings), { type: 'startWaiting' }).state;
  const reset = step(dialing, { type: 'reset' });
  assert.equal(reset.state.phase, 'idle');
  assert.deepEqual(step(reset.state, { type: 'dialed', connection: 1, resets: 0 }).effects, [{ type: 'retire', connection: 1, unbind: false, await: false }]);
  assert.deepEqual(step(reset.state, { type: 'dialFailed', resets: 0, error: down, fatal: false }).effects, []);
});

test('events about a connection that is no longer current change nothing', () => {
  const s = run(up(), { type: 'reset' }, { type: 'startWaiting' }, { type: 'dialed', connection: 2, resets: 1 }).state;
  for (const e of [
    { type: 'dropped', connection: 1, at: 1, why: 'x' },
    { type: 'takeoverDue', connection: 1, at: 1, needed: true },
    { type: 'heartbeat', connection: 1, at: 1, latencyMs: null, needed: true },
    { type: 'settled', connection: 1, beatAt: 1 },
    { type: 'probed', connection: 1, at: 1, alive: false },
    { type: 'stopCommanded', connection: 1 },
  ] satisfies SessionEvent[]) {
    const r = step(s, e);
    assert.equal(r.state, s, e.type);
    assert.deepEqual(r.effects, [], e.type);
  }
});

test("ngrok's stop command fails the connection's tunnels and ends it", () => {
  const r = step(up(), { type: 'stopCommanded', connection: 1 });
  assert.equal(r.state.phase, 'idle');
  assert.deepEqual(r.effects, [{ type: 'failTunnelsOn', connection: 1, error: STOP_COMMANDED }, { type: 'retire', connection: 1, unbind: false, await: false }]);
});

test('the last tunnel stopped while the connection is down ends it (reconnect loop and all)', () => {
  const r = step(lost(), { type: 'lastTunnelStoppedWhileLost', connection: 1 });
  assert.equal(r.state.phase, 'idle');
  assert.deepEqual(types(r.effects), ['log', 'retire']);
});
