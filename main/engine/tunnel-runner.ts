// shell: runs each tunnel's lifecycle (state.ts) — the FusionAuth preflight, binding on the session,
// the protection check, binding again after a rebuild — and stops it without leaving a listener behind.
import { randomBytes } from 'node:crypto';
import type { PortholeError, ProtectionResult, RunPreflight, TunnelSpec, TunnelView, VerifyProtection } from '../../common/types.js';
import { describe, portholeError, scrub } from '../../common/errors.js';
import { boundDomainOf, forwardConfigFor, upstreamUrlFor } from '../tunnel/forward-config.js';
import { recordsVisits, scopesFor, wantsIdentity } from '../tunnel/policy.js';
import type { NgrokListener } from '../tunnel/ngrok.js';
import { PROBE_HEADER } from '../tunnel/identity-headers.js';
import type { VisitLog } from '../visits/log.js';
import type { ExchangeStore } from '../visits/capture.js';
import { bounded, sleep, within } from './async.js';
import type { AgentConnection, Registry, TunnelRecord } from './registry.js';
import type { SessionRunner, TunnelHooks } from './session-runner.js';
import { isActive } from './state.js';

interface TunnelRunnerOptions {
  preflight?: RunPreflight;
  verify?: VerifyProtection;
  closeTimeoutMs: number;
  /** Where the recording proxies write; without it no tunnel records. */
  visitLog?: VisitLog;
  /** Where a recording tunnel's exchanges are kept for the inspector; without it none are. */
  exchanges?: ExchangeStore;
  /** The first wait before binding again a domain ngrok still holds for the dead connection; it doubles up to heldRetryMaxMs. */
  heldRetryFirstMs: number;
  heldRetryMaxMs: number;
}

const metadataFor = (spec: TunnelSpec) => JSON.stringify({ porthole: spec.name });

/** Runs each tunnel's lifecycle; also what the session's effects do to tunnels (TunnelHooks). */
export class TunnelRunner implements TunnelHooks {
  constructor(
    private readonly reg: Registry,
    private readonly sessions: SessionRunner,
    private readonly opts: TunnelRunnerOptions,
  ) {}

  /** Starts a tunnel; resolves once it is online or failed (no-op when already running). */
  start(name: string): Promise<TunnelView | undefined> {
    const { reg } = this;
    const r = reg.records.get(name);
    if (!r) return Promise.resolve(undefined);
    if (!reg.dispatch(r, { type: 'startRequested', at: reg.now() })) return r.state.kind === 'starting' && r.done ? r.done : Promise.resolve(reg.view(r));
    const run = r.state.run;
    const task = this.runStart(r, run).catch((err) => {
      void this.dropProxy(r);
      if (!reg.isStale(r, run)) reg.dispatch(r, { type: 'failed', run, at: reg.now(), error: reg.toError(err) });
    });
    r.task = task;
    r.done = task.then(() => reg.view(r));
    return r.done;
  }

  /** Stops a tunnel; a start in progress is cancelled and leaves no listener behind. */
  async stop(name: string): Promise<TunnelView | undefined> {
    const { reg, sessions } = this;
    const r = reg.records.get(name);
    if (!r) return undefined;
    reg.dispatch(r, { type: 'stopRequested', at: reg.now() });
    const l = r.listener;
    const c = r.connection;
    r.listener = undefined;
    r.connection = undefined;
    const task = r.task;
    if (!reg.needsSession()) sessions.noTunnelNeedsIt();
    if (l) {
      const lost = c !== undefined && sessions.isLost(c);
      const closed = await within(l.close(), this.opts.closeTimeoutMs);
      if (c && (!closed || lost)) sessions.stray(c, l);
    }
    if (task) await task; // a start in flight unbinds what it bound late
    await this.dropProxy(r); // after the listener: nothing arrives at it any more
    return reg.view(r);
  }

  /** Checks the protection of this run's URL and records the verdict while the tunnel is online. */
  async verify(r: TunnelRecord, run: number): Promise<ProtectionResult | undefined> {
    const { reg } = this;
    const url = r.state.url;
    if (!this.opts.verify || !url || reg.isStale(r, run)) return undefined;
    let res: ProtectionResult;
    try {
      res = await this.opts.verify(url, r.spec, r.marks && r.proxy ? { headers: { [PROBE_HEADER]: r.marks.probe } } : undefined);
    } catch (err) {
      res = { protection: 'unknown', reason: `the check failed: ${this.text(err)}` };
    }
    // A check that ran while the connection was down saw ngrok's "offline" page, not the tunnel:
    // it says nothing, so it is not recorded; verifyIfUnsure() runs it again once the tunnel is back.
    if (r.state.url === url && r.state.kind === 'online') reg.dispatch(r, { type: 'protectionChecked', run, at: reg.now(), protection: res.protection, reason: res.reason });
    return res;
  }

  markLost(c: AgentConnection): void {
    for (const r of this.on(c)) if (r.state.kind === 'online') this.reg.dispatch(r, { type: 'connectionLost', run: r.state.run, at: this.reg.now() });
  }

  back(c: AgentConnection): void {
    for (const r of this.on(c)) {
      if (r.listener && r.state.kind === 'reconnecting' && this.reg.dispatch(r, { type: 'reconnected', run: r.state.run, url: r.listener.url, at: this.reg.now() })) this.verifyIfUnsure(r);
    }
  }

  rebind(c: AgentConnection): void {
    for (const r of this.reg.records.values()) if (r.state.kind === 'reconnecting' && r.connection !== c) void this.rebindOne(r, c, r.state.run);
  }

  failOn(c: AgentConnection, error: PortholeError): void {
    for (const r of this.on(c)) if (isActive(r.state)) this.reg.dispatch(r, { type: 'failed', run: r.state.run, at: this.reg.now(), error });
  }

  failRunning(error: PortholeError): void {
    for (const r of this.reg.records.values()) {
      if (isActive(r.state) && r.state.kind !== 'starting') this.reg.dispatch(r, { type: 'failed', run: r.state.run, at: this.reg.now(), error });
    }
  }

  private on(c: AgentConnection): TunnelRecord[] {
    return [...this.reg.records.values()].filter((r) => r.connection === c);
  }

  private text(err: unknown): string {
    return scrub(err instanceof Error ? err.message : String(err), this.reg.secrets());
  }

  private closeQuietly(l: NgrokListener): Promise<void> {
    return bounded(l.close(), this.opts.closeTimeoutMs);
  }

  /** True when the start may go on; otherwise the tunnel is in error with the preflight's verdict. */
  private async preflightPasses(r: TunnelRecord, run: number): Promise<boolean> {
    const { spec } = r;
    const { preflight } = this.opts;
    if (!preflight || (spec.mode !== 'oidc' && spec.mode !== 'oidc-legacy') || !spec.fusionauth) return true;
    let failed: { message: string; fix?: string } | undefined;
    try {
      // Check what will really be requested: the policy adds `email` for an allow-list, `email profile` while recording.
      const report = await preflight({ ...spec.fusionauth, scopes: scopesFor(spec.fusionauth, { identity: wantsIdentity(spec) }) });
      failed = report.checks.find((c) => c.status === 'fail') ?? (report.ok ? undefined : { message: 'The FusionAuth check failed.' });
    } catch (err) {
      failed = { message: `The FusionAuth check could not run: ${this.text(err)}` };
    }
    if (this.reg.isStale(r, run)) return false;
    if (!failed) return true;
    const error = portholeError('PREFLIGHT_FAILED', { message: failed.message, ...(failed.fix ? { fix: failed.fix } : {}) });
    this.reg.dispatch(r, { type: 'preflightFailed', run, at: this.reg.now(), error });
    return false;
  }

  private async runStart(r: TunnelRecord, run: number): Promise<void> {
    const { reg, sessions } = this;
    if (!(await this.preflightPasses(r, run))) return;
    const upstream = await this.openProxy(r, run);
    if (upstream === null) return;
    for (;;) {
      let c: AgentConnection;
      try {
        c = await sessions.whenUp();
      } catch (err) {
        if (!reg.isStale(r, run)) reg.dispatch(r, { type: 'failed', run, at: reg.now(), error: reg.toError(err) });
        return;
      }
      if (reg.isStale(r, run)) return;
      let l: NgrokListener;
      try {
        l = await c.session!.listen(forwardConfigFor(r.spec, upstream, { proof: r.marks?.proof }), metadataFor(r.spec));
      } catch (err) {
        if (reg.isStale(r, run)) return;
        if (!sessions.isCurrent(c)) continue; // the session went away under us: bind on the next one
        void this.dropProxy(r);
        return void reg.dispatch(r, { type: 'failed', run, at: reg.now(), error: reg.toError(err) });
      }
      if (reg.isStale(r, run)) return void (await this.closeQuietly(l)); // stopped meanwhile: unbind
      if (!sessions.isCurrent(c) || c.retired) {
        void this.closeQuietly(l);
        continue;
      }
      r.listener = l;
      r.connection = c;
      reg.dispatch(r, { type: 'opened', run, url: l.url, at: reg.now() });
      if (sessions.isLost(c)) reg.dispatch(r, { type: 'connectionLost', run, at: reg.now() });
      void this.verify(r, run);
      return;
    }
  }

  /**
   * While recording, starts this run's recording proxy in front of the app: its URL is what the
   * tunnel forwards to. undefined: not recording, forward to the app itself. null: the run ended
   * meanwhile, or the proxy could not start (the tunnel is then in error, with the fix).
   */
  private async openProxy(r: TunnelRecord, run: number): Promise<string | undefined | null> {
    const { reg } = this;
    await this.dropProxy(r); // a previous run's, left by a failure
    const log = this.opts.visitLog;
    const record = !!log && recordsVisits(r.spec);
    // Without recording, the proxy stands in the data path only to rewrite the Host header.
    if (!record && r.spec.hostHeader !== 'rewrite') return undefined;
    // The proxy loads only when a tunnel needs it: a start without it pays nothing for it.
    const { startVisitProxy } = await import('../visits/proxy.js');
    r.marks = { proof: randomBytes(24).toString('base64url'), probe: randomBytes(24).toString('base64url') };
    const started = await startVisitProxy({
      tunnel: r.spec.name,
      target: upstreamUrlFor(r.spec.target),
      log: record ? log! : null,
      // Only the oidc mode's policy signs visitors in and adds the proof after it.
      ...(r.spec.mode === 'oidc' ? { proof: r.marks.proof } : {}),
      probe: r.marks.probe,
      ...(record && this.opts.exchanges ? { exchanges: this.opts.exchanges } : {}),
      ...(r.spec.hostHeader === 'rewrite' ? { hostHeader: 'rewrite' as const } : {}),
    });
    if (!started.ok) {
      if (!reg.isStale(r, run)) reg.dispatch(r, { type: 'failed', run, at: reg.now(), error: started.errors[0]! });
      return null;
    }
    if (reg.isStale(r, run)) {
      await started.value.close();
      return null;
    }
    r.proxy = started.value;
    return started.value.url;
  }

  private async dropProxy(r: TunnelRecord): Promise<void> {
    const p = r.proxy;
    r.proxy = undefined;
    if (p) await p.close();
  }

  /**
   * Binds a tunnel again on a rebuilt connection. ERR_NGROK_334 here means ngrok still holds the domain
   * for the dead connection (it lets go once it notices, which after a sleep can take minutes): the
   * tunnel stays reconnecting with that reason, and the bind is tried again for as long as the tunnel
   * runs on this connection, never given up.
   */
  private async rebindOne(r: TunnelRecord, c: AgentConnection, run: number): Promise<void> {
    const { reg, sessions } = this;
    let wait = this.opts.heldRetryFirstMs;
    for (;;) {
      try {
        const l = await c.session!.listen(forwardConfigFor(r.spec, r.proxy?.url, { proof: r.marks?.proof }), metadataFor(r.spec));
        if (reg.isStale(r, run) || !sessions.isCurrent(c)) return void this.closeQuietly(l);
        const prevUrl = r.state.url;
        r.listener = l;
        r.connection = c;
        reg.dispatch(r, { type: 'reconnected', run, url: l.url, at: reg.now() });
        if (l.url !== prevUrl) void this.verify(r, run);
        else this.verifyIfUnsure(r);
        return;
      } catch (err) {
        if (reg.isStale(r, run) || !sessions.isCurrent(c)) return;
        const error = reg.toError(err);
        if (error.code !== 'NGROK_ENDPOINT_ONLINE') return void reg.dispatch(r, { type: 'failed', run, at: reg.now(), error });
        const at = reg.now();
        const held = portholeError('NGROK_ENDPOINT_HELD', describe('NGROK_ENDPOINT_HELD', { domain: boundDomainOf(r.spec), since: at }));
        if (reg.dispatch(r, { type: 'rebindRefused', run, at, error: { ...held, ngrokCode: error.ngrokCode ?? 'ERR_NGROK_334' } })) {
          reg.log(`${r.spec.name}: ngrok still holds its domain for the previous connection; binding again every ${this.opts.heldRetryMaxMs} ms at most`);
        }
        await sleep(wait);
        wait = Math.min(wait * 2, this.opts.heldRetryMaxMs);
        if (reg.isStale(r, run) || !sessions.isCurrent(c) || r.state.kind !== 'reconnecting') return;
      }
    }
  }

  /** Back online on the same URL: check again unless a clear verdict (protected / open) stands. */
  private verifyIfUnsure(r: TunnelRecord): void {
    if (r.state.kind === 'online' && r.state.protection !== 'protected' && r.state.protection !== 'open') void this.verify(r, r.state.run);
  }
}
