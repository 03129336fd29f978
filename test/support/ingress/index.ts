// test support: a loopback ngrok ingress that the REAL @ngrok/ngrok 1.7.0 connects to in tests.
// It speaks the agent protocol (TLS, muxado, typed streams, Auth/Bind/Unbind RPCs, heartbeats,
// proxy streams; docs/ngrok-agent-protocol.md), records what it receives, serves
// each endpoint at its own 127.0.0.1 port, and can fail, drop and refuse on request,
// and send ngrok's Stop command as the dashboard does.
//
// URLs: a Bind is answered `http://127.0.0.1:<edge port>`; an internal endpoint (Extra.Bindings has
// 'internal') is answered `https://<Opts.Domain or tunnel id>.internal` (no second `.internal` when
// the domain already ends so) and still served at an edge port (edgeUrl(id)). A re-Bind with the same Id, or a later Bind asking for the same non-empty
// Opts.Domain (a "reserved domain"; the newest Bind takes the edge over), gets the same URL.
// After an Unbind the edge closes its listener: its URL REFUSES CONNECTIONS. While a bound tunnel's
// agent is disconnected (dropAll, outage) its edge answers 404 with ERR_NGROK_3200, as ngrok does.
//
// Reserved domains follow ngrok's rules (docs/ngrok-agent-protocol.md §11): a domain bound on one agent
// connection is refused to any other Bind (another connection, or another tunnel of the same one) with
// ERR_NGROK_334 unless every one of those Binds asked for pooling (Extra.PoolingEnabled). A connection
// that drops keeps its domains for `holdDomainsMs` (0 by default: released at once), as ngrok does until
// it notices the agent is gone. Pooled Binds share one edge and URL; visitors are spread round-robin over
// the members whose agent is connected.
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { ingressCerts } from './certs.js';
import { Edge, type EdgeAuthLike, type EdgeHooks } from './edge.js';
import { MuxSession, type MuxStream } from './muxado.js';
import { gateConfig, parseTrafficPolicy } from './policy.js';

export type { EdgeGateConfig } from './edge.js';

export interface AuthRecord {
  at: number;
  authtoken: string;
  /** ClientId as sent: '' on a first connect, the previous session id on a reconnect. */
  clientId: string;
  /** Extra.Cookie as sent: the previous Auth response's cookie on a reconnect. */
  cookie: string;
  /** The session id answered: a new one on a first connect, the resumed one (== clientId) on a reconnect; '' when refused. */
  sessionId: string;
  raw: any;
  /** Set when this Auth was refused (failAuth): the ngrok error code sent back. */
  error?: string;
}

export interface BindRecord {
  at: number;
  /** The tunnel id: the one assigned here, or the one re-bound. */
  id: string;
  /** The URL answered ('' when the Bind was refused). */
  url: string;
  proto: string;
  domain: string;
  /** Extra.Bindings (e.g. ['internal']). */
  bindings: string[];
  /** Extra.Metadata (listener metadata). */
  metadata: string;
  forwardsTo: string;
  /** Opts exactly as received. */
  opts: any;
  /** Opts.TrafficPolicy parsed (JSON, else YAML), null when unset. */
  trafficPolicy: any | null;
  /** Opts.OIDC (legacy agent options), snake_case keys as on the wire. */
  oidc: any | null;
  /** true when the agent re-bound an existing Id after a reconnect. */
  rebind: boolean;
  /** Extra.PoolingEnabled: the Bind asked to share its URL with other agents' endpoints. */
  pooled: boolean;
  raw: any;
  /** Set when this Bind was refused (failBind): the ngrok error code sent back. */
  error?: string;
}

export interface Ingress {
  /** '127.0.0.1:PORT' for server_addr. */
  serverAddr: string;
  /** PEM text of the CA (for session_ca_cert / SessionBuilder.caCert). */
  caPem: string;
  /** Path of the same PEM (for root_cas). */
  caFile: string;
  /** 'http://127.0.0.1:PORT/oauth2/callback': this ingress's stand-in for https://idp.ngrok.com/oauth2/callback. */
  idpCallbackUrl: string;
  auths: AuthRecord[];
  /** Every Bind received, refused ones included (they carry `error`). */
  binds: BindRecord[];
  unbinds: { at: number; id: string }[];
  /** Answer following Auths with {"Error":"<message>\n\n<code>\n"}; null stops. */
  failAuth(code: string | null, message?: string): void;
  /** How long a dropped connection keeps its reserved domains (refusing them to others); 0 releases at once. */
  holdDomains(ms: number): void;
  /** Reserved domains held now by a dropped connection, with when each is let go (ms since epoch). */
  heldDomains(): { domain: string; until: number }[];
  /** Which agent connection answered each proxied visitor of a domain's edge, as AuthRecord.sessionId (pool spreading). */
  servedBy: { domain: string; sessionId: string }[];
  /** Refuse following Binds for which pred is true (default code ERR_NGROK_324); null stops. */
  failBind(pred: ((b: BindRecord) => boolean) | null, code?: string, message?: string): void;
  /** Destroy every agent TCP connection now (the agent reconnects by itself). */
  dropAll(): void;
  /** Drop all and refuse connections (listener closed) for ms, then listen again on the same port. */
  outage(ms: number): Promise<void>;
  /**
   * Stop reading from the agent connections open now, as a half-open connection does after the
   * laptop slept: no answers (RPCs, heartbeats), no reset, visitors get ERR_NGROK_3200. Connections
   * made later are served normally. `thaw()` reads on (what was sent meanwhile is answered then);
   * `drop()` destroys the frozen connections.
   */
  freeze(): { thaw(): void; drop(): void };
  /**
   * Send ngrok's Stop command (what the dashboard's or the API's "stop agent" does) on every agent
   * connection open now, frozen ones excepted, or only on those of one session (AuthRecord.sessionId):
   * a server-opened stream of type 5 carrying `{}`.
   * Resolves with each agent's answer (`{}` when its handler ran, `{"Error":…}` without one). The
   * connection stays open, as the agent is expected to end it; dropAll() plays the server ending it.
   */
  sendStop(opts?: { sessionId?: string; timeoutMs?: number }): Promise<any[]>;
  /** Agent TCP connections open now. */
  connections(): number;
  /** Loopback base URL serving tunnel id (== Bind URL, except internal endpoints); kept after Unbind. */
  edgeUrl(id: string): string | undefined;
  /** Poll until pred() (default 5000 ms), else reject with a clear message. */
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  /** Close everything (agent connections, edges, idp server). */
  close(): Promise<void>;
}

/** test/support/edge-gate.ts's EdgeAuth, as the ingress uses it. */
interface EdgeAuth extends EdgeAuthLike {
  callback(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const T_AUTH = 0;
const T_BIND = 1;
const T_UNBIND = 2;
const T_PROXY = 3;
const T_STOP = 5;
const T_LABELED_BIND = 7;
const T_HEARTBEAT = 0xffffffff;

interface AgentConn {
  mux: MuxSession;
  socket: tls.TLSSocket;
  /** freeze(): not read from, not used for visitors. */
  frozen: boolean;
  /** The session id answered to this connection's last Auth ('' before one succeeds). */
  sessionId: string;
}

interface Tunnel {
  id: string;
  token: string;
  record: BindRecord;
  edge: Edge;
  /** The agent connection that bound it last; null while that connection is gone. */
  conn: AgentConn | null;
  /** Opts.Domain ('' for none). */
  domain: string;
  pooled: boolean;
  /** After its connection dropped: until when it still holds its domain (ms since epoch; 0: not held). */
  heldUntil: number;
}

/** The OIDC sign-in gate of the edge (test/support/edge-gate.ts). A missing or broken module is an error, never a skip. */
export async function loadEdgeGate(): Promise<{ EdgeAuth: new (callbackUrl: string) => EdgeAuth }> {
  return import('../edge-gate.js');
}

export interface IngressOptions {
  /** Default true: defeats the agent's Nagle stalls. */
  quickAck?: boolean;
  /** How long a dropped connection keeps its reserved domains (default 0; see holdDomains()). */
  holdDomainsMs?: number;
  /** false: the account has no endpoint pooling, a pooled Bind is refused with ERR_NGROK_18019. Default true. */
  pooling?: boolean;
}

/** Start an ingress on 127.0.0.1 (random ports). */
export async function startIngress(opts: IngressOptions = {}): Promise<Ingress> {
  const quickAck = opts.quickAck ?? true;
  let holdMs = opts.holdDomainsMs ?? 0;
  const poolingAllowed = opts.pooling ?? true;
  const servedBy: { domain: string; sessionId: string }[] = [];
  /** Round-robin position per pooled edge. */
  const turns = new Map<Edge, number>();
  const certs = await ingressCerts();

  const auths: AuthRecord[] = [];
  const binds: BindRecord[] = [];
  const unbinds: { at: number; id: string }[] = [];
  const tunnels = new Map<string, Tunnel>();
  const edgeById = new Map<string, Edge>();
  const edgeByDomain = new Map<string, Edge>();
  const edges = new Set<Edge>();
  const conns = new Set<AgentConn>();
  const rawSockets = new Set<Socket>();
  const cookies = new Map<string, string>();
  let authFailure: { code: string; message: string } | null = null;
  let bindFailure: { pred: (b: BindRecord) => boolean; code: string; message: string } | null = null;
  let closing = false;

  // ---- the sign-in gate (OIDC at the edge, as ngrok enforces it), loaded on first use ----
  let auth: Promise<EdgeAuth> | null = null;
  let idpCallbackUrl = '';
  const edgeAuth = async (): Promise<EdgeAuth> => {
    auth ??= loadEdgeGate().then((mod) => new mod.EdgeAuth(idpCallbackUrl));
    try {
      const a = await auth;
      return a;
    } catch (err) {
      auth = null;
      throw err;
    }
  };
  const idp = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/oauth2/callback') return plain(res, 404, 'not found');
    edgeAuth()
      .then((a) => a.callback(req, res))
      .catch((err: unknown) => plain(res, 500, `callback failed: ${String(err)}`));
  });
  await listen(idp, 0);
  idpCallbackUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/oauth2/callback`;

  // ---- edges ----
  const hooks: EdgeHooks = {
    edgeAuth,
    openProxy(edge, clientAddr) {
      // Every tunnel served by this edge whose agent is connected: one, or a pool's members in turn.
      const live = [...tunnels.values()].filter((t) => t.edge === edge && t.conn && !t.conn.mux.closed && !t.conn.frozen);
      if (live.length === 0) return null;
      const turn = turns.get(edge) ?? 0;
      turns.set(edge, turn + 1);
      const t = live[turn % live.length]!;
      if (t.domain) servedBy.push({ domain: t.domain, sessionId: t.conn!.sessionId });
      return openProxyStream(t.conn!.mux, t, clientAddr);
    },
  };

  // ---- the agent-facing TLS server ----
  const server = tls.createServer({ key: certs.keyPem, cert: certs.certPem }, (socket) => {
    socket.setNoDelay(true);
    const conn: AgentConn = { mux: new MuxSession(socket, { quickAck }), socket, frozen: false, sessionId: '' };
    conns.add(conn);
    conn.mux.on('stream', (s: MuxStream) => onAgentStream(conn, s));
    conn.mux.on('close', () => {
      conns.delete(conn);
      for (const t of tunnels.values()) {
        if (t.conn !== conn) continue;
        t.conn = null;
        if (t.domain && holdMs > 0) t.heldUntil = Date.now() + holdMs;
      }
    });
  });
  server.on('connection', (raw: Socket) => {
    rawSockets.add(raw);
    raw.on('close', () => rawSockets.delete(raw));
  });
  server.on('tlsClientError', () => {}); // e.g. an agent that does not trust our CA
  server.on('error', () => {});
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;

  function onAgentStream(conn: AgentConn, s: MuxStream): void {
    s.on('error', () => {});
    let buf: Buffer = Buffer.alloc(0);
    let type: number | null = null;
    let answered = false;
    s.on('data', (chunk: Buffer) => {
      if (answered) return;
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      if (type === null) {
        if (buf.length < 4) return;
        type = buf.readUInt32BE(0);
        buf = buf.subarray(4);
        if (type === T_HEARTBEAT) conn.mux.heartbeatId = s.id;
      }
      if (type === T_HEARTBEAT) {
        // Echo each 4-byte heartbeat id as it comes.
        while (buf.length >= 4) {
          s.write(Buffer.from(buf.subarray(0, 4)));
          buf = buf.subarray(4);
        }
        return;
      }
      if (type !== T_AUTH && type !== T_BIND && type !== T_UNBIND && type !== T_LABELED_BIND) {
        answered = true;
        s.destroy();
        return;
      }
      // The agent does not half-close after a request: answer once the bytes form valid JSON.
      let req: any;
      try {
        req = JSON.parse(buf.toString('utf8'));
      } catch {
        return;
      }
      answered = true;
      rpc(conn, type, req)
        .catch((err: unknown) => ({ Error: `test ingress: ${String(err)}` }))
        .then((resp) => s.end(JSON.stringify(resp))); // the agent reads the response to EOF
    });
    s.on('end', () => {
      if (!s.writableEnded && (type === T_HEARTBEAT || !answered)) s.end();
    });
  }

  async function rpc(conn: AgentConn, type: number, req: any): Promise<object> {
    switch (type) {
      case T_AUTH: {
        const resp = onAuth(req);
        if (typeof resp.ClientId === 'string') conn.sessionId = resp.ClientId;
        return resp;
      }
      case T_BIND:
        return onBind(conn, req);
      case T_UNBIND:
        return onUnbind(req);
      default:
        // Labeled listeners were ngrok Edges, retired on 2025-12-31.
        return { Error: errorText('Edges and labeled tunnels have been retired.', 'ERR_NGROK_7008') };
    }
  }

  function onAuth(req: any): Record<string, unknown> {
    const extra = req?.Extra ?? {};
    const rec: AuthRecord = {
      at: Date.now(),
      authtoken: String(extra.AuthToken ?? ''),
      clientId: String(req?.ClientId ?? ''),
      cookie: String(extra.Cookie ?? ''),
      sessionId: '',
      raw: req,
    };
    auths.push(rec);
    if (authFailure) {
      rec.error = authFailure.code;
      return { Error: errorText(authFailure.message, authFailure.code) };
    }
    const clientId = rec.clientId || `sess_${rand()}`;
    rec.sessionId = clientId;
    let cookie = cookies.get(clientId);
    if (!cookie) cookies.set(clientId, (cookie = `cookie_${rand()}`));
    return {
      Version: '3',
      ClientId: clientId,
      Extra: { Version: 'porthole-test', Region: 'loopback', Cookie: cookie, AccountName: 'porthole-test', PlanName: 'test' },
    };
  }

  async function onBind(conn: AgentConn, req: any): Promise<object> {
    const opts = req?.Opts ?? {};
    const extra = req?.Extra ?? {};
    const sentId = String(req?.Id ?? '');
    const domain = String(opts.Domain ?? '');
    const bindings: string[] = Array.isArray(extra.Bindings) ? extra.Bindings.map(String) : [];
    const id = sentId || `tun_${rand()}`;
    const rec: BindRecord = {
      at: Date.now(),
      id,
      url: '',
      proto: String(req?.Proto ?? ''),
      domain,
      bindings,
      metadata: String(extra.Metadata ?? ''),
      forwardsTo: String(req?.ForwardsTo ?? ''),
      opts,
      trafficPolicy: parseTrafficPolicy(opts.TrafficPolicy),
      oidc: opts.OIDC ?? null,
      rebind: sentId !== '' && edgeById.has(sentId),
      pooled: extra.PoolingEnabled === true,
      raw: req,
    };
    binds.push(rec);
    if (bindFailure?.pred(rec)) {
      rec.error = bindFailure.code;
      return { Error: errorText(bindFailure.message, bindFailure.code) };
    }
    if (rec.pooled && !poolingAllowed) {
      rec.error = 'ERR_NGROK_18019';
      return { Error: errorText('This account does not have access to Endpoint pooling. Upgrade or switch to a pay-as-you-go plan for access.', 'ERR_NGROK_18019') };
    }
    if (domain) {
      const refused = domainConflict(id, domain, conn, rec.pooled);
      if (refused) {
        rec.error = 'ERR_NGROK_334';
        return { Error: errorText(refused, 'ERR_NGROK_334') };
      }
    }
    const edge = edgeById.get(id) ?? (domain ? edgeByDomain.get(domain) : undefined) ?? new Edge(id, hooks);
    edge.tunnelId = id;
    edge.gate = gateConfig(rec.trafficPolicy, rec.oidc);
    try {
      await edge.listen();
    } catch (err) {
      rec.error = 'ERR_NGROK_TEST_EDGE';
      return { Error: errorText(`test ingress: edge port ${edge.port} unavailable: ${String(err)}`, 'ERR_NGROK_TEST_EDGE') };
    }
    if (closing) {
      await edge.close();
      return { Error: errorText('test ingress is closing', 'ERR_NGROK_TEST_CLOSING') };
    }
    edges.add(edge);
    edgeById.set(id, edge);
    if (domain) edgeByDomain.set(domain, edge);
    rec.url = bindings.includes('internal') ? internalUrl(domain || id) : edge.url;
    const token = tunnels.get(id)?.token ?? `tok_${rand()}`;
    if (domain) {
      // Tunnels of a connection long gone no longer hold the domain: they leave its edge.
      for (const t of [...tunnels.values()]) if (t.domain === domain && t.id !== id && !holds(t)) tunnels.delete(t.id);
    }
    tunnels.set(id, { id, token, record: rec, edge, conn, domain, pooled: rec.pooled, heldUntil: 0 });
    return { Id: id, URL: rec.url, Proto: req?.Proto ?? '', Opts: opts, Extra: { Token: token } };
  }

  /** True while a tunnel still holds its domain: its connection is up, or dropped less than holdMs ago. */
  function holds(t: Tunnel): boolean {
    return t.conn ? !t.conn.mux.closed : t.heldUntil > Date.now();
  }

  /** ngrok's rule for a reserved domain: the refusal text (ERR_NGROK_334), or null when the Bind may have it. */
  function domainConflict(id: string, domain: string, conn: AgentConn, pooled: boolean): string | null {
    const holders = [...tunnels.values()].filter((t) => t.domain === domain && !(t.id === id && t.conn === conn) && holds(t));
    if (holders.length === 0) return null;
    if (pooled && holders.every((t) => t.pooled)) return null;
    return `The endpoint 'https://${domain}' is already online. Either\n1. stop your existing endpoint first, or\n2. start both endpoints with \`--pooling-enabled\` to load balance between them.`;
  }

  async function onUnbind(req: any): Promise<object> {
    const id = String(req?.Id ?? '');
    const t = tunnels.get(id);
    if (t) {
      tunnels.delete(id);
      // Close the edge unless another tunnel serves it (a newer Bind of the same domain, or a pool's other members).
      if (![...tunnels.values()].some((o) => o.edge === t.edge)) await t.edge.close();
    }
    // Recorded once the edge is gone, so a test that saw the Unbind sees a dead URL too.
    unbinds.push({ at: Date.now(), id });
    return {};
  }

  /** A server command (docs/ngrok-agent-protocol.md §3): type + JSON out, the agent's JSON answer back. */
  function command(conn: AgentConn, type: number, body: object, timeoutMs: number): Promise<any> {
    return new Promise((resolve, reject) => {
      const s = conn.mux.open();
      let text = '';
      const done = (err: Error | null, answer?: any) => {
        clearTimeout(timer);
        if (!s.destroyed) s.destroy();
        if (err) reject(err);
        else resolve(answer);
      };
      const timer = setTimeout(() => done(new Error(`test ingress: no answer to command type ${type} within ${timeoutMs} ms`)), timeoutMs);
      s.on('error', () => {});
      s.on('close', () => done(new Error(`test ingress: the agent closed command stream type ${type} without an answer`)));
      s.setEncoding('utf8');
      // Like the RPCs the other way: answer parsed as soon as the bytes form valid JSON, no EOF needed.
      s.on('data', (chunk: string) => {
        text += chunk;
        try {
          done(null, JSON.parse(text));
        } catch {
          // not all of it yet
        }
      });
      const json = Buffer.from(JSON.stringify(body));
      const first = Buffer.allocUnsafe(4 + json.length);
      first.writeUInt32BE(type, 0);
      json.copy(first, 4);
      s.write(first);
    });
  }

  function dropAll(): void {
    for (const c of [...conns]) c.mux.destroy();
    for (const s of [...rawSockets]) s.destroy();
  }

  const ingress: Ingress = {
    serverAddr: `127.0.0.1:${port}`,
    caPem: certs.caPem,
    caFile: certs.caFile,
    idpCallbackUrl,
    auths,
    binds,
    unbinds,
    failAuth(code, message) {
      authFailure = code === null ? null : { code, message: message ?? defaultMessage(code) };
    },
    failBind(pred, code = 'ERR_NGROK_324', message) {
      bindFailure = pred === null ? null : { pred, code, message: message ?? defaultMessage(code) };
    },
    holdDomains(ms) {
      holdMs = ms;
    },
    heldDomains: () => [...tunnels.values()].filter((t) => !t.conn && t.heldUntil > Date.now()).map((t) => ({ domain: t.domain, until: t.heldUntil })),
    servedBy,
    dropAll,
    async outage(ms) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      dropAll();
      await closed;
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (!closing) await listen(server, port);
    },
    freeze() {
      const frozen = [...conns];
      for (const c of frozen) {
        c.frozen = true;
        c.socket.pause();
      }
      return {
        thaw() {
          for (const c of frozen) {
            c.frozen = false;
            c.socket.resume();
          }
        },
        drop() {
          for (const c of frozen) {
            c.mux.destroy();
            c.socket.destroy();
          }
        },
      };
    },
    async sendStop({ sessionId, timeoutMs = 5000 } = {}) {
      const live = [...conns].filter((c) => !c.mux.closed && !c.frozen && (sessionId === undefined || c.sessionId === sessionId));
      return Promise.all(live.map((c) => command(c, T_STOP, {}, timeoutMs)));
    },
    connections: () => rawSockets.size,
    edgeUrl: (id) => edgeById.get(id)?.url,
    async waitFor(pred, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (pred()) return;
        if (Date.now() >= deadline) {
          throw new Error(
            `ingress.waitFor: not true within ${timeoutMs} ms: ${pred.toString()} ` +
              `(auths=${auths.length} binds=${binds.length} unbinds=${unbinds.length} connections=${rawSockets.size})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      closing = true;
      const closed = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      dropAll();
      await Promise.all([closed, ...[...edges].map((e) => e.close()), new Promise<void>((resolve) => {
        idp.close(() => resolve());
        idp.closeAllConnections();
      })]);
    },
  };
  return ingress;
}

/** The proxy stream for one visitor connection: type 3, i64-LE length, JSON header, then raw bytes. */
function openProxyStream(mux: MuxSession, t: Tunnel, clientAddr: string): Duplex {
  const s = mux.open();
  s.on('error', () => {});
  const proto = t.record.proto || 'https';
  const header = Buffer.from(
    JSON.stringify({ Id: t.id, ClientAddr: clientAddr, Proto: proto, EdgeType: edgeType(proto), PassthroughTLS: false }),
  );
  const first = Buffer.allocUnsafe(12 + header.length);
  first.writeUInt32BE(T_PROXY, 0);
  first.writeBigInt64LE(BigInt(header.length), 4);
  header.copy(first, 12);
  s.write(first);
  return s;
}

/** An internal endpoint's URL: `https://<name>.internal` (a domain already ending in .internal is kept). */
function internalUrl(name: string): string {
  return `https://${name.endsWith('.internal') ? name : `${name}.internal`}`;
}

/** ProxyHeader.EdgeType is a string: "1" tcp, "2" tls, "3" https. */
function edgeType(proto: string): string {
  if (proto === 'tcp') return '1';
  if (proto === 'tls') return '2';
  return '3';
}

/** How ngrok puts a code in an RPC error: the agent takes the line that starts with ERR_NGROK_. */
function errorText(message: string, code: string): string {
  return `${message}\n\n${code}\n`;
}

function defaultMessage(code: string): string {
  switch (code) {
    case 'ERR_NGROK_105':
      return 'The authtoken you specified does not look like a proper ngrok authtoken.';
    case 'ERR_NGROK_108':
      return 'Your account is limited to 1 simultaneous ngrok agent sessions.';
    case 'ERR_NGROK_324':
      return 'Your account may not run more than 3 endpoints over a single ngrok agent session.';
    case 'ERR_NGROK_334':
      return 'The endpoint is already online.';
    default:
      return `The test ingress refused this request (${code}).`;
  }
}

function rand(): string {
  return randomBytes(8).toString('hex');
}

function listen(server: http.Server | tls.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(`${text}\n`);
}
