// adapter: ngrok's local agent API (http://127.0.0.1:4040/api), which ngrok's SDKs lack, served from
// the inspector's kept exchanges in the shapes ngrok documents, so a script written for ngrok's agent
// works unchanged: GET /api/tunnels, GET/POST/DELETE /api/requests/http, GET /api/requests/http/:id.
// Each request adds one field, `visitor` (the signed-in email, or null). Credentials are "[redacted]"
// in every field, raw bytes included. Loopback only, and only for requests whose Host is its own
// address (no DNS rebinding); no CORS headers, so no web page can read it.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { headersOf, shownHead, shownUri, type Exchange, type ExchangeStore } from './capture.js';
import { parseHead, requestLine } from './http-framing.js';
import { parseInspectAddr } from './inspect-addr.js';

/** A tunnel as the API lists it. */
interface ApiTunnel {
  name: string;
  publicUrl: string | undefined;
  /** The local app, as ngrok's `config.addr` gives it: `http://localhost:3000`. */
  addr: string;
}

interface AgentApiOptions {
  exchanges: ExchangeStore;
  tunnels(): ApiTunnel[];
  /** Sends a kept request again to its app; rejects with a reason. */
  replay(x: Exchange): Promise<Exchange>;
  /** '127.0.0.1:4040' (the default), 'localhost:4041', or ':4042'. */
  addr?: string;
}

interface AgentApi {
  /** 'http://127.0.0.1:4040' */
  url: string;
  close(): Promise<void>;
}

/** ngrok's ports: 4040, or the next free one up to 4049. */
const DEFAULT_PORTS = [4040, 4041, 4042, 4043, 4044, 4045, 4046, 4047, 4048, 4049];
const MAX_BODY = 64 * 1024;

/** Serves the API on loopback: the given address, or ngrok's 4040…4049, the first one free. */
export async function startAgentApi(opts: AgentApiOptions): Promise<AgentApi> {
  const wanted = opts.addr ? parseInspectAddr(opts.addr) : null;
  if (opts.addr && !wanted) throw new Error(`--inspect-addr ${JSON.stringify(opts.addr)}: not a loopback address and port, e.g. 127.0.0.1:4040`);
  const candidates = wanted ? [wanted] : DEFAULT_PORTS.map((port) => ({ host: '127.0.0.1', port }));
  const server = http.createServer({ requestTimeout: 10_000, headersTimeout: 5_000 }, (req, res) => {
    void route(opts, req, res).catch((err: unknown) => json(res, 500, { error_code: 100, status_code: 500, msg: String((err as Error)?.message ?? err) }));
  });
  let lastError: unknown;
  for (const c of candidates) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(c.port, c.host, () => (server.off('error', reject), resolve()));
      });
      const a = server.address() as AddressInfo;
      const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      return {
        url: `http://${host}:${a.port}`,
        close: () => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())),
      };
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`the inspector's API could not listen on ${wanted ? `${wanted.host}:${wanted.port}` : '127.0.0.1:4040–4049'}: ${(lastError as NodeJS.ErrnoException)?.code ?? lastError}`);
}

function json(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' }).end(text);
}

/** Only requests addressed to this server's own loopback address: a page on another name is refused. */
function hostAllowed(req: IncomingMessage): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  const port = (req.socket.localPort ?? 0).toString();
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_BODY) throw Object.assign(new Error('request body too large'), { status: 413 });
    parts.push(c as Buffer);
  }
  const text = Buffer.concat(parts).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error('the body is not JSON'), { status: 400 });
  }
}

async function route(o: AgentApiOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!hostAllowed(req)) return json(res, 403, { error_code: 403, status_code: 403, msg: 'Host not allowed: the agent API answers only requests to its own loopback address' });
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  if (path === '/api' && method === 'GET') return json(res, 200, { uri: '/api', tunnels_uri: '/api/tunnels', requests_uri: '/api/requests/http' });
  if (path === '/api/tunnels' && method === 'GET') return json(res, 200, { tunnels: o.tunnels().map(tunnelJson), uri: '/api/tunnels' });
  const tm = /^\/api\/tunnels\/([^/]+)$/.exec(path);
  if (tm && method === 'GET') {
    const t = o.tunnels().find((x) => x.name === decodeURIComponent(tm[1]!));
    return t ? json(res, 200, tunnelJson(t)) : notFound(res);
  }
  if (path === '/api/requests/http') {
    if (method === 'GET') {
      const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 50) || 50, 1), 1000);
      const tunnel = url.searchParams.get('tunnel_name') ?? undefined;
      return json(res, 200, { uri: '/api/requests/http', requests: o.exchanges.list({ limit, ...(tunnel ? { tunnel } : {}) }).map(exchangeJson) });
    }
    if (method === 'DELETE') {
      o.exchanges.clear();
      return json(res, 204);
    }
    if (method === 'POST') {
      const body = (await readJson(req).catch((err: { status?: number; message: string }) => ({ __error: err }))) as { id?: unknown; __error?: { status?: number; message: string } };
      if (body.__error) return json(res, body.__error.status ?? 400, { error_code: 400, status_code: body.__error.status ?? 400, msg: body.__error.message });
      if (typeof body.id !== 'string') return json(res, 400, { error_code: 400, status_code: 400, msg: 'id: the id of a captured request is required' });
      const x = o.exchanges.get(body.id);
      if (!x) return notFound(res);
      try {
        await o.replay(x);
      } catch (err) {
        return json(res, 502, { error_code: 502, status_code: 502, msg: `replay failed: ${(err as Error).message}` });
      }
      return json(res, 204);
    }
  }
  const rm = /^\/api\/requests\/http\/([^/]+)$/.exec(path);
  if (rm && method === 'GET') {
    const x = o.exchanges.get(decodeURIComponent(rm[1]!));
    return x ? json(res, 200, exchangeJson(x)) : notFound(res);
  }
  return notFound(res);
}

function notFound(res: ServerResponse): void {
  json(res, 404, { error_code: 100, status_code: 404, msg: 'Not Found' });
}

function tunnelJson(t: ApiTunnel) {
  return {
    name: t.name,
    ID: t.name,
    uri: `/api/tunnels/${encodeURIComponent(t.name)}`,
    public_url: t.publicUrl ?? '',
    proto: t.publicUrl?.startsWith('http://') ? 'http' : 'https',
    config: { addr: t.addr, inspect: true },
    metrics: {},
  };
}

/** One exchange in ngrok's shape (`duration` in nanoseconds, `raw` base64), plus `visitor`. */
function exchangeJson(x: Exchange) {
  const reqHead = x.req.head ? parseHead(x.req.head) : null;
  const line = reqHead ? requestLine(reqHead.start) : null;
  const resHead = x.res.head ? parseHead(x.res.head) : null;
  const side = (head: typeof reqHead, bytes: Buffer | null, body: Buffer | null) =>
    head && bytes ? Buffer.concat([shownHead(bytes, false), body ?? Buffer.alloc(0)]).toString('base64') : '';
  const status = resHead ? /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(resHead.start) : null;
  return {
    uri: `/api/requests/http/${x.id}`,
    id: x.id,
    tunnel_name: x.tunnel,
    remote_addr: x.remoteAddr,
    start: new Date(x.started).toISOString(),
    duration: Math.round(x.ms * 1e6),
    request: {
      method: line?.method ?? '',
      proto: line?.version ?? 'HTTP/1.1',
      headers: reqHead ? headersOf(reqHead, false) : {},
      uri: line ? shownUri(line.target, false) : '',
      raw: side(reqHead, x.req.head, x.req.body()),
    },
    response: resHead
      ? {
          status: status ? `${status[1]} ${status[2] ?? ''}`.trim() : '',
          status_code: status ? Number(status[1]) : 0,
          proto: resHead.start.split(' ')[0],
          headers: headersOf(resHead, false),
          raw: side(resHead, x.res.head, x.res.body()),
        }
      : null,
    visitor: x.user,
    ...(x.replayed ? { replayed: true } : {}),
  };
}
