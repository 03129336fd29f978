// shell: the tunnel engine, as the app and the CLI see it. Tunnels run over ONE ngrok agent session per
// authtoken, watched so a lost connection is rebuilt within seconds, not minutes. The parts:
//   state.ts          pure: one tunnel's lifecycle          tunnel-runner.ts   runs it (preflight, bind, verify)
//   session.ts        pure: the agent session's lifecycle   session-runner.ts  runs it (dial, timers, retire)
//   registry.ts       the tunnels known, and the one way their state changes (dispatch → subscribers)
// Input is validated at the boundary (IPC, CLI, settings): the engine takes typed specs.
import type { PortholeError, ProtectionResult, RunPreflight, SessionSpec, TunnelSpec, TunnelView, VerifyProtection } from '../../common/types.js';
import { invalidInput } from '../../common/errors.js';
import { connectSession as realConnect } from '../tunnel/ngrok.js';
import { createVisitRecorder, type Visits } from '../visits/recorder.js';
import { ExchangeStore, type Exchange } from '../visits/capture.js';
import type { ConnectSession } from '../tunnel/ngrok.js';
import { createRegistry, type Registry, type Subscriber, type TunnelRecord } from './registry.js';
import { SessionRunner, type SessionRunnerOptions } from './session-runner.js';
import { isActive, initialState } from './state.js';
import { TunnelRunner } from './tunnel-runner.js';

export type { Subscriber } from './registry.js';
export type { Visits } from '../visits/recorder.js';

export type Result<T> = { ok: true; value: T } | { ok: false; errors: PortholeError[] };

interface RecoveryOptions {
  /** How long the SDK may try on its own after a loss before the engine rebuilds the session. */
  takeoverAfterMs?: number;
  /** First delay between the engine's own dials; it doubles up to maxBackoffMs. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** Quiet time after the SDK's reconnect (its first heartbeat) before tunnels count as online again. */
  settleMs?: number;
  /** Upper bound for an Unbind or a session close. */
  closeTimeoutMs?: number;
  /** How long recover() waits for the session to answer before it counts as dead. */
  probeTimeoutMs?: number;
  /**
   * While ngrok still holds a tunnel's domain for the dead connection (ERR_NGROK_334 on the new one), the
   * bind is tried again after heldRetryFirstMs, doubling up to heldRetryMaxMs, for as long as the tunnel
   * runs: it is back at most heldRetryMaxMs after ngrok lets go.
   */
  heldRetryFirstMs?: number;
  heldRetryMaxMs?: number;
}

export interface EngineOptions {
  session: SessionSpec;
  preflight?: RunPreflight;
  verify?: VerifyProtection;
  now?: () => number;
  /** Diagnostic lines; never carries a secret. */
  log?: (line: string) => void;
  recovery?: RecoveryOptions;
  /** The ngrok port; the real adapter unless a test passes its own. */
  connect?: ConnectSession;
  /** Keep each recorded request's heads and the start of its bodies (the inspector), in memory only. */
  inspect?: boolean;
}

export interface Engine {
  /** Adds a tunnel (stopped); refuses a name already in use. */
  add(spec: TunnelSpec): Result<TunnelView>;
  /** Replaces a tunnel's settings; a running tunnel restarts with them. */
  update(spec: TunnelSpec): Promise<Result<TunnelView>>;
  /** Stops and forgets a tunnel. */
  remove(name: string): Promise<boolean>;
  /** Starts a tunnel; resolves once it is online or failed (no-op when already running). */
  start(name: string): Promise<TunnelView | undefined>;
  /** Stops a tunnel; a start in progress is cancelled and leaves no listener behind. */
  stop(name: string): Promise<TunnelView | undefined>;
  /** Stops every tunnel and closes the session. */
  stopAll(): Promise<void>;
  /** On wake from sleep or a network change: a session that answers stays; a dead one is rebuilt at once. */
  recover(): void;
  /** Checks a running tunnel's protection now. */
  verify(name: string): Promise<ProtectionResult | undefined>;
  list(): TunnelView[];
  get(name: string): TunnelView | undefined;
  subscribe(fn: Subscriber): () => void;
  /** Replaces the authtoken / ingress; running tunnels move to a new session. */
  setSession(spec: SessionSpec): Promise<Result<SessionSpec>>;
  /** Who visited each recording tunnel (TunnelSpec.record): request logs, visitors, live events. */
  readonly visits: Visits;
  /** The inspector, when `inspect` is on: the kept exchanges, and a replay straight to the local app. */
  readonly inspector?: Inspector;
}

export interface Inspector {
  readonly exchanges: ExchangeStore;
  /** Sends a kept request again to its tunnel's app; rejects with the reason it can't. */
  replay(id: string): Promise<Exchange>;
}

function timingsFrom(r: RecoveryOptions = {}): SessionRunnerOptions & { heldRetryFirstMs: number; heldRetryMaxMs: number } {
  return {
    takeoverAfterMs: r.takeoverAfterMs ?? 3000,
    firstBackoffMs: r.firstBackoffMs ?? 100,
    // A dial during an outage fails at once (no route, refused): trying every 250 ms costs nothing and
    // brings the tunnels back at most ~0.4 s after the network does (measured: 0.17–0.31 s after 10 s away).
    maxBackoffMs: r.maxBackoffMs ?? 250,
    settleMs: r.settleMs ?? 150,
    closeTimeoutMs: r.closeTimeoutMs ?? 1500,
    probeTimeoutMs: r.probeTimeoutMs ?? 1500,
    heldRetryFirstMs: r.heldRetryFirstMs ?? 250,
    heldRetryMaxMs: r.heldRetryMaxMs ?? 4000,
  };
}

export function createEngine(opts: EngineOptions): Engine {
  const timings = timingsFrom(opts.recovery);
  const reg = createRegistry(opts.session, opts.now ?? Date.now, opts.log);
  // The two runners call each other: the session runner reaches the tunnels through late-bound hooks.
  let tunnels!: TunnelRunner;
  const sessions = new SessionRunner(reg, opts.connect ?? realConnect, timings, {
    markLost: (c) => tunnels.markLost(c),
    back: (c) => tunnels.back(c),
    rebind: (c) => tunnels.rebind(c),
    failOn: (c, error) => tunnels.failOn(c, error),
    failRunning: (error) => tunnels.failRunning(error),
  });
  const recorder = createVisitRecorder();
  const exchanges = opts.inspect ? new ExchangeStore() : undefined;
  tunnels = new TunnelRunner(reg, sessions, {
    preflight: opts.preflight,
    verify: opts.verify,
    closeTimeoutMs: timings.closeTimeoutMs,
    visitLog: recorder.log,
    heldRetryFirstMs: timings.heldRetryFirstMs,
    heldRetryMaxMs: timings.heldRetryMaxMs,
    ...(exchanges ? { exchanges } : {}),
  });
  const parts: Parts = { reg, sessions, tunnels, visits: recorder.visits };
  const { records } = reg;
  return {
    add: (spec) => add(parts, spec),
    update: (spec) => update(parts, spec),
    remove: (name) => remove(parts, name),
    start: (name) => tunnels.start(name),
    stop: (name) => tunnels.stop(name),
    stopAll: () => stopAll(parts),
    recover: () => recover(parts),
    verify: async (name) => {
      const r = records.get(name);
      return r ? tunnels.verify(r, r.state.run) : undefined;
    },
    list: reg.list,
    get: (name) => {
      const r = records.get(name);
      return r ? reg.view(r) : undefined;
    },
    subscribe(fn) {
      reg.subscribers.add(fn);
      return () => void reg.subscribers.delete(fn);
    },
    setSession: (spec) => setSession(parts, spec),
    visits: recorder.visits,
    ...(exchanges
      ? {
          inspector: {
            exchanges,
            replay: async (id: string) => {
              const x = exchanges.get(id);
              if (!x) throw new Error(`no kept request ${JSON.stringify(id)}`);
              const proxy = records.get(x.tunnel)?.proxy;
              if (!proxy) throw new Error(`${x.tunnel} is not running, so there is no app to send it to`);
              return proxy.replay(x);
            },
          },
        }
      : {}),
  };
}

interface Parts {
  reg: Registry;
  sessions: SessionRunner;
  tunnels: TunnelRunner;
  visits: Visits;
}

function add({ reg }: Parts, spec: TunnelSpec): Result<TunnelView> {
  if (reg.records.has(spec.name)) return { ok: false, errors: [invalidInput('name', `name "${spec.name}" is already used by another tunnel`, 'Choose another name.')] };
  const r: TunnelRecord = { spec, state: initialState(reg.now()) };
  reg.records.set(spec.name, r);
  const v = reg.view(r);
  reg.publish(v);
  return { ok: true, value: v };
}

async function update({ reg, tunnels }: Parts, spec: TunnelSpec): Promise<Result<TunnelView>> {
  const r = reg.records.get(spec.name);
  if (!r) return { ok: false, errors: [invalidInput('name', `no tunnel is named "${spec.name}"`, 'Add the tunnel first.')] };
  if (JSON.stringify(r.spec) === JSON.stringify(spec)) return { ok: true, value: reg.view(r) };
  const wasActive = isActive(r.state);
  if (wasActive) await tunnels.stop(spec.name);
  r.spec = spec;
  reg.publish(reg.view(r));
  if (wasActive) void tunnels.start(spec.name);
  return { ok: true, value: reg.view(r) };
}

async function remove({ reg, tunnels, visits }: Parts, name: string): Promise<boolean> {
  const r = reg.records.get(name);
  if (!r) return false;
  await tunnels.stop(name);
  reg.records.delete(name);
  visits.clear(name); // a later tunnel of the same name starts with nobody seen
  reg.publish(reg.view(r));
  return true;
}

async function stopAll({ reg, sessions, tunnels }: Parts): Promise<void> {
  const old = sessions.reset();
  if (old.connection) old.connection.closing = true;
  for (const r of reg.records.values()) reg.dispatch(r, { type: 'stopRequested', at: reg.now() });
  sessions.noTunnelNeedsIt();
  await Promise.all([...reg.records.keys()].map((n) => tunnels.stop(n)));
  if (old.connection) await sessions.retire(old.connection, true);
}

async function setSession({ reg, sessions, tunnels }: Parts, spec: SessionSpec): Promise<Result<SessionSpec>> {
  if (JSON.stringify(spec) === JSON.stringify(reg.session)) return { ok: true, value: spec };
  const old = sessions.reset();
  reg.session = spec;
  if (old.connection) {
    tunnels.markLost(old.connection);
    await sessions.retire(old.connection, !old.lost); // a lost session cannot answer Unbinds
  }
  if (reg.needsSession()) sessions.rebuild('the session settings changed');
  return { ok: true, value: spec };
}

function recover({ reg, sessions, tunnels }: Parts): void {
  for (const r of reg.records.values()) {
    if (r.state.kind === 'error' && r.state.error?.code === 'NGROK_UNREACHABLE') void tunnels.start(r.spec.name);
  }
  if (reg.needsSession()) sessions.recover();
}
