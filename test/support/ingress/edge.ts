// test support: one endpoint's loopback "public" listener at the test ingress: raw TCP relay to the
// agent, or, for an endpoint that asks for OpenID Connect, an HTTP edge that runs the sign-in gate
// first and proxies each request that passes over a new proxy stream.
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
// The gate (test/support/edge-gate.ts) is loaded lazily; only its type is needed here.
import type { EdgeGateConfig } from '../edge-gate.js';

export type { EdgeGateConfig };

/** Who a signed-in visitor is, as ngrok's openid-connect action exposes it (actions.ngrok.oidc.identity). */
export interface EdgeIdentity {
  email?: string;
  name?: string;
  sub?: string;
}

/** Request headers as the edge forwards them (lower-case names). */
export type EdgeHeaders = Record<string, string | string[]>;

/** The gate plus what else the Bind's policy does to a signed-in visitor's request (test/support/ingress/policy.ts). */
export interface IngressGate extends EdgeGateConfig {
  /** The policy's remove-headers / add-headers actions, in order, with the identity interpolated. */
  rewriteHeaders?(headers: EdgeHeaders, identity: EdgeIdentity): void;
}

/** What the edge needs of test/support/edge-gate.ts's EdgeAuth. */
export interface EdgeAuthLike {
  handle(endpoint: { id: string; publicUrl: string; config: EdgeGateConfig }, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** The identity of the visitor handle() just let through, when the gate can tell. */
  identityOf?(endpointId: string, req: IncomingMessage): EdgeIdentity | undefined;
}

/** Visitors a test stands in for, by cookie value: as if they had finished signing in at the edge. */
const standIns = new Map<string, EdgeIdentity>();
const STAND_IN_COOKIE = 'porthole_test_visitor';

/**
 * A Cookie header value that makes any OIDC edge treat the request as coming from `identity`, already
 * signed in (as ngrok's edge does after the login): the allow rule and the policy's header actions
 * apply, the provider round trip is skipped. The full sign-in is test/ingress/oidc-edge.test.ts's.
 */
export function standInVisitor(identity: EdgeIdentity): string {
  const token = randomBytes(18).toString('base64url');
  standIns.set(token, { ...identity });
  return `${STAND_IN_COOKIE}=${token}`;
}

export interface EdgeHooks {
  /** A new proxy stream to the agent for the tunnel this edge serves, or null when it is offline. */
  openProxy(edge: Edge, clientAddr: string): Duplex | null;
  /** The ingress's EdgeAuth, or null when test/support/edge-gate.ts does not exist. */
  edgeAuth(): Promise<EdgeAuthLike | null>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/**
 * A listener on 127.0.0.1 standing in for one endpoint's public URL. It keeps its port for its
 * whole life, so a re-Bind (same tunnel id, or same reserved domain) gets the same URL back.
 */
export class Edge {
  port = 0;
  /** The tunnel currently served here. */
  tunnelId: string;
  /** Set when the endpoint asked for OpenID Connect: then the edge speaks HTTP and gates requests. */
  gate: IngressGate | null = null;
  private readonly server: net.Server;
  private readonly httpServer: http.Server;
  private readonly sockets = new Set<net.Socket>();
  private listening = false;

  constructor(
    tunnelId: string,
    private readonly hooks: EdgeHooks,
  ) {
    this.tunnelId = tunnelId;
    // allowHalfOpen: a visitor's FIN must not end our side before the agent has answered.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.onConnection(socket));
    this.server.on('error', () => {});
    this.httpServer = http.createServer((req, res) => {
      this.onRequest(req, res).catch((err: unknown) => fail(res, 502, `edge error: ${String(err)}`));
    });
    this.httpServer.on('upgrade', (req: IncomingMessage, socket: net.Socket, head: Buffer) => {
      this.onUpgrade(req, socket, head).catch(() => socket.destroy());
    });
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listen (again) on this edge's port; the first call picks a free one. */
  async listen(): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    this.listening = true;
  }

  /** Stop listening and cut every visitor connection: the URL then refuses connections. */
  async close(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    socket.setNoDelay(true);
    if (this.gate) {
      this.httpServer.emit('connection', socket);
      return;
    }
    const stream = this.hooks.openProxy(this, `${socket.remoteAddress}:${socket.remotePort}`);
    if (!stream) {
      offline(socket, this.tunnelId);
      return;
    }
    relay(socket, stream);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const gate = this.gate;
    if (!gate) return fail(res, 500, 'edge has no gate');
    let identity = standInOf(req);
    if (identity) {
      if (!gate.isAllowed(identity.email)) return fail(res, 403, `${identity.email ?? 'This account'} is not allowed on this endpoint.`);
    } else {
      const auth = await this.hooks.edgeAuth();
      if (!auth) return fail(res, 501, 'the OIDC edge gate (test/support/edge-gate.ts) is not available');
      const answered = await auth.handle({ id: this.tunnelId, publicUrl: this.url, config: gate }, req, res);
      if (answered) return;
      identity = signedInIdentity(auth, this.tunnelId, req);
    }
    const stream = this.hooks.openProxy(this, `${req.socket.remoteAddress}:${req.socket.remotePort}`);
    if (!stream) return fail(res, 404, offlineText(this.tunnelId), { 'ngrok-error-code': 'ERR_NGROK_3200' });
    const who = identity;
    proxyHttp(req, res, stream, gate.rewriteHeaders ? (h) => gate.rewriteHeaders!(h, who) : undefined);
  }

  /**
   * A WebSocket (or other) upgrade: like ngrok's edge, only a visitor who already holds a session gets
   * through (nobody can be sent to sign in mid-handshake); the policy's header actions apply, then the
   * handshake and every byte after it go over one proxy stream.
   */
  private async onUpgrade(req: IncomingMessage, socket: net.Socket, head: Buffer): Promise<void> {
    const gate = this.gate;
    if (!gate) return failRaw(socket, 500, 'edge has no gate');
    const identity = standInOf(req) ?? (await this.hooks.edgeAuth())?.identityOf?.(this.tunnelId, req);
    if (!identity) return failRaw(socket, 401, 'sign in before opening a WebSocket');
    if (!gate.isAllowed(identity.email)) return failRaw(socket, 403, `${identity.email ?? 'This account'} is not allowed on this endpoint.`);
    const stream = this.hooks.openProxy(this, `${socket.remoteAddress}:${socket.remotePort}`);
    if (!stream) return failRaw(socket, 404, offlineText(this.tunnelId));
    const headers: EdgeHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = v;
    gate.rewriteHeaders?.(headers, identity);
    const lines = Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`));
    stream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) stream.write(head);
    relay(socket, stream);
  }
}

function failRaw(socket: net.Socket, status: number, text: string): void {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

function standInOf(req: IncomingMessage): EdgeIdentity | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === STAND_IN_COOKIE && v && standIns.has(v)) return standIns.get(v);
  }
  return undefined;
}

/** The identity behind the session handle() accepted ({} when the gate cannot tell). */
function signedInIdentity(auth: EdgeAuthLike, endpointId: string, req: IncomingMessage): EdgeIdentity {
  return auth.identityOf?.(endpointId, req) ?? {};
}

/** Raw byte relay between a visitor socket and a proxy stream, FIN and errors carried both ways. */
function relay(socket: net.Socket, stream: Duplex): void {
  stream.on('error', () => socket.destroy());
  socket.on('error', () => stream.destroy());
  socket.pipe(stream);
  stream.pipe(socket);
  // The agent went away (RST, session drop): drop the visitor too.
  stream.on('close', () => {
    if (!socket.writableEnded) socket.destroy();
  });
  // The visitor went away while the agent still had bytes for it: tell the agent.
  socket.on('close', () => {
    if (!stream.readableEnded) stream.destroy();
  });
}

/** One visitor request to the agent over its own proxy stream, both bodies streamed; `rewrite` is the policy's header actions. */
function proxyHttp(req: IncomingMessage, res: ServerResponse, stream: Duplex, rewrite?: (headers: EdgeHeaders) => void): void {
  const headers: EdgeHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  rewrite?.(headers);
  headers.connection = 'close';
  const up = http.request({
    method: req.method,
    path: req.url,
    headers,
    createConnection: () => stream as unknown as net.Socket,
  });
  up.on('response', (upRes) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
    res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, out);
    upRes.pipe(res);
    upRes.on('error', () => res.destroy());
  });
  up.on('error', (err) => {
    stream.destroy();
    if (!res.headersSent) fail(res, 502, `agent stream failed: ${err.message}`);
    else res.destroy();
  });
  req.on('error', () => up.destroy());
  req.pipe(up);
}

function offlineText(id: string): string {
  return `ERR_NGROK_3200: the endpoint ${id} is offline (its agent session is not connected)\n`;
}

/** ngrok's answer for a known endpoint without an agent: 404, ERR_NGROK_3200. */
function offline(socket: net.Socket, id: string): void {
  socket.once('data', () => {
    const body = offlineText(id);
    socket.end(
      `HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nngrok-error-code: ERR_NGROK_3200\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    socket.resume(); // keep reading so our close is a FIN, not a reset
  });
}

function fail(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(text.endsWith('\n') ? text : `${text}\n`);
}
