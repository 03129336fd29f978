// pure: the ngrok agent session's lifecycle as a state machine, step(state, event) → state + effects.
// state.ts does the same for one tunnel; this one decides when the session is dialed, declared lost,
// left to the SDK, taken over and rebuilt. The runner (session-runner.ts) owns the connections, the
// timers and the waiting starts, feeds facts in as events and carries the effects out, in order.
//
// Recovery, in short (docs/ngrok-agent-protocol.md §8): after a drop the SDK redials at once, again after
// 50 ms, then only after 2.5 s, 125 s, 104 min. A quick drop is left to the SDK (it re-binds the same
// tunnel ids, so URLs stay). Its first heartbeat only says it dialed: the re-binds come after, and ngrok
// may refuse them (ERR_NGROK_334 while it still holds a domain for the dead connection), after which the
// SDK drops that connection and sleeps. So the tunnels count as back only once a round trip through
// the session works, which it does only after the SDK has re-bound every tunnel (online means bound).
// If that has not happened `takeoverAfterMs` after the loss, the SDK
// is in its long sleep: the connection is retired (which also ends its reconnect loop, so it can never
// re-bind stale tunnels later), a new one is dialed with a backoff capped at `maxBackoffMs`, and every
// tunnel is bound again there. recover() (wake, network change) first asks the connection for one round
// trip: one that answers is left alone (its URLs stay); one that does not is replaced at once.
import type { PortholeError } from '../../common/types.js';

/** idle: no connection · connecting: the first dial · up · lost: the SDK is redialing · rebuilding: we are. */
type SessionPhase = 'idle' | 'connecting' | 'up' | 'lost' | 'rebuilding';

export interface SessionTimings {
  /** How long the SDK may try on its own after a loss before the session is rebuilt. */
  takeoverAfterMs: number;
  /** First delay between our own dials; it doubles up to maxBackoffMs. */
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** Quiet time after the SDK's reconnect (its first heartbeat) before tunnels count as online again. */
  settleMs: number;
}

export interface SessionState {
  readonly timings: SessionTimings;
  phase: SessionPhase;
  /** The connection in use (set in `up` and `lost` only). */
  current?: number;
  /** The last connection number handed out by a dial. */
  lastConnection: number;
  /** Bumped by a reset (stopAll, new session settings): a dial begun before it is abandoned. */
  resets: number;
  /** When the current connection was lost (the first drop of this loss). */
  lostAt?: number;
  /** When the SDK last reported a drop of the current connection. */
  lastDropAt: number;
  /** The takeover came due while no tunnel needed the session: the next start rebuilds at once. */
  rebuildOnNextStart: boolean;
  /** recover()'s round trip on the current connection is under way. */
  probing: boolean;
  /** The wait before the rebuild's next dial. */
  backoffMs: number;
}

/** Facts, past tense. `needed` is whether any tunnel wants a session right now. */
export type SessionEvent =
  | { type: 'startWaiting' }
  | { type: 'dialed'; connection: number; resets: number }
  | { type: 'dialFailed'; resets: number; error: PortholeError; fatal: boolean }
  | { type: 'redialDue'; resets: number; needed: boolean }
  | { type: 'dropped'; connection: number; at: number; why: string }
  | { type: 'takeoverDue'; connection: number; at: number; needed: boolean }
  | { type: 'heartbeat'; connection: number; at: number; latencyMs: number | null; needed: boolean }
  | { type: 'settled'; connection: number; beatAt: number }
  | { type: 'recoverRequested' }
  | { type: 'probed'; connection: number; at: number; alive: boolean }
  /** The round trip after a settle: alive only once the SDK has re-bound every tunnel. */
  | { type: 'confirmed'; connection: number; beatAt: number; alive: boolean }
  | { type: 'stopCommanded'; connection: number }
  | { type: 'lastTunnelStoppedWhileLost'; connection: number }
  | { type: 'noTunnelNeedsIt' }
  | { type: 'rebuildRequested'; reason: string }
  | { type: 'reset' };

/** What the runner must do, in this order. Timers report back with the matching event. */
export type SessionEffect =
  | { type: 'dial'; connection: number; resets: number }
  | { type: 'redialIn'; ms: number; resets: number }
  /** Cut the rebuild's backoff short (or, after a reset, end its loop). */
  | { type: 'redialNow' }
  /** Report `redialDue` now, after the effects before it (an awaited retire) are done. */
  | { type: 'redial'; resets: number }
  /** End a connection and its reconnect loop; with `unbind`, close its listeners first. `await`: later effects wait for it. */
  | { type: 'retire'; connection: number; unbind: boolean; await: boolean }
  | { type: 'armTakeover'; connection: number; ms: number }
  | { type: 'disarmTakeover'; connection: number }
  | { type: 'armSettle'; connection: number; beatAt: number; ms: number }
  | { type: 'disarmSettle'; connection: number }
  | { type: 'probe'; connection: number }
  /** One round trip to learn whether the SDK's reconnect finished (its re-binds included); reports `confirmed`. */
  | { type: 'confirm'; connection: number; beatAt: number }
  | { type: 'markTunnelsLost'; connection: number }
  /** The SDK re-bound the same tunnels: they are online again; close what was stopped meanwhile. */
  | { type: 'tunnelsBack'; connection: number }
  /** Bind every reconnecting tunnel again on a rebuilt connection. */
  | { type: 'rebindTunnels'; connection: number }
  | { type: 'failTunnelsOn'; connection: number; error: PortholeError }
  /** Fail every online or reconnecting tunnel (starts waiting for the session get `rejectWaiters`). */
  | { type: 'failRunningTunnels'; error: PortholeError }
  | { type: 'resolveWaiters'; connection: number }
  | { type: 'rejectWaiters'; error: PortholeError }
  | { type: 'log'; line: string };

interface Step {
  state: SessionState;
  effects: SessionEffect[];
}

export const CANCELLED: PortholeError = { code: 'CANCELLED', message: 'Stopped before the session was ready.' };
export const STOP_COMMANDED: PortholeError = { code: 'NGROK_FAILED', message: 'ngrok asked this agent to stop (dashboard or API).', fix: 'Start the tunnel again when you want it back.' };
/** An SDK dial may be in flight this soon after a drop: the takeover waits rather than race it. */
export const DIAL_GRACE_MS = 300;

export function initialSession(timings: SessionTimings): SessionState {
  return { timings, phase: 'idle', lastConnection: 0, resets: 0, lastDropAt: 0, rebuildOnNextStart: false, probing: false, backoffMs: timings.firstBackoffMs };
}

const same = (state: SessionState): Step => ({ state, effects: [] });

/** The next state and what to do; the same state and no effects when the event changes nothing. */
export function step(s: SessionState, e: SessionEvent): Step {
  switch (e.type) {
    case 'startWaiting':
      if (s.phase === 'idle') return dial({ ...s, phase: 'connecting' }, []);
      // Lost long ago while idle: the SDK is in its long sleep, do not wait for it.
      if (s.phase === 'lost' && s.rebuildOnNextStart) return rebuild(s, 'a start while the session is lost');
      return same(s);
    case 'dialed':
      return dialed(s, e.connection, e.resets);
    case 'dialFailed':
      return dialFailed(s, e);
    case 'redialDue':
      if (e.resets !== s.resets || s.phase !== 'rebuilding') return same(s);
      if (!e.needed) return { state: { ...s, phase: 'idle' }, effects: [{ type: 'rejectWaiters', error: CANCELLED }] };
      return dial(s, []);
    case 'dropped':
      return dropped(s, e.connection, e.at, e.why);
    case 'takeoverDue':
      return takeoverDue(s, e);
    case 'heartbeat':
      return heartbeat(s, e);
    case 'settled':
      return settled(s, e.connection, e.beatAt);
    case 'confirmed':
      return confirmed(s, e.connection, e.beatAt, e.alive);
    case 'recoverRequested':
      return recoverRequested(s);
    case 'probed':
      return probed(s, e.connection, e.at, e.alive);
    case 'stopCommanded':
      if (e.connection !== s.current) return same(s);
      return idleWithout(s, [{ type: 'failTunnelsOn', connection: e.connection, error: STOP_COMMANDED }]);
    case 'lastTunnelStoppedWhileLost':
      if (e.connection !== s.current) return same(s);
      // Nothing else needs this session: end it, reconnect loop and all; the next start dials afresh.
      return idleWithout(s, [{ type: 'log', line: `session ${e.connection} closed: its last tunnel stopped while the connection was down` }]);
    case 'noTunnelNeedsIt':
      // Release the starts still waiting (a slow dial, a lost session), and a rebuild's backoff.
      return { state: s, effects: [{ type: 'rejectWaiters', error: CANCELLED }, { type: 'redialNow' }] };
    case 'rebuildRequested':
      return rebuild(s, e.reason);
    case 'reset':
      // The runner retires the old connection itself (when and how depends on why it reset).
      return { state: { ...s, phase: 'idle', current: undefined, lostAt: undefined, resets: s.resets + 1 }, effects: [{ type: 'redialNow' }] };
  }
}

function dial(s: SessionState, effects: SessionEffect[]): Step {
  const connection = s.lastConnection + 1;
  return { state: { ...s, lastConnection: connection }, effects: [...effects, { type: 'dial', connection, resets: s.resets }] };
}

function dialed(s: SessionState, connection: number, resets: number): Step {
  if (resets !== s.resets || (s.phase !== 'connecting' && s.phase !== 'rebuilding')) {
    return { state: s, effects: [{ type: 'retire', connection, unbind: false, await: false }] };
  }
  const rebuilt = s.phase === 'rebuilding';
  const state: SessionState = { ...s, phase: 'up', current: connection, lostAt: undefined, lastDropAt: 0, rebuildOnNextStart: false, probing: false };
  const effects: SessionEffect[] = [{ type: 'log', line: `session ${connection} up${rebuilt ? ' (rebuilt)' : ''}` }];
  if (rebuilt) effects.push({ type: 'rebindTunnels', connection });
  effects.push({ type: 'resolveWaiters', connection });
  return { state, effects };
}

function dialFailed(s: SessionState, e: Extract<SessionEvent, { type: 'dialFailed' }>): Step {
  if (e.resets !== s.resets) return same(s);
  // The first dial fails the starts waiting for it: no retry loop.
  if (s.phase === 'connecting') return { state: { ...s, phase: 'idle' }, effects: [{ type: 'rejectWaiters', error: e.error }] };
  if (s.phase !== 'rebuilding') return same(s);
  if (e.fatal) {
    const effects: SessionEffect[] = [
      { type: 'log', line: `session refused: ${e.error.ngrokCode ?? e.error.code}` },
      { type: 'failRunningTunnels', error: e.error },
      { type: 'rejectWaiters', error: e.error },
    ];
    return { state: { ...s, phase: 'idle' }, effects };
  }
  const effects: SessionEffect[] = [
    { type: 'log', line: `dial failed (${e.error.code}); next in ${s.backoffMs} ms` },
    { type: 'redialIn', ms: s.backoffMs, resets: s.resets },
  ];
  return { state: { ...s, backoffMs: Math.min(s.backoffMs * 2, s.timings.maxBackoffMs) }, effects };
}

/** Replaces the session: retires the current connection (unbinding it first while it is still up), then dials until one is up. */
function rebuild(s: SessionState, reason: string): Step {
  if (s.phase === 'rebuilding') return { state: s, effects: [{ type: 'redialNow' }] };
  const effects: SessionEffect[] = [{ type: 'log', line: `rebuilding the session: ${reason}` }];
  const old = s.current;
  if (old !== undefined) {
    const up = s.lostAt === undefined;
    effects.push({ type: 'markTunnelsLost', connection: old });
    // A live connection is unbound first; a dead one cannot answer, so the new dial does not wait for it.
    effects.push({ type: 'retire', connection: old, unbind: up, await: up });
  }
  effects.push({ type: 'redial', resets: s.resets });
  const state: SessionState = { ...s, phase: 'rebuilding', current: undefined, lostAt: undefined, backoffMs: s.timings.firstBackoffMs };
  return { state, effects };
}

/** Marks the current connection lost: its online tunnels are reconnecting from now on. */
function lose(s: SessionState, at: number, why: string): Step {
  const connection = s.current!;
  const effects: SessionEffect[] = [{ type: 'log', line: `session ${connection} lost: ${why}` }, { type: 'markTunnelsLost', connection }];
  return { state: { ...s, phase: 'lost', lostAt: at }, effects };
}

function then(a: Step, f: (s: SessionState) => Step): Step {
  const b = f(a.state);
  return { state: b.state, effects: [...a.effects, ...b.effects] };
}

function idleWithout(s: SessionState, effects: SessionEffect[]): Step {
  const connection = s.current!;
  const state: SessionState = { ...s, phase: 'idle', current: undefined, lostAt: undefined };
  return { state, effects: [...effects, { type: 'retire', connection, unbind: false, await: false }] };
}

function dropped(s: SessionState, connection: number, at: number, why: string): Step {
  if (connection !== s.current) return same(s);
  const base: Step = { state: { ...s, lastDropAt: at }, effects: [{ type: 'disarmSettle', connection }] };
  if (s.lostAt !== undefined) return base;
  return then(then(base, (x) => lose(x, at, why)), (x) => ({ state: x, effects: [{ type: 'armTakeover', connection, ms: s.timings.takeoverAfterMs }] }));
}

function takeoverDue(s: SessionState, e: Extract<SessionEvent, { type: 'takeoverDue' }>): Step {
  if (e.connection !== s.current || s.lostAt === undefined) return same(s);
  if (e.at - s.lastDropAt < DIAL_GRACE_MS) return { state: s, effects: [{ type: 'armTakeover', connection: e.connection, ms: DIAL_GRACE_MS }] };
  if (!e.needed) return same({ ...s, rebuildOnNextStart: true });
  return rebuild(s, 'no reconnect from the SDK');
}

function heartbeat(s: SessionState, e: Extract<SessionEvent, { type: 'heartbeat' }>): Step {
  if (e.connection !== s.current) return same(s);
  if (e.latencyMs === null) {
    // No answer within the tolerance: the SDK does not redial in this case (docs/ngrok-agent-protocol.md §6), so we do.
    if (s.lostAt !== undefined || !e.needed) return same(s);
    return then(lose(s, e.at, 'no heartbeat answer'), (x) => rebuild(x, 'no heartbeat answer'));
  }
  if (s.lostAt === undefined || s.phase !== 'lost') return same(s);
  // The SDK reconnected; it re-binds the same tunnel ids right after. Wait for a quiet moment.
  return { state: s, effects: [{ type: 'armSettle', connection: e.connection, beatAt: e.at, ms: s.timings.settleMs }] };
}

function settled(s: SessionState, connection: number, beatAt: number): Step {
  if (connection !== s.current || s.lostAt === undefined || s.lastDropAt > beatAt) return same(s);
  return { state: s, effects: [{ type: 'confirm', connection, beatAt }] };
}

function confirmed(s: SessionState, connection: number, beatAt: number, alive: boolean): Step {
  if (connection !== s.current || s.lostAt === undefined || s.lastDropAt > beatAt) return same(s);
  // Not yet: the SDK is still re-binding, or ngrok refused a re-bind. Ask again after another quiet
  // moment; the takeover (still armed) rebuilds the session if the SDK has given up.
  if (!alive) return s.rebuildOnNextStart ? same(s) : { state: s, effects: [{ type: 'armSettle', connection, beatAt, ms: s.timings.settleMs }] };
  const effects: SessionEffect[] = [
    { type: 'disarmTakeover', connection },
    { type: 'log', line: `session ${connection} reconnected by the SDK` },
    { type: 'tunnelsBack', connection },
    { type: 'resolveWaiters', connection },
  ];
  return { state: { ...s, phase: 'up', lostAt: undefined, rebuildOnNextStart: false }, effects };
}

/** On wake or a network change (only asked while some tunnel needs the session). */
function recoverRequested(s: SessionState): Step {
  if (s.phase === 'rebuilding') return { state: s, effects: [{ type: 'redialNow' }] }; // dial now, not after the backoff
  if (s.current === undefined) return same(s); // a first dial is under way, or nothing to recover
  // Lost: rebuild now (the takeover still gives an SDK dial in flight its moment).
  if (s.phase === 'lost') return { state: s, effects: [{ type: 'armTakeover', connection: s.current, ms: 0 }] };
  if (s.probing) return same(s);
  return { state: { ...s, probing: true }, effects: [{ type: 'probe', connection: s.current }] };
}

function probed(s: SessionState, connection: number, at: number, alive: boolean): Step {
  if (connection !== s.current) return same(s);
  const base: Step = { state: { ...s, probing: false }, effects: [] };
  if (alive) return { state: base.state, effects: [{ type: 'log', line: `session ${connection} answered: nothing to recover` }] };
  const lost = s.lostAt === undefined ? lose(base.state, at, 'no answer after wake or network change') : base;
  return then(lost, (x) => ({ state: x, effects: [{ type: 'armTakeover', connection, ms: 0 }] }));
}
