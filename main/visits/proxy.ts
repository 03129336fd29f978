// The loopback recording proxy: the tunnel forwards to it, it forwards to the app (http-proxy-3 does
// the proxying: keep-alive to the app, both bodies piped, WebSocket upgrades relayed) and records
// one RequestRecord per completed request into a VisitLog. It reads nothing of a body, so nothing
// is buffered; it only counts the bytes flowing back to the visitor.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import { portholeError, type PortholeError } from '../../common/errors.js';
import type { RequestRecord, VisitLog } from './log.js';
import { badGatewayPage } from './page.js';

export interface VisitProxyOptions {
  /** The tunnel's name, as records carry it. */
  tunnel: string;
  /** The app, as the tunnel would have forwarded to it: 'http://localhost:3000'. */
  target: string;
  log: VisitLog;
  /**
   * true (default) in the `oidc` mode, where ngrok's edge removes forged identity headers and sets
   * its own. false elsewhere: nobody vouches for them, so they are dropped here and never recorded.
   */
  trustIdentity?: boolean;
  /** The clock (tests). */
  now?: () => number;
}

export interface VisitProxy {
  /** 'http://127.0.0.1:PORT': what the tunnel forwards to instead of the app. */
  url: string;
  port: number;
  /** Stop listening and cut every connection (visitors' and the app's). */
  close(): Promise<void>;
}

export type VisitProxyResult = { ok: true; value: VisitProxy } | { ok: false; errors: PortholeError[] };

const EMAIL = 'x-forwarded-email';
const USER = 'x-forwarded-user';

/** What is known of one request while it is in flight. */
interface Flight {
  started: number;
  user: string | null;
  status: number;
  bytes: number;
}

/** The visitor ngrok's edge vouched for, or null; with trust off, the headers are dropped too. */
function visitorOf(req: IncomingMessage, trust: boolean): string | null {
  if (!trust) {
    delete req.headers[EMAIL];
    delete req.headers[USER];
    return null;
  }
  const v = req.headers[EMAIL];
  const email = Array.isArray(v) ? v[0] : v;
  return email ? email : null;
}

/** Start a recording proxy on 127.0.0.1 (a free port) in front of `target`. */
export async function startVisitProxy(opts: VisitProxyOptions): Promise<VisitProxyResult> {
  const now = opts.now ?? Date.now;
  const trust = opts.trustIdentity ?? true;
  const target = new URL(opts.target);
  // One keep-alive pool to the app: a visitor's keep-alive connection should not cost the app a new one per request.
  // 'lifo' reuses the socket used last (warm, least likely to have been closed by the app's idle timeout).
  const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo' });
  const proxy = createProxyServer({ target: target.href, agent, ws: true, xfwd: false });
  const flights = new WeakMap<IncomingMessage, Flight>();
  const upgraded = new Set<Duplex>();

  const record = (req: IncomingMessage, f: Flight, status: number): void => {
    const r: RequestRecord = {
      tunnel: opts.tunnel,
      at: new Date(f.started).toISOString(),
      user: f.user,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status,
      ms: Math.max(0, Math.round(now() - f.started)),
      bytes: f.bytes,
    };
    opts.log.add(r);
  };

  watch(proxy, flights, target.host);
  const server = http.createServer({ requestTimeout: 0, noDelay: true }, (req: IncomingMessage, res: ServerResponse) => {
    const f: Flight = { started: now(), user: visitorOf(req, trust), status: 0, bytes: 0 };
    flights.set(req, f);
    // 'close' comes after the last byte, or when the visitor left first (then nothing was answered: 499).
    res.on('close', () => record(req, f, res.headersSent ? res.statusCode : 499));
    proxy.web(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const f: Flight = { started: now(), user: visitorOf(req, trust), status: 0, bytes: 0 };
    flights.set(req, f);
    upgraded.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      upgraded.delete(socket);
      f.bytes = (socket as Socket).bytesWritten ?? 0;
      record(req, f, f.status || 499);
    });
    proxy.ws(req, socket, head);
  });

  const listened = await listen(server);
  if (!listened.ok) {
    agent.destroy();
    return listened;
  }
  const port = listened.value;
  return {
    ok: true,
    value: {
      url: `http://127.0.0.1:${port}`,
      port,
      close: async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        for (const s of upgraded) s.destroy();
        agent.destroy();
        await closed;
      },
    },
  };
}

/** Count what the app sends back, note a WebSocket's outcome, and answer 502 when the app is down. */
function watch(proxy: ProxyServer, flights: WeakMap<IncomingMessage, Flight>, targetHost: string): void {
  proxy.on('proxyRes', (proxyRes, req) => {
    const f = flights.get(req);
    if (f) proxyRes.on('data', (chunk: Buffer) => (f.bytes += chunk.length));
  });
  proxy.on('proxyReqWs', (proxyReq, req) => {
    const f = flights.get(req);
    if (!f) return;
    proxyReq.on('upgrade', () => (f.status = 101));
    proxyReq.on('response', (res) => (f.status = res.statusCode ?? 502));
  });
  proxy.on('error', (err, req, out) => {
    const f = flights.get(req);
    const code = (err as NodeJS.ErrnoException).code;
    if (out instanceof http.ServerResponse) return badGateway(out, f, targetHost, code);
    if (f && f.status === 0) {
      f.status = 502;
      writeBadGatewayRaw(out as Socket, targetHost, code);
    }
  });
}

function listen(server: http.Server): Promise<{ ok: true; value: number } | { ok: false; errors: PortholeError[] }> {
  return new Promise((resolve) => {
    server.once('error', (err) =>
      resolve({
        ok: false,
        errors: [portholeError('INTERNAL', { message: `The local recording proxy could not listen on 127.0.0.1: ${err.message}`, fix: 'Turn recording off for this tunnel, or free a local port.' })],
      }),
    );
    server.listen(0, '127.0.0.1', () => resolve({ ok: true, value: (server.address() as AddressInfo).port }));
  });
}

/** The app did not answer: the 502 page, or a cut connection when the app's answer had already begun. */
function badGateway(res: ServerResponse, f: Flight | undefined, target: string, code: string | undefined): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const page = badGatewayPage(target, code);
  res.writeHead(502, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(page) });
  res.end(page);
  if (f) f.bytes += Buffer.byteLength(page);
}

/** The same 502 on a WebSocket upgrade's raw socket, before it was upgraded. */
function writeBadGatewayRaw(socket: Socket, target: string, code: string | undefined): void {
  if (!socket.writable) return;
  const page = badGatewayPage(target, code);
  socket.write(
    `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(page)}\r\nconnection: close\r\n\r\n${page}`,
  );
}
