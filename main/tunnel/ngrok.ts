// adapter: the only importer of @ngrok/ngrok. One SDK session per authtoken (custom ingress and CA
// through SessionBuilder), one HTTP listener per tunnel. It makes no decisions: the engine does.
// Every callback handed to the SDK is wrapped: an exception escaping one kills the whole process
// (docs/ngrok-agent-protocol.md §10).
import ngrok from '@ngrok/ngrok';
import type { Listener, Session } from '@ngrok/ngrok';
import type { PortholeError, SessionSpec } from '../../common/types.js';
import { fromNgrokError } from '../errors.js';
import type { ListenerConfig } from './forward-config.js';

/** An SDK failure, already translated (and scrubbed of secrets). */
export class NgrokFailure extends Error {
  constructor(readonly error: PortholeError) {
    super(error.message);
    this.name = 'NgrokFailure';
  }
}

/** What the engine hears from a session. Return values and exceptions are handled here. */
export interface SessionCallbacks {
  /** The connection dropped and the SDK is about to redial; return false to forbid it. */
  onDisconnect(error: string): boolean;
  /** A heartbeat answer with its latency in ms, or null when none came within the tolerance. */
  onHeartbeat(latencyMs: number | null): void;
  /** ngrok (dashboard/API) asked this agent to stop. */
  onStopCommand?(): void;
}

export interface NgrokListener {
  readonly id: string;
  readonly url: string;
  /** Unbinds the endpoint. */
  close(): Promise<void>;
}

export interface NgrokSession {
  /** Binds one HTTP endpoint and forwards its connections to `cfg.addr`. */
  listen(cfg: ListenerConfig, metadata?: string): Promise<NgrokListener>;
  /**
   * One round trip through the session: true when ngrok answered, false when the connection is down.
   * Never rejects, but may never settle on a half-open connection (after sleep): bound it. While it
   * is pending, the SDK holds back this session's other requests.
   */
  probe(): Promise<boolean>;
  /** Ends the session, its listeners and its reconnect loop. */
  close(): Promise<void>;
}

/** Port: opens an ngrok agent session. Rejects with NgrokFailure. */
export type ConnectSession = (spec: SessionSpec, callbacks: SessionCallbacks) => Promise<NgrokSession>;

const CLIENT_TYPE = 'porthole';
/** The id `probe()` asks ngrok to unbind: no listener ever has it. */
const PROBE_ID = 'porthole-liveness-probe';
const CLIENT_VERSION = '0.1.0';

function guard<A extends unknown[], R>(fn: (...args: A) => R, fallback: R): (...args: A) => R {
  return (...args: A) => {
    try {
      return fn(...args);
    } catch {
      return fallback;
    }
  };
}

/** The values to scrub from an SDK error: the authtoken, and those the listener's config carries (forward-config.ts). */
function secretsOf(spec: SessionSpec, cfg?: ListenerConfig): string[] {
  return [spec.authtoken, ...(cfg?.secrets ?? [])];
}

function wrapListener(l: Listener): NgrokListener {
  const id = l.id();
  const url = l.url() ?? '';
  return {
    id,
    url,
    close: () => l.close(),
  };
}

/**
 * The handlers handed to the SDK, built in a scope of their own. The SDK keeps them as GC roots for as
 * long as the native session lives, and the native session lives as long as its JS object: a handler
 * that could reach that object (through a shared closure scope, or the engine's callbacks, which hold
 * the connection) would keep session, callbacks and connection alive for ever, one set per retired
 * session. So they reach the callbacks through this relay, and `cut()` (at close) lets go of them.
 * After the cut a disconnect forbids the redial, and a heartbeat (a redial that was already under way
 * when the session was closed) closes the session again, found through a weak reference.
 */
function relay(callbacks: SessionCallbacks) {
  let cb: SessionCallbacks | undefined = callbacks;
  let closed: WeakRef<Session> | undefined;
  return {
    onDisconnect: guard((_addr: string, error: string) => (cb ? cb.onDisconnect(String(error)) !== false : false), true),
    // The SDK passes null (not a number) when no answer came in time; its typings say number.
    onHeartbeat: guard((latency: number) => {
      if (cb) return cb.onHeartbeat(typeof latency === 'number' ? latency : null);
      if (typeof latency === 'number') void closed?.deref()?.close().catch(() => {});
    }, undefined),
    onStopCommand: guard(() => cb?.onStopCommand?.(), undefined),
    cut(session?: Session) {
      cb = undefined;
      if (session) closed = new WeakRef(session);
    },
  };
}

/** Applies a ListenerConfig to the SDK's HTTP listener builder. */
function build(session: Session, cfg: ListenerConfig, metadata?: string) {
  const b = session.httpEndpoint();
  if (cfg.domain) b.domain(cfg.domain);
  if (cfg.binding) b.binding(cfg.binding);
  if (cfg.traffic_policy) b.trafficPolicy(cfg.traffic_policy);
  if (cfg.pooling_enabled) b.poolingEnabled(true);
  if (cfg.oidc_issuer_url) {
    const list = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
    b.oidc(cfg.oidc_issuer_url, cfg.oidc_client_id ?? '', cfg.oidc_client_secret ?? '', list(cfg.oidc_allow_emails), list(cfg.oidc_allow_domains), list(cfg.oidc_scopes));
  }
  if (metadata) b.metadata(metadata);
  return b;
}

/** The real adapter: one SessionBuilder session. */
export const connectSession: ConnectSession = async (spec, callbacks) => {
  const builder = new ngrok.SessionBuilder();
  builder.authtoken(spec.authtoken).clientInfo(CLIENT_TYPE, CLIENT_VERSION);
  const ctx = { serverAddr: spec.serverAddr, secrets: secretsOf(spec) };
  try {
    if (spec.serverAddr) builder.serverAddr(spec.serverAddr);
    if (spec.caPem) builder.caCert(new Uint8Array(Buffer.from(spec.caPem)));
  } catch (err) {
    throw new NgrokFailure(fromNgrokError(err, ctx));
  }
  const link = relay(callbacks);
  builder.handleDisconnection(link.onDisconnect);
  builder.handleHeartbeat(link.onHeartbeat);
  builder.handleStopCommand(link.onStopCommand);
  let session: Session;
  try {
    session = await builder.connect();
  } catch (err) {
    link.cut();
    throw new NgrokFailure(fromNgrokError(err, ctx));
  }
  return {
    async listen(cfg, metadata) {
      try {
        return wrapListener(await build(session, cfg, metadata).listenAndForward(cfg.addr));
      } catch (err) {
        throw new NgrokFailure(fromNgrokError(err, { ...ctx, secrets: secretsOf(spec, cfg), ...(cfg.domain ? { domain: cfg.domain } : {}), ...(cfg.pooling_enabled ? { pooled: true } : {}) }));
      }
    },
    async probe() {
      // An Unbind of an id that does not exist changes nothing, and its answer proves the connection
      // works. The SDK's text says which failure it was: "rpc error response" is ngrok answering (alive);
      // "failed to open muxado stream" / "…rpc response" is the connection failing (down).
      try {
        await session.closeListener(PROBE_ID);
        return true;
      } catch (err) {
        const text = err instanceof Error ? err.message : String(err);
        return typeof (err as { errorCode?: unknown })?.errorCode === 'string' || /rpc error response/i.test(text);
      }
    },
    close() {
      // Listeners still bound stay in the SDK's global table after this (1.7.0 drops an entry only
      // when that listener's own close() is answered); closing them afterwards does not help: a call
      // the SDK rejects keeps its JS object (and the native session it holds) alive for good. So the
      // engine unbinds first while the connection is up, and a lost one is only closed.
      link.cut(session);
      return session.close();
    },
  };
};
