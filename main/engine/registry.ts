// shell: the engine's shared bookkeeping — the tunnels it knows (each with its pure state, state.ts),
// the live agent connections they are bound on, and the one way a tunnel's state changes (dispatch),
// which also tells every subscriber.
import type { PortholeError, SessionSpec, TunnelSpec, TunnelView } from '../../common/types.js';
import { scrub } from '../../common/errors.js';
import { NgrokFailure } from '../tunnel/ngrok.js';
import type { NgrokListener, NgrokSession } from '../tunnel/ngrok.js';
import type { VisitProxy } from '../visits/proxy.js';
import { isActive, next, type TunnelEvent, type TunnelState } from './state.js';

/** One dialed ngrok agent session (session.ts numbers them; `id` is that number). */
export interface AgentConnection {
  readonly id: number;
  session?: NgrokSession;
  /** Ended for good (its reconnect loop too): it must never redial. */
  retired: boolean;
  /** stopAll() is closing it: a drop now must not let the SDK redial and re-bind what is being closed. */
  closing: boolean;
  takeoverTimer?: ReturnType<typeof setTimeout>;
  settleTimer?: ReturnType<typeof setTimeout>;
  /** Listeners stopped while the connection was down: the SDK would re-bind them, so they are closed again after its reconnect. */
  strays: NgrokListener[];
}

/** A tunnel the engine knows: its settings, its state, and where it is bound. */
export interface TunnelRecord {
  spec: TunnelSpec;
  state: TunnelState;
  listener?: NgrokListener;
  /** The connection `listener` lives on. */
  connection?: AgentConnection;
  /** The recording proxy the listener forwards to (main/visits/), while recording; lives as long as the run. */
  proxy?: VisitProxy;
  /**
   * This run's random markers: `proof`, which the policy adds after the sign-in and the proxy
   * requires before it believes an identity; `probe`, which the protection check sends.
   */
  marks?: { proof: string; probe: string };
  /** The start in progress, awaited by stop(). */
  task?: Promise<void>;
  /** The result start() resolves with. */
  done?: Promise<TunnelView | undefined>;
  /** The last view made, and of which spec and state: made again only once either is replaced. */
  shown?: { spec: TunnelSpec; state: TunnelState; view: TunnelView };
}

/** Gets every change synchronously: the changed tunnel, then all tunnels (a removed one is absent). */
export type Subscriber = (view: TunnelView, all: TunnelView[]) => void;

export interface Registry {
  readonly records: Map<string, TunnelRecord>;
  readonly subscribers: Set<Subscriber>;
  session: SessionSpec;
  now(): number;
  /** Diagnostic lines, scrubbed of every secret the engine holds. */
  log(line: string): void;
  view(r: TunnelRecord): TunnelView;
  list(): TunnelView[];
  publish(v: TunnelView): void;
  /** Applies an event to a tunnel's state; true when it changed (and was published). */
  dispatch(r: TunnelRecord, ev: TunnelEvent): boolean;
  /** True when the run has ended (stopped, failed, restarted) or the tunnel was removed. */
  isStale(r: TunnelRecord, run: number): boolean;
  /** True while some tunnel wants a listener, hence a session. */
  needsSession(): boolean;
  secrets(): string[];
  toError(err: unknown): PortholeError;
}

export function createRegistry(session: SessionSpec, now: () => number, sink?: (line: string) => void): Registry {
  const records = new Map<string, TunnelRecord>();
  const subscribers = new Set<Subscriber>();
  const reg: Registry = {
    records,
    subscribers,
    session,
    now,
    log(line) {
      try {
        sink?.(scrub(line, reg.secrets()));
      } catch {
        /* a broken logger must not break the engine */
      }
    },
    view,
    list: () => [...records.values()].map(view),
    publish(v) {
      // With many tunnels, every change listing them all would cost O(tunnels) each: skipped when
      // nobody listens, and made of the views kept on the records otherwise.
      if (subscribers.size === 0) return;
      const all = reg.list();
      for (const fn of [...subscribers]) {
        try {
          fn(v, all);
        } catch (err) {
          reg.log(`subscriber threw: ${String(err)}`);
        }
      }
    },
    dispatch(r, ev) {
      const s = next(r.state, ev);
      if (s === r.state) return false;
      r.state = s;
      reg.log(`${r.spec.name}: ${ev.type} → ${s.kind}${s.url ? ` ${s.url}` : ''}${s.error ? ` [${s.error.ngrokCode ?? s.error.code}]` : ''}`);
      reg.publish(view(r));
      return true;
    },
    isStale: (r, run) => r.state.run !== run || !isActive(r.state) || records.get(r.spec.name) !== r,
    needsSession: () => [...records.values()].some((r) => isActive(r.state)),
    secrets() {
      const s = [reg.session.authtoken];
      for (const r of records.values()) if (r.spec.fusionauth?.clientSecret) s.push(r.spec.fusionauth.clientSecret);
      return s;
    },
    toError: (err) => toError(err, reg.secrets()),
  };
  return reg;
}

/** The tunnel as subscribers see it; the same object until its spec or state is replaced (both are never changed in place). */
function view(r: TunnelRecord): TunnelView {
  if (r.shown && r.shown.spec === r.spec && r.shown.state === r.state) return r.shown.view;
  const v: TunnelView = { name: r.spec.name, state: r.state.kind, mode: r.spec.mode, target: r.spec.target, since: r.state.since };
  if (r.state.url) v.url = r.state.url;
  if (r.state.error) v.error = r.state.error;
  if (r.state.protection) v.protection = r.state.protection;
  if (r.state.protectionReason) v.protectionReason = r.state.protectionReason;
  if (r.spec.pool) v.pooled = true;
  r.shown = { spec: r.spec, state: r.state, view: v };
  return v;
}

function toError(err: unknown, secrets: readonly string[]): PortholeError {
  if (err instanceof NgrokFailure) return err.error;
  if (err && typeof err === 'object' && 'code' in err && 'message' in err && typeof (err as PortholeError).code === 'string') return err as PortholeError;
  return { code: 'NGROK_FAILED', message: scrub(err instanceof Error ? err.message : String(err), secrets) };
}
