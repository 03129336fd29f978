// test: the pure per-tunnel state machine — every transition, and late events ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, isActive, next, type TunnelEvent, type TunnelState } from '../../main/engine/state.js';

const err = { code: 'NGROK_AUTHTOKEN', ngrokCode: 'ERR_NGROK_105', message: 'bad token' };
const run = (s: TunnelState, ...events: TunnelEvent[]) => events.reduce(next, s);

test('stopped → starting → online → reconnecting → online → stopped', () => {
  let s = initialState(0);
  assert.equal(s.kind, 'stopped');
  s = next(s, { type: 'startRequested', at: 1 });
  assert.deepEqual(s, { kind: 'starting', run: 1, since: 1 });
  s = next(s, { type: 'opened', run: 1, at: 2, url: 'https://a.test' });
  assert.deepEqual(s, { kind: 'online', run: 1, url: 'https://a.test', since: 2 });
  s = next(s, { type: 'protectionChecked', run: 1, at: 3, protection: 'protected', reason: 'redirects' });
  s = next(s, { type: 'connectionLost', run: 1, at: 4 });
  assert.deepEqual(s, { kind: 'reconnecting', run: 1, url: 'https://a.test', protection: 'protected', protectionReason: 'redirects', since: 4 });
  s = next(s, { type: 'reconnected', run: 1, at: 5, url: 'https://a.test' });
  assert.deepEqual(s, { kind: 'online', run: 1, url: 'https://a.test', protection: 'protected', protectionReason: 'redirects', since: 5 });
  s = next(s, { type: 'stopRequested', at: 6 });
  assert.deepEqual(s, { kind: 'stopped', run: 2, since: 6 });
});

test('a reconnect onto a new URL forgets the old protection verdict', () => {
  const s = run(initialState(0), { type: 'startRequested', at: 1 }, { type: 'opened', run: 1, at: 2, url: 'u1' }, { type: 'protectionChecked', run: 1, at: 3, protection: 'open', reason: 'r' }, { type: 'connectionLost', run: 1, at: 4 }, { type: 'reconnected', run: 1, at: 5, url: 'u2' });
  assert.deepEqual(s, { kind: 'online', run: 1, url: 'u2', since: 5 });
});

test('a re-bind refused while reconnecting: still reconnecting with the reason (the first one kept), cleared once online', () => {
  const held = { code: 'NGROK_ENDPOINT_HELD', ngrokCode: 'ERR_NGROK_334', message: 'ngrok still holds d.test for the previous connection; waiting since 10:42' } as const;
  const lost = run(initialState(0), { type: 'startRequested', at: 1 }, { type: 'opened', run: 1, at: 2, url: 'u' }, { type: 'connectionLost', run: 1, at: 3 });
  const waiting = next(lost, { type: 'rebindRefused', run: 1, at: 4, error: held });
  assert.deepEqual(waiting, { kind: 'reconnecting', run: 1, url: 'u', error: held, since: 4 });
  assert.equal(next(waiting, { type: 'rebindRefused', run: 1, at: 9, error: { ...held, message: 'later' } }), waiting, 'waiting since the first refusal');
  assert.deepEqual(next(waiting, { type: 'reconnected', run: 1, at: 10, url: 'u' }), { kind: 'online', run: 1, url: 'u', since: 10 });
  // Only a reconnecting tunnel waits: online, starting or stopped ones ignore it.
  const online = run(initialState(0), { type: 'startRequested', at: 1 }, { type: 'opened', run: 1, at: 2, url: 'u' });
  assert.equal(next(online, { type: 'rebindRefused', run: 1, at: 4, error: held }), online);
});

test('starting a running tunnel is a no-op (same object)', () => {
  const s = run(initialState(0), { type: 'startRequested', at: 1 });
  assert.equal(next(s, { type: 'startRequested', at: 2 }), s);
  const online = next(s, { type: 'opened', run: 1, at: 3, url: 'u' });
  assert.equal(next(online, { type: 'startRequested', at: 4 }), online);
});

test('errors: preflight, failures; error → start again or stop', () => {
  const starting = run(initialState(0), { type: 'startRequested', at: 1 });
  const pf = next(starting, { type: 'preflightFailed', run: 1, at: 2, error: { code: 'PREFLIGHT_FAILED', message: 'discovery failed' } });
  assert.deepEqual(pf, { kind: 'error', run: 1, error: { code: 'PREFLIGHT_FAILED', message: 'discovery failed' }, since: 2 });
  const failed = next(starting, { type: 'failed', run: 1, at: 2, error: err });
  assert.equal(failed.kind, 'error');
  assert.equal(failed.error, err);
  const online = run(starting, { type: 'opened', run: 1, at: 2, url: 'u' });
  assert.equal(next(online, { type: 'failed', run: 1, at: 3, error: err }).url, undefined, 'an errored tunnel shows no dead URL');
  assert.equal(next(online, { type: 'preflightFailed', run: 1, at: 3, error: err }), online, 'preflight only matters while starting');
  assert.equal(next(failed, { type: 'startRequested', at: 3 }).kind, 'starting');
  assert.equal(next(failed, { type: 'stopRequested', at: 3 }).kind, 'stopped');
});

test('late events from an earlier run are ignored', () => {
  const stopped = run(initialState(0), { type: 'startRequested', at: 1 }, { type: 'stopRequested', at: 2 });
  assert.equal(next(stopped, { type: 'opened', run: 1, at: 3, url: 'u' }), stopped, 'a listener that arrives after stop');
  const restarted = next(stopped, { type: 'startRequested', at: 4 });
  assert.equal(restarted.run, 3);
  for (const e of [
    { type: 'opened', run: 1, at: 5, url: 'u' },
    { type: 'failed', run: 1, at: 5, error: err },
    { type: 'preflightFailed', run: 1, at: 5, error: err },
    { type: 'stopped', run: 1, at: 5 },
  ] as TunnelEvent[]) assert.equal(next(restarted, e), restarted, e.type);
  const online = next(restarted, { type: 'opened', run: 3, at: 5, url: 'u' });
  assert.equal(next(online, { type: 'protectionChecked', run: 2, at: 6, protection: 'open', reason: '' }), online);
  assert.equal(next(online, { type: 'connectionLost', run: 1, at: 6 }), online);
});

test('events that make no sense in a state leave it alone', () => {
  const s0 = initialState(0);
  for (const e of [
    { type: 'connectionLost', run: 0, at: 1 },
    { type: 'reconnected', run: 0, at: 1, url: 'u' },
    { type: 'opened', run: 0, at: 1, url: 'u' },
    { type: 'stopRequested', at: 1 },
    { type: 'protectionChecked', run: 0, at: 1, protection: 'open', reason: '' },
  ] as TunnelEvent[]) assert.equal(next(s0, e), s0, e.type);
  const starting = next(s0, { type: 'startRequested', at: 1 });
  assert.equal(next(starting, { type: 'connectionLost', run: 1, at: 2 }), starting);
  assert.equal(next(starting, { type: 'reconnected', run: 1, at: 2, url: 'u' }), starting);
  const online = next(starting, { type: 'opened', run: 1, at: 2, url: 'u' });
  assert.equal(next(online, { type: 'reconnected', run: 1, at: 3, url: 'u' }), online, 'already online on that URL');
  assert.equal(next(online, { type: 'stopped', run: 1, at: 3 }).kind, 'stopped', 'ngrok closed the listener');
  assert.ok(isActive(starting) && isActive(online) && !isActive(s0));
});
