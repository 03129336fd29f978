// shell: the tunnel engine. Runs each tunnel's lifecycle (state.ts) through ports — the ngrok
// adapter, the FusionAuth preflight, the protection check — over ONE agent session per authtoken,
// and watches that session so a lost connection is rebuilt within seconds, not minutes.
//
// Recovery, in short (protocol doc §8): after a drop the SDK redials at once, again after 50 ms,
// then only after 2.5 s, 125 s, 104 min. A quick drop is left to the SDK (it re-binds the same
// tunnel ids, so URLs stay). If no heartbeat has come back `takeoverAfterMs` after the loss, the
// SDK is in its long sleep: the engine closes that session (which also ends its reconnect loop, so
// it can never re-bind stale tunnels later), dials a new one with a backoff capped at
// `maxBackoffMs`, and binds every tunnel again there. `recover()` (wake, network change) first asks
// the session for one round trip: a session that answers is left alone (its URLs stay); one that
// does not is replaced at once. A tunnel stopped while its session is down is remembered, so the
// SDK cannot bring it back when it reconnects.
import type { PortholeError, ProtectionResult, RunPreflight, SessionSpec, TunnelSpec, TunnelView, VerifyProtection } from '../types.js';
import { invalidInput, isFatalSessionError, portholeError, scrub } from '../errors.js';
import { forwardConfigFor } from '../tunnel/forward-config.js';
import { scopesFor } from '../tunnel/policy.js';
import { connectSession as realConnect, NgrokFailure } from '../tunnel/ngrok.js';
import type { ConnectSession, NgrokListener, NgrokSession } from '../tunnel/ngrok.js';
import { parseSessionSpec, parseTunnelSpec, type Result } from '../tunnel/validate.js';
import { initialState, isActive, next, type TunnelEvent, type TunnelState } from './state.js';

export interface RecoveryOptions {
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
}

/** Gets every change synchronously: the changed tunnel, then all tunnels (a removed one is absent). */
export type Subscriber = (view: TunnelView, all: TunnelView[]) => void;

export interface Engine {
  /** Validates and adds a tunnel (stopped). */
  add(spec: unknown): Result<TunnelView>;
  /** Validates and replaces a tunnel's settings; a running tunnel restarts with them. */
  update(spec: unknown): Promise<Result<TunnelView>>;
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
  setSession(spec: unknown): Promise<Result<SessionSpec>>;
}

interface Entry {
  spec: TunnelSpec;
  state: TunnelState;
  listener?: NgrokListener;
  /** The session slot `listener` lives on. */
  slot?: Slot;
  /** The start in progress, awaited by stop(). */
  task?: Promise<void>;
  /** The result start() resolves with. */
  done?: Promise<TunnelView | undefined>;
}

interface Slot {
  gen: number;
  session?: NgrokSession;
  retired: boolean;
  /** Set while the connection is lost (first disconnect of this loss). */
  lostAt?: number;
  lastDisconnectAt: number;
  takeover?: ReturnType<typeof setTimeout>;
  settle?: ReturnType<typeof setTimeout>;
  /** The takeover came due while no tunnel needed the session: the next start rebuilds at once. */
  takeoverDue?: boolean;
  /** Listeners stopped while the connection was down: the SDK would re-bind them, so they are closed again after its reconnect. */
  orphans: NgrokListener[];
  /** recover()'s round trip is under way. */
  probing?: boolean;
  /** stopAll() is closing it: a drop now must not let the SDK redial and re-bind what is being closed. */
  stopping?: boolean;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a waiter nobody awaits any more must not become an unhandled rejection
  return { promise, resolve, reject };
}

const timer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return t;
};
const sleep = (ms: number) => new Promise<void>((r) => timer(r, ms));

/** Resolves when p settles or after ms, whichever is first; never rejects. */
async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([p.then(() => {}, () => {}), sleep(ms)]);
}

/** True when p fulfils within ms; false when it rejects or takes longer. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([p.then(() => true, () => false), sleep(ms).then(() => false)]);
}

const CANCELLED: PortholeError = { code: 'CANCELLED', message: 'Stopped before the session was ready.' };

function toError(err: unknown, secrets: readonly string[]): PortholeError {
  if (err instanceof NgrokFailure) return err.error;
  if (err && typeof err === 'object' && 'code' in err && 'message' in err && typeof (err as PortholeError).code === 'string') return err as PortholeError;
  return { code: 'NGROK_FAILED', message: scrub(err instanceof Error ? err.message : String(err), secrets) };
}

export function createEngine(opts: EngineOptions): Engine {
  const now = opts.now ?? Date.now;
  const log = (line: string) => {
    try {
      opts.log?.(line);
    } catch {
      /* a broken logger must not break the engine */
    }
  };
  const connect = opts.connect ?? realConnect;
  const rec = {
    takeoverAfterMs: opts.recovery?.takeoverAfterMs ?? 3000,
    firstBackoffMs: opts.recovery?.firstBackoffMs ?? 100,
    maxBackoffMs: opts.recovery?.maxBackoffMs ?? 1000,
    settleMs: opts.recovery?.settleMs ?? 150,
    closeTimeoutMs: opts.recovery?.closeTimeoutMs ?? 1500,
    probeTimeoutMs: opts.recovery?.probeTimeoutMs ?? 1500,
  };

  let sessionSpec = opts.session;
  const entries = new Map<string, Entry>();
  const subscribers = new Set<Subscriber>();

  // The session: at most one current slot; `phase` says what it is doing.
  let slot: Slot | null = null;
  let phase: 'none' | 'connecting' | 'up' | 'lost' | 'rebuilding' = 'none';
  let waiters: Deferred<Slot>[] = [];
  /** Bumped by stopAll/setSession: work begun under an older epoch is abandoned. */
  let epoch = 0;
  let gen = 0;
  let kick: (() => void) | null = null;

  const secrets = () => {
    const s = [sessionSpec.authtoken];
    for (const e of entries.values()) if (e.spec.fusionauth?.clientSecret) s.push(e.spec.fusionauth.clientSecret);
    return s;
  };

  // ---- views and dispatch -------------------------------------------------------------------

  function view(e: Entry): TunnelView {
    const v: TunnelView = { name: e.spec.name, state: e.state.kind, mode: e.spec.mode, target: e.spec.target, since: e.state.since };
    if (e.state.url) v.url = e.state.url;
    if (e.state.error) v.error = e.state.error;
    if (e.state.protection) v.protection = e.state.protection;
    if (e.state.protectionReason) v.protectionReason = e.state.protectionReason;
    return v;
  }
  const list = () => [...entries.values()].map(view);

  function publish(v: TunnelView) {
    const all = list();
    for (const fn of [...subscribers]) {
      try {
        fn(v, all);
      } catch (err) {
        log(`subscriber threw: ${scrub(String(err), secrets())}`);
      }
    }
  }

  function dispatch(e: Entry, ev: TunnelEvent): boolean {
    const s = next(e.state, ev);
    if (s === e.state) return false;
    e.state = s;
    log(`${e.spec.name}: ${ev.type} → ${s.kind}${s.url ? ` ${s.url}` : ''}${s.error ? ` [${s.error.ngrokCode ?? s.error.code}]` : ''}`);
    publish(view(e));
    return true;
  }
  const stale = (e: Entry, run: number) => e.state.run !== run || !isActive(e.state) || entries.get(e.spec.name) !== e;

  // ---- the session ---------------------------------------------------------------------------

  const needsSession = () => [...entries.values()].some((e) => isActive(e.state));

  function settleWaiters(r: { slot: Slot } | { error: PortholeError }) {
    const ws = waiters;
    waiters = [];
    for (const w of ws) 'slot' in r ? w.resolve(r.slot) : w.reject(r.error);
  }

  /** The current session once it is up (connecting first if there is none). */
  function whenUp(): Promise<Slot> {
    if (phase === 'up' && slot) return Promise.resolve(slot);
    const d = deferred<Slot>();
    waiters.push(d);
    if (phase === 'none') void connectFirst();
    // Lost long ago while idle: the SDK is in its long sleep, do not wait for it.
    else if (phase === 'lost' && slot?.takeoverDue) void rebuild('a start while the session is lost');
    return d.promise;
  }

  async function openSlot(): Promise<Slot> {
    const s: Slot = { gen: ++gen, retired: false, lastDisconnectAt: 0, orphans: [] };
    s.session = await connect(sessionSpec, {
      onDisconnect: (error) => onDisconnect(s, error),
      onHeartbeat: (latency) => onHeartbeat(s, latency),
      onStopCommand: () => onStopCommand(s),
    });
    return s;
  }

  /** The first dial of a session: a failure fails the tunnels waiting for it (no retry loop). */
  async function connectFirst() {
    phase = 'connecting';
    const my = epoch;
    try {
      const s = await openSlot();
      if (my !== epoch) return void retire(s, false);
      slot = s;
      phase = 'up';
      log(`session ${s.gen} up`);
      settleWaiters({ slot: s });
    } catch (err) {
      if (my !== epoch) return;
      phase = 'none';
      settleWaiters({ error: toError(err, secrets()) });
    }
  }

  /** Ends a session for good: its reconnect loop too. With `unbind`, its listeners are closed first. */
  async function retire(s: Slot, unbind: boolean) {
    if (s.retired) return;
    s.retired = true;
    if (s.takeover) clearTimeout(s.takeover);
    if (s.settle) clearTimeout(s.settle);
    s.orphans = []; // closing the session ends them too
    const closing: Promise<unknown>[] = [];
    for (const e of entries.values()) {
      if (e.slot !== s) continue;
      if (e.listener && unbind) closing.push(e.listener.close());
      e.listener = undefined;
      e.slot = undefined;
    }
    if (closing.length) await bounded(Promise.all(closing), rec.closeTimeoutMs);
    if (s.session) await bounded(s.session.close(), rec.closeTimeoutMs);
    log(`session ${s.gen} closed`);
  }

  function markLost(s: Slot, why: string) {
    s.lostAt = now();
    phase = 'lost';
    log(`session ${s.gen} lost: ${scrub(why, secrets())}`);
    for (const e of entries.values()) if (e.slot === s && e.state.kind === 'online') dispatch(e, { type: 'connectionLost', run: e.state.run, at: now() });
  }

  function onDisconnect(s: Slot, error: string): boolean {
    // A replaced session must never redial (close() normally ended it already), nor one being stopped.
    // Refusing makes the SDK print "Aborting connection to …" on stdout: the CLI keeps the SDK in a
    // worker process for that (main/cli/worker.ts).
    if (s.retired || s.stopping) return false;
    if (s !== slot) return true; // not current yet (its connect is still resolving): let the SDK redial
    s.lastDisconnectAt = now();
    if (s.settle) clearTimeout(s.settle);
    if (s.lostAt === undefined) {
      markLost(s, error);
      scheduleTakeover(s, rec.takeoverAfterMs);
    }
    return true;
  }

  function scheduleTakeover(s: Slot, ms: number) {
    if (s.takeover) clearTimeout(s.takeover);
    s.takeover = timer(() => {
      if (s !== slot || s.retired || s.lostAt === undefined) return;
      // An SDK dial may be in flight right now: give it a moment rather than race it.
      if (now() - s.lastDisconnectAt < 300) return scheduleTakeover(s, 300);
      if (!needsSession()) return void (s.takeoverDue = true);
      void rebuild('no reconnect from the SDK');
    }, ms);
  }

  function onHeartbeat(s: Slot, latency: number | null) {
    if (s.retired) {
      // A replaced session that redialed anyway (a dial already in flight): make sure it is gone.
      if (latency !== null) void s.session?.close().catch(() => {});
      return;
    }
    if (s !== slot) return;
    if (latency === null) {
      // No answer within the tolerance: the SDK does not redial in this case (§6), so we do.
      if (s.lostAt === undefined && needsSession()) {
        markLost(s, 'no heartbeat answer');
        void rebuild('no heartbeat answer');
      }
      return;
    }
    if (s.lostAt === undefined || phase !== 'lost') return;
    // The SDK reconnected; it re-binds the same tunnel ids right after. Wait for a quiet moment.
    const beatAt = now();
    if (s.settle) clearTimeout(s.settle);
    s.settle = timer(() => {
      if (s !== slot || s.retired || s.lostAt === undefined || s.lastDisconnectAt > beatAt) return;
      s.lostAt = undefined;
      s.takeoverDue = false;
      if (s.takeover) clearTimeout(s.takeover);
      phase = 'up';
      log(`session ${s.gen} reconnected by the SDK`);
      for (const e of entries.values()) {
        if (e.slot === s && e.listener && e.state.kind === 'reconnecting' && dispatch(e, { type: 'reconnected', run: e.state.run, url: e.listener.url, at: now() })) verifyIfUnsure(e);
      }
      closeOrphans(s);
      settleWaiters({ slot: s });
    }, rec.settleMs);
  }

  /** The SDK re-bound the tunnels stopped while it was away: unbind them now (again later if that fails). */
  function closeOrphans(s: Slot) {
    for (const l of s.orphans.splice(0)) {
      void within(l.close(), rec.closeTimeoutMs).then((ok) => {
        if (!ok && !s.retired) s.orphans.push(l);
      });
    }
  }

  /** A listener whose Unbind could not reach ngrok: the SDK still holds it and would re-bind it on reconnect. */
  function orphan(s: Slot, l: NgrokListener) {
    if (s.retired) return;
    if (s === slot && !needsSession()) {
      // Nothing else needs this session: end it, reconnect loop and all; the next start dials afresh.
      log(`session ${s.gen} closed: its last tunnel stopped while the connection was down`);
      slot = null;
      phase = 'none';
      void retire(s, false);
      return;
    }
    s.orphans.push(l);
  }

  function onStopCommand(s: Slot) {
    if (s !== slot) return;
    const error: PortholeError = { code: 'NGROK_FAILED', message: 'ngrok asked this agent to stop (dashboard or API).', fix: 'Start the tunnel again when you want it back.' };
    for (const e of entries.values()) if (e.slot === s && isActive(e.state)) dispatch(e, { type: 'failed', run: e.state.run, at: now(), error });
    slot = null;
    phase = 'none';
    void retire(s, false);
  }

  /** Replaces the session: closes the old one (unbinding when it is still up), dials until a new one is up. */
  async function rebuild(reason: string): Promise<void> {
    if (phase === 'rebuilding') return void kick?.();
    const my = epoch;
    const old = slot;
    slot = null;
    phase = 'rebuilding';
    log(`rebuilding the session: ${reason}`);
    if (old) {
      for (const e of entries.values()) if (e.slot === old && e.state.kind === 'online') dispatch(e, { type: 'connectionLost', run: e.state.run, at: now() });
      // A live session is unbound first; a dead one cannot answer, so the new dial does not wait for it
      // (`retired` is set at once, so it can no longer redial either).
      if (old.lostAt === undefined) await retire(old, true);
      else void retire(old, false);
    }
    let delay = rec.firstBackoffMs;
    for (;;) {
      if (my !== epoch) return;
      if (!needsSession()) {
        phase = 'none';
        settleWaiters({ error: CANCELLED });
        return;
      }
      try {
        const s = await openSlot();
        if (my !== epoch) return void retire(s, false);
        slot = s;
        phase = 'up';
        log(`session ${s.gen} up (rebuilt)`);
        for (const e of entries.values()) if (e.state.kind === 'reconnecting' && e.slot !== s) void relisten(e, s, e.state.run, 0);
        settleWaiters({ slot: s });
        return;
      } catch (err) {
        if (my !== epoch) return;
        const pe = toError(err, secrets());
        if (isFatalSessionError(pe)) {
          phase = 'none';
          log(`session refused: ${pe.ngrokCode ?? pe.code}`);
          for (const e of entries.values()) if (isActive(e.state) && e.state.kind !== 'starting') dispatch(e, { type: 'failed', run: e.state.run, at: now(), error: pe });
          settleWaiters({ error: pe });
          return;
        }
        log(`dial failed (${pe.code}); next in ${delay} ms`);
      }
      await new Promise<void>((r) => {
        const t = timer(r, delay);
        kick = () => {
          clearTimeout(t);
          r();
        };
      });
      kick = null;
      delay = Math.min(delay * 2, rec.maxBackoffMs);
    }
  }

  /** Binds a tunnel again on a rebuilt session. */
  async function relisten(e: Entry, s: Slot, run: number, attempt: number): Promise<void> {
    try {
      const l = await s.session!.listen(forwardConfigFor(e.spec), metadataFor(e.spec));
      if (stale(e, run) || s !== slot) return void bounded(l.close(), rec.closeTimeoutMs);
      const prevUrl = e.state.url;
      e.listener = l;
      e.slot = s;
      dispatch(e, { type: 'reconnected', run, url: l.url, at: now() });
      if (l.url !== prevUrl) void runVerify(e, run);
      else verifyIfUnsure(e);
    } catch (err) {
      if (stale(e, run) || s !== slot) return;
      const pe = toError(err, secrets());
      // ngrok may still hold the endpoint for the dead session for a few seconds: try again.
      if (pe.code === 'NGROK_ENDPOINT_ONLINE' && attempt < 30) {
        await sleep(1000);
        return relisten(e, s, run, attempt + 1);
      }
      dispatch(e, { type: 'failed', run, at: now(), error: pe });
    }
  }

  // ---- tunnels -------------------------------------------------------------------------------

  const metadataFor = (spec: TunnelSpec) => JSON.stringify({ porthole: spec.name });

  async function runStart(e: Entry, run: number): Promise<void> {
    const spec = e.spec;
    if (opts.preflight && (spec.mode === 'oidc' || spec.mode === 'oidc-legacy') && spec.fusionauth) {
      let failed: { message: string; fix?: string } | undefined;
      try {
        // Check what will really be requested: the policy adds `email` whenever an allow-list is set.
        const report = await opts.preflight({ ...spec.fusionauth, scopes: scopesFor(spec.fusionauth) });
        failed = report.checks.find((c) => c.status === 'fail') ?? (report.ok ? undefined : { message: 'The FusionAuth check failed.' });
      } catch (err) {
        failed = { message: `The FusionAuth check could not run: ${scrub(err instanceof Error ? err.message : String(err), secrets())}` };
      }
      if (stale(e, run)) return;
      if (failed) {
        const error = portholeError('PREFLIGHT_FAILED', { message: failed.message, ...(failed.fix ? { fix: failed.fix } : {}) });
        dispatch(e, { type: 'preflightFailed', run, at: now(), error });
        return;
      }
    }
    for (;;) {
      let s: Slot;
      try {
        s = await whenUp();
      } catch (err) {
        if (stale(e, run)) return;
        dispatch(e, { type: 'failed', run, at: now(), error: toError(err, secrets()) });
        return;
      }
      if (stale(e, run)) return;
      let l: NgrokListener;
      try {
        l = await s.session!.listen(forwardConfigFor(spec), metadataFor(spec));
      } catch (err) {
        if (stale(e, run)) return;
        if (s !== slot) continue; // the session went away under us: bind on the next one
        dispatch(e, { type: 'failed', run, at: now(), error: toError(err, secrets()) });
        return;
      }
      if (stale(e, run)) return void (await bounded(l.close(), rec.closeTimeoutMs)); // stopped meanwhile: unbind
      if (s !== slot || s.retired) {
        void bounded(l.close(), rec.closeTimeoutMs);
        continue;
      }
      e.listener = l;
      e.slot = s;
      dispatch(e, { type: 'opened', run, url: l.url, at: now() });
      if (s.lostAt !== undefined) dispatch(e, { type: 'connectionLost', run, at: now() });
      void runVerify(e, run);
      return;
    }
  }

  async function runVerify(e: Entry, run: number): Promise<ProtectionResult | undefined> {
    const url = e.state.url;
    if (!opts.verify || !url || stale(e, run)) return undefined;
    let r: ProtectionResult;
    try {
      r = await opts.verify(url, e.spec);
    } catch (err) {
      r = { protection: 'unknown', reason: `the check failed: ${scrub(err instanceof Error ? err.message : String(err), secrets())}` };
    }
    // A check that ran while the connection was down saw ngrok's "offline" page, not the tunnel:
    // it says nothing, so it is not recorded; verifyIfUnsure() runs it again once the tunnel is back.
    if (e.state.url === url && e.state.kind === 'online') dispatch(e, { type: 'protectionChecked', run, at: now(), protection: r.protection, reason: r.reason });
    return r;
  }

  /** Back online on the same URL: check again unless a clear verdict (protected / open) stands. */
  function verifyIfUnsure(e: Entry) {
    if (e.state.kind === 'online' && e.state.protection !== 'protected' && e.state.protection !== 'open') void runVerify(e, e.state.run);
  }

  function start(name: string): Promise<TunnelView | undefined> {
    const e = entries.get(name);
    if (!e) return Promise.resolve(undefined);
    if (!dispatch(e, { type: 'startRequested', at: now() })) return e.state.kind === 'starting' && e.done ? e.done : Promise.resolve(view(e));
    const run = e.state.run;
    const task = runStart(e, run).catch((err) => {
      if (!stale(e, run)) dispatch(e, { type: 'failed', run, at: now(), error: toError(err, secrets()) });
    });
    e.task = task;
    e.done = task.then(() => view(e));
    return e.done;
  }

  async function stop(name: string): Promise<TunnelView | undefined> {
    const e = entries.get(name);
    if (!e) return undefined;
    dispatch(e, { type: 'stopRequested', at: now() });
    const l = e.listener;
    const s = e.slot;
    e.listener = undefined;
    e.slot = undefined;
    const task = e.task;
    // Nobody needs a session any more: release starts still waiting for one (a slow dial, a lost session).
    if (!needsSession()) {
      settleWaiters({ error: CANCELLED });
      kick?.();
    }
    if (l) {
      const lost = s?.lostAt !== undefined;
      const closed = await within(l.close(), rec.closeTimeoutMs);
      if (s && (!closed || lost)) orphan(s, l);
    }
    if (task) await task; // a start in flight unbinds what it bound late
    return view(e);
  }

  async function stopAll(): Promise<void> {
    epoch++;
    kick?.();
    const s = slot;
    slot = null;
    phase = 'none';
    if (s) s.stopping = true;
    for (const e of entries.values()) dispatch(e, { type: 'stopRequested', at: now() });
    settleWaiters({ error: CANCELLED });
    await Promise.all([...entries.keys()].map((n) => stop(n)));
    if (s) await retire(s, true);
  }

  function recover(): void {
    for (const e of entries.values()) {
      if (e.state.kind === 'error' && e.state.error?.code === 'NGROK_UNREACHABLE') void start(e.spec.name);
    }
    if (!needsSession()) return;
    if (phase === 'rebuilding') return void kick?.(); // dial now, not after the backoff
    if (!slot || phase === 'connecting' || phase === 'none') return; // a first dial is under way
    if (phase === 'lost') return scheduleTakeover(slot, 0); // rebuild now, unless an SDK dial is in flight
    void probe(slot);
  }

  /** recover() on a session that looks up: one round trip decides whether it is really alive. */
  async function probe(s: Slot) {
    if (s.probing) return;
    s.probing = true;
    const alive = await Promise.race([s.session!.probe(), sleep(rec.probeTimeoutMs).then(() => false)]);
    s.probing = false;
    if (s !== slot || s.retired) return;
    if (alive) return void log(`session ${s.gen} answered: nothing to recover`);
    if (s.lostAt === undefined) markLost(s, 'no answer after wake or network change');
    scheduleTakeover(s, 0);
  }

  function add(input: unknown): Result<TunnelView> {
    const r = parseTunnelSpec(input);
    if (!r.ok) return r;
    if (entries.has(r.value.name)) return { ok: false, errors: [invalidInput('name', `name "${r.value.name}" is already used by another tunnel`, 'Choose another name.')] };
    const e: Entry = { spec: r.value, state: initialState(now()) };
    entries.set(r.value.name, e);
    const v = view(e);
    publish(v);
    return { ok: true, value: v };
  }

  async function update(input: unknown): Promise<Result<TunnelView>> {
    const r = parseTunnelSpec(input);
    if (!r.ok) return r;
    const e = entries.get(r.value.name);
    if (!e) return { ok: false, errors: [invalidInput('name', `no tunnel is named "${r.value.name}"`, 'Add the tunnel first.')] };
    if (JSON.stringify(e.spec) === JSON.stringify(r.value)) return { ok: true, value: view(e) };
    const wasActive = isActive(e.state);
    if (wasActive) await stop(e.spec.name);
    e.spec = r.value;
    publish(view(e));
    if (wasActive) void start(e.spec.name);
    return { ok: true, value: view(e) };
  }

  async function remove(name: string): Promise<boolean> {
    const e = entries.get(name);
    if (!e) return false;
    await stop(name);
    entries.delete(name);
    publish(view(e));
    return true;
  }

  async function setSession(input: unknown): Promise<Result<SessionSpec>> {
    const r = parseSessionSpec(input);
    if (!r.ok) return r;
    if (JSON.stringify(r.value) === JSON.stringify(sessionSpec)) return r;
    epoch++;
    kick?.();
    const old = slot;
    slot = null;
    phase = 'none';
    sessionSpec = r.value;
    if (old) {
      for (const e of entries.values()) if (e.slot === old && e.state.kind === 'online') dispatch(e, { type: 'connectionLost', run: e.state.run, at: now() });
      await retire(old, old.lostAt === undefined); // a lost session cannot answer Unbinds
    }
    if (needsSession()) void rebuild('the session settings changed');
    return r;
  }

  return {
    add,
    update,
    remove,
    start,
    stop,
    stopAll,
    recover,
    verify: async (name) => {
      const e = entries.get(name);
      return e ? runVerify(e, e.state.run) : undefined;
    },
    list,
    get: (name) => {
      const e = entries.get(name);
      return e ? view(e) : undefined;
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => void subscribers.delete(fn);
    },
    setSession,
  };
}
