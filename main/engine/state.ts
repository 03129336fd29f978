// pure: one tunnel's lifecycle as a state machine, next(state, event) → state.
// Events are past-tense facts with their time inside; each run of a tunnel has a number, and an
// event from an older run (a late `opened` after a stop, say) leaves the state alone.
import type { PortholeError, Protection, TunnelStateKind } from '../../common/types.js';

export interface TunnelState {
  kind: TunnelStateKind;
  /** Bumped on every start and stop: events carry the run they belong to. */
  run: number;
  url?: string;
  error?: PortholeError;
  protection?: Protection;
  protectionReason?: string;
  /** ms since epoch of the last change of `kind`, `url` or `error`. */
  since: number;
}

export type TunnelEvent =
  | { type: 'startRequested'; at: number }
  | { type: 'preflightFailed'; run: number; at: number; error: PortholeError }
  | { type: 'opened'; run: number; at: number; url: string }
  | { type: 'connectionLost'; run: number; at: number }
  | { type: 'reconnected'; run: number; at: number; url: string }
  /** ngrok refused the bind on the new connection for a reason that passes (it still holds the domain): still reconnecting, and why. */
  | { type: 'rebindRefused'; run: number; at: number; error: PortholeError }
  | { type: 'failed'; run: number; at: number; error: PortholeError }
  | { type: 'stopRequested'; at: number }
  | { type: 'stopped'; run: number; at: number }
  | { type: 'protectionChecked'; run: number; at: number; protection: Protection; reason: string };

export const initialState = (at: number): TunnelState => ({ kind: 'stopped', run: 0, since: at });

/** True while a listener is wanted: starting, online or reconnecting. */
export function isActive(s: TunnelState): boolean {
  return s.kind === 'starting' || s.kind === 'online' || s.kind === 'reconnecting';
}

/** The next state; the same object when the event changes nothing (late, or not allowed here). */
export function next(s: TunnelState, e: TunnelEvent): TunnelState {
  if (e.type === 'startRequested') {
    if (isActive(s)) return s; // starting a running tunnel is a no-op
    return { kind: 'starting', run: s.run + 1, since: e.at };
  }
  if (e.type === 'stopRequested') {
    if (s.kind === 'stopped') return s;
    return { kind: 'stopped', run: s.run + 1, since: e.at };
  }
  if (e.run !== s.run) return s; // late event from an earlier run
  switch (e.type) {
    case 'preflightFailed':
      return s.kind === 'starting' ? { kind: 'error', run: s.run, error: e.error, since: e.at } : s;
    case 'opened':
      return s.kind === 'starting' ? { kind: 'online', run: s.run, url: e.url, since: e.at } : s;
    case 'connectionLost':
      return s.kind === 'online' ? { ...s, kind: 'reconnecting', since: e.at } : s;
    case 'reconnected': {
      if (s.kind !== 'reconnecting' && !(s.kind === 'online' && s.url !== e.url)) return s;
      // A new URL means a new endpoint: its protection has not been checked yet. Online means bound: no reason is left.
      const { error: _reason, ...kept } = s;
      return s.url === e.url ? { ...kept, kind: 'online', since: e.at } : { kind: 'online', run: s.run, url: e.url, since: e.at };
    }
    case 'rebindRefused':
      // The first refusal's time stays: it is what "waiting since" means.
      if (s.kind !== 'reconnecting' || s.error?.code === e.error.code) return s;
      return { ...s, error: e.error, since: e.at };
    case 'failed':
      return isActive(s) ? { kind: 'error', run: s.run, error: e.error, since: e.at } : s;
    case 'stopped':
      return isActive(s) ? { kind: 'stopped', run: s.run, since: e.at } : s;
    case 'protectionChecked':
      return s.kind === 'online' || s.kind === 'reconnecting' ? { ...s, protection: e.protection, protectionReason: e.reason } : s;
  }
}
