// shell: runs the session machine (session.ts). It owns the live agent connections, their timers and
// the starts waiting for a session; it turns SDK callbacks and timer expiries into events and carries
// the machine's effects out, in order. What the effects do to tunnels goes through TunnelHooks.
import type { PortholeError } from '../../common/types.js';
import { isFatalSessionError } from '../errors.js';
import type { ConnectSession, NgrokListener } from '../tunnel/ngrok.js';
import { bounded, deferred, sleep, timer, within, type Deferred } from './async.js';
import type { AgentConnection, Registry } from './registry.js';
import { initialSession, step, type SessionEffect, type SessionEvent, type SessionState, type SessionTimings } from './session.js';

export interface SessionRunnerOptions extends SessionTimings {
  /** Upper bound for an Unbind or a session close. */
  closeTimeoutMs: number;
  /** How long recover() waits for the session to answer before it counts as dead. */
  probeTimeoutMs: number;
}

/** What session effects do to the tunnels (implemented by tunnel-runner.ts). */
export interface TunnelHooks {
  /** Online tunnels on `c` are reconnecting. */
  markLost(c: AgentConnection): void;
  /** The SDK re-bound the tunnels on `c`: they are online again. */
  back(c: AgentConnection): void;
  /** Bind every reconnecting tunnel again on the rebuilt `c`. */
  rebind(c: AgentConnection): void;
  failOn(c: AgentConnection, error: PortholeError): void;
  failRunning(error: PortholeError): void;
}

/** Runs the session machine: see the header. */
export class SessionRunner {
  private state: SessionState;
  private readonly connections = new Map<number, AgentConnection>();
  private waiters: Deferred<AgentConnection>[] = [];
  private backoff: { timer: ReturnType<typeof setTimeout>; resets: number } | undefined;

  constructor(
    private readonly reg: Registry,
    private readonly connect: ConnectSession,
    private readonly opts: SessionRunnerOptions,
    private readonly hooks: TunnelHooks,
  ) {
    this.state = initialSession(opts);
  }

  /** The current connection once it is up (dialing first if there is none). */
  whenUp(): Promise<AgentConnection> {
    const c = this.current();
    if (this.state.phase === 'up' && c) return Promise.resolve(c);
    const d = deferred<AgentConnection>();
    this.waiters.push(d);
    void this.run({ type: 'startWaiting' });
    return d.promise;
  }

  isCurrent(c: AgentConnection): boolean {
    return this.current() === c;
  }

  /** True while the current connection `c` is down and the SDK or we are bringing it back. */
  isLost(c: AgentConnection): boolean {
    return this.current() === c && this.state.lostAt !== undefined;
  }

  /** A listener whose Unbind could not reach ngrok: the SDK still holds it and would re-bind it on reconnect. */
  stray(c: AgentConnection, l: NgrokListener): void {
    if (c.retired) return;
    if (this.current() === c && !this.reg.needsSession()) return void this.run({ type: 'lastTunnelStoppedWhileLost', connection: c.id });
    c.strays.push(l);
  }

  /** No tunnel needs the session any more: release the starts still waiting for it. */
  noTunnelNeedsIt(): void {
    void this.run({ type: 'noTunnelNeedsIt' });
  }

  /** On wake or a network change, while some tunnel needs the session. */
  recover(): void {
    void this.run({ type: 'recoverRequested' });
  }

  rebuild(reason: string): void {
    void this.run({ type: 'rebuildRequested', reason });
  }

  /** Abandons the current connection and any dial under way; returns the connection for the caller to retire. */
  reset(): { connection?: AgentConnection; lost: boolean } {
    const connection = this.current();
    const lost = this.state.lostAt !== undefined;
    void this.run({ type: 'reset' });
    return { connection, lost };
  }

  /** Ends a connection for good: its reconnect loop too. With `unbind`, its listeners are closed first. */
  async retire(c: AgentConnection, unbind: boolean): Promise<void> {
    if (c.retired) return;
    c.retired = true;
    this.connections.delete(c.id);
    clearTimeout(c.takeoverTimer);
    clearTimeout(c.settleTimer);
    c.strays = []; // closing the session ends them too
    const closing: Promise<unknown>[] = [];
    for (const r of this.reg.records.values()) {
      if (r.connection !== c) continue;
      if (r.listener && unbind) closing.push(r.listener.close());
      r.listener = undefined;
      r.connection = undefined;
    }
    if (closing.length) await bounded(Promise.all(closing), this.opts.closeTimeoutMs);
    if (c.session) await bounded(c.session.close(), this.opts.closeTimeoutMs);
    this.reg.log(`session ${c.id} closed`);
  }

  private current(): AgentConnection | undefined {
    return this.state.current === undefined ? undefined : this.connections.get(this.state.current);
  }

  private run(event: SessionEvent): Promise<void> | undefined {
    const r = step(this.state, event);
    this.state = r.state;
    return this.apply(r.effects);
  }

  /** Carries effects out in order; an awaited retire holds back the ones after it. */
  private apply(effects: SessionEffect[]): Promise<void> | undefined {
    for (let i = 0; i < effects.length; i++) {
      const fx = effects[i]!;
      if (fx.type !== 'retire') {
        this.perform(fx);
        continue;
      }
      const c = this.connections.get(fx.connection);
      if (!c) continue;
      if (!fx.await) void this.retire(c, fx.unbind);
      else return this.retire(c, fx.unbind).then(() => this.apply(effects.slice(i + 1)));
    }
    return undefined;
  }

  private perform(fx: Exclude<SessionEffect, { type: 'retire' }>): void {
    switch (fx.type) {
      case 'dial':
        return void this.dial(fx.connection, fx.resets);
      case 'redialIn':
        this.backoff = { timer: timer(() => this.fireRedial(), fx.ms), resets: fx.resets };
        return;
      case 'redialNow':
        if (this.backoff) queueMicrotask(() => this.fireRedial());
        return;
      case 'redial':
        return void this.run({ type: 'redialDue', resets: fx.resets, needed: this.reg.needsSession() });
      case 'log':
        return this.reg.log(fx.line);
      case 'rejectWaiters':
        return this.settleWaiters({ error: fx.error });
      case 'failRunningTunnels':
        return this.hooks.failRunning(fx.error);
    }
    const c = this.connections.get(fx.connection);
    if (c) this.performOn(c, fx);
  }

  private performOn(c: AgentConnection, fx: SessionEffect): void {
    switch (fx.type) {
      case 'armTakeover':
        clearTimeout(c.takeoverTimer);
        c.takeoverTimer = timer(() => void this.run({ type: 'takeoverDue', connection: c.id, at: this.reg.now(), needed: this.reg.needsSession() }), fx.ms);
        return;
      case 'disarmTakeover':
        return clearTimeout(c.takeoverTimer);
      case 'armSettle':
        clearTimeout(c.settleTimer);
        c.settleTimer = timer(() => void this.run({ type: 'settled', connection: c.id, beatAt: fx.beatAt }), fx.ms);
        return;
      case 'disarmSettle':
        return clearTimeout(c.settleTimer);
      case 'probe':
        return void this.probe(c);
      case 'confirm':
        return void this.confirm(c, fx.beatAt);
      case 'markTunnelsLost':
        return this.hooks.markLost(c);
      case 'tunnelsBack':
        this.hooks.back(c);
        return this.closeStrays(c);
      case 'rebindTunnels':
        return this.hooks.rebind(c);
      case 'failTunnelsOn':
        return this.hooks.failOn(c, fx.error);
      case 'resolveWaiters':
        return this.settleWaiters({ connection: c });
    }
  }

  private fireRedial(): void {
    const b = this.backoff;
    if (!b) return;
    clearTimeout(b.timer);
    this.backoff = undefined;
    void this.run({ type: 'redialDue', resets: b.resets, needed: this.reg.needsSession() });
  }

  private settleWaiters(r: { connection: AgentConnection } | { error: PortholeError }): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) 'connection' in r ? w.resolve(r.connection) : w.reject(r.error);
  }

  private async dial(id: number, resets: number): Promise<void> {
    const c: AgentConnection = { id, retired: false, closing: false, strays: [] };
    this.connections.set(id, c);
    try {
      c.session = await this.connect(this.reg.session, {
        onDisconnect: (why) => this.onDisconnect(c, why),
        onHeartbeat: (latencyMs) => this.onHeartbeat(c, latencyMs),
        onStopCommand: () => void this.run({ type: 'stopCommanded', connection: id }),
      });
    } catch (err) {
      this.connections.delete(id);
      const error = this.reg.toError(err);
      return void this.run({ type: 'dialFailed', resets, error, fatal: isFatalSessionError(error) });
    }
    this.run({ type: 'dialed', connection: id, resets });
  }

  private onDisconnect(c: AgentConnection, why: string): boolean {
    // A replaced connection must never redial (retire() normally ended it already), nor one being stopped.
    // Refusing makes the SDK print "Aborting connection to …" on stdout: the CLI keeps the SDK in a
    // worker process for that (main/cli/worker.ts).
    if (c.retired || c.closing) return false;
    void this.run({ type: 'dropped', connection: c.id, at: this.reg.now(), why });
    return true; // a connection that is not current yet (its dial still resolving) may redial too
  }

  private onHeartbeat(c: AgentConnection, latencyMs: number | null): void {
    // A replaced connection that redialed anyway (a dial already in flight) is the adapter's to close again.
    if (c.retired) return;
    void this.run({ type: 'heartbeat', connection: c.id, at: this.reg.now(), latencyMs, needed: this.reg.needsSession() });
  }

  /** recover() on a connection that looks up: one round trip decides whether it is really alive. */
  private async probe(c: AgentConnection): Promise<void> {
    const alive = await Promise.race([c.session!.probe(), sleep(this.opts.probeTimeoutMs).then(() => false)]);
    if (!c.retired) void this.run({ type: 'probed', connection: c.id, at: this.reg.now(), alive });
  }

  /** After the SDK's reconnect: a round trip works only once it has re-bound every tunnel (it swaps connections then). */
  private async confirm(c: AgentConnection, beatAt: number): Promise<void> {
    const alive = await Promise.race([c.session!.probe(), sleep(this.opts.probeTimeoutMs).then(() => false)]);
    if (!c.retired) void this.run({ type: 'confirmed', connection: c.id, beatAt, alive });
  }

  /** The SDK re-bound the tunnels stopped while it was away: unbind them now (again later if that fails). */
  private closeStrays(c: AgentConnection): void {
    for (const l of c.strays.splice(0)) {
      void within(l.close(), this.opts.closeTimeoutMs).then((ok) => {
        if (!ok && !c.retired) c.strays.push(l);
      });
    }
  }
}
