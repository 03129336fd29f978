// adapter: the loopback recording pipe: the tunnel forwards to it, it forwards to the app. Each visitor
// connection gets its own connection to the app, ended with it, and the bytes flow through as they
// were sent: header names and order, chunk sizes, trailers, 1xx answers, Connection and Upgrade are
// the app's and the visitor's business. The pipe only reads the heads (to record each request) and
// follows each body's framing (to know where it ends); the one change it makes is to the headers
// Porthole owns (main/tunnel/identity-headers.ts), and the Host header when asked to rewrite it.
import net, { type AddressInfo, type Socket } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { portholeError, type PortholeError } from '../../common/errors.js';
import { hostCheckOf } from '../../common/host-check.js';
import { ownedHeader, PROOF_HEADER, REPLAY_HEADER } from '../tunnel/identity-headers.js';
import { CapturedSide, type Exchange, type ExchangeStore } from './capture.js';
import { BodyReader, headEnd, lists, MAX_HEAD_BYTES, parseHead, requestBody, requestLine, responseBody, rewriteHead, statusOf, type Head } from './http-framing.js';
import type { RequestRecord, VisitLog } from './log.js';
import { badGatewayPage } from './page.js';
import { redactPath } from './redact.js';

interface VisitProxyOptions {
  /** The tunnel's name, as records carry it. */
  tunnel: string;
  /** The app, as the tunnel would have forwarded to it: 'http://localhost:3000'. */
  target: string;
  /** Where requests are recorded; null pipes without recording (a Host rewrite without recording). */
  log: VisitLog | null;
  /**
   * The per-run value the tunnel's policy puts in X-Porthole-Proof after the sign-in. Identity
   * headers are believed only on a request that carries it; without it (modes without Porthole's
   * sign-in, or a local process talking to this port) they are removed and no visitor is recorded.
   */
  proof?: string;
  /** The per-run value of X-Porthole-Probe on Porthole's own protection check: recorded as `probe`. */
  probe?: string;
  /** Set: each exchange's heads and the first 64 KB of its bodies are kept here (the inspector). */
  exchanges?: ExchangeStore;
  /** 'rewrite': the Host header becomes the target's host (dev servers' host checks). */
  hostHeader?: 'as-sent' | 'rewrite';
  /** How long connecting to the app may take before the visitor gets the 502 page. Default 10 s. */
  connectTimeoutMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

export interface VisitProxy {
  /** 'http://127.0.0.1:PORT': what the tunnel forwards to instead of the app. */
  url: string;
  port: number;
  /** Stop listening and cut every connection (visitors' and the app's). */
  close(): Promise<void>;
  /**
   * Sends a kept request again, straight to the app through this pipe (so it is recorded and kept,
   * as "replayed by you"), with the values it really had; resolves with the new exchange.
   */
  replay(x: Exchange): Promise<Exchange>;
}

type VisitProxyResult = { ok: true; value: VisitProxy } | { ok: false; errors: PortholeError[] };

const CONNECT_TIMEOUT_MS = 10_000;
/** How much of a 4xx answer's body is kept to recognise a dev server's host check. */
const SNIFF_BYTES = 512;

/** One request on a connection, from its head to the end of its answer. */
interface Flight {
  started: number;
  method: string;
  path: string;
  user: string | null;
  probe: boolean;
  status: number;
  bytes: number;
  /** The start of a 4xx body, for the host-check hint. */
  sniff?: Buffer;
  replayed: boolean;
  /** What the inspector keeps of it, while inspecting. */
  x?: Exchange;
}

interface Shared {
  opts: VisitProxyOptions;
  host: string;
  port: number;
  hostValue: string;
  now: () => number;
  proof: Buffer | null;
  probe: Buffer | null;
  replay: Buffer;
  /** The port this pipe listens on (a replay connects to it). */
  ownPort: number;
}

function same(value: string, expected: Buffer | null): boolean {
  if (!expected) return false;
  const got = Buffer.from(value);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Start a recording pipe on 127.0.0.1 (a free port) in front of `target`. */
export async function startVisitProxy(opts: VisitProxyOptions): Promise<VisitProxyResult> {
  const target = new URL(opts.target);
  const shared: Shared = {
    opts,
    host: target.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(target.port || 80),
    hostValue: target.host,
    now: opts.now ?? Date.now,
    proof: opts.proof ? Buffer.from(opts.proof) : null,
    probe: opts.probe ? Buffer.from(opts.probe) : null,
    replay: Buffer.from(randomBytes(24).toString('base64url')),
    ownPort: 0,
  };
  const sockets = new Set<Socket>();
  // allowHalfOpen: a visitor's FIN is passed on to the app, not taken as the end of the answer.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (visitor) => {
    sockets.add(visitor);
    visitor.on('close', () => sockets.delete(visitor));
    const app = new Connection(visitor, shared).app;
    sockets.add(app);
    app.on('close', () => sockets.delete(app));
  });
  const listened = await listen(server);
  if (!listened.ok) return listened;
  const port = listened.value;
  shared.ownPort = port;
  return {
    ok: true,
    value: {
      url: `http://127.0.0.1:${port}`,
      port,
      replay: (x) => replay(shared, x),
      close: async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await closed;
      },
    },
  };
}

/** One visitor connection and its own connection to the app. */
class Connection {
  readonly app: Socket;
  /** Requests sent on, awaiting (the rest of) their answers, oldest first. */
  private readonly pending: Flight[] = [];
  private reqHead: Buffer | null = null;
  private reqBody: BodyReader | null = null;
  private resHead: Buffer | null = null;
  private resBody: BodyReader | null = null;
  /** After a 101 (or a CONNECT's 2xx) or framing the pipe can't follow: bytes only, both ways. */
  private reqRaw = false;
  private resRaw = false;
  private upgrade: Flight | null = null;
  private connected = false;
  private appError: string | undefined;
  private answered502 = false;
  /** Set once upgraded and piped natively: the visitor's bytesWritten at the 101's end. */
  private spliced: number | undefined;

  constructor(
    private readonly visitor: Socket,
    private readonly s: Shared,
  ) {
    this.app = net.connect({ host: s.host, port: s.port, allowHalfOpen: true, noDelay: true });
    const timer = setTimeout(() => this.app.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), s.opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
    this.app.once('connect', () => {
      clearTimeout(timer);
      this.connected = true;
    });
    this.app.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!this.connected) {
        this.appError = err.code ?? 'ECONNREFUSED';
        this.answerBadGateway();
      } else {
        // Reset mid-answer: recorded as cut before the visitor's own close could count it as theirs.
        this.cutPending();
        this.visitor.destroy();
      }
    });
    this.app.on('close', () => {
      clearTimeout(timer);
      if (this.connected) this.onAppGone();
    });
    this.app.on('data', (chunk: Buffer) => this.fromApp(chunk));
    this.app.on('end', () => this.onAppEnd());
    visitor.on('data', (chunk: Buffer) => this.fromVisitor(chunk));
    // The visitor's FIN goes on to the app (queued until connected, as a write would be).
    visitor.on('end', () => {
      if (this.appError === undefined) this.app.end();
    });
    visitor.on('error', () => {});
    visitor.on('close', () => this.onVisitorGone());
  }

  // ── visitor → app ──────────────────────────────────────────────────────────────────────────────

  private fromVisitor(chunk: Buffer): void {
    if (this.appError !== undefined) return this.answerBadGateway(chunk);
    if (this.app.destroyed || this.app.writableEnded) return void this.visitor.destroy();
    if (this.reqRaw) return this.send(this.app, this.visitor, chunk);
    let off = 0;
    let from = 0; // start of bytes to pass on unchanged
    const out: Buffer[] = [];
    while (off < chunk.length && !this.reqRaw) {
      if (this.reqBody) {
        off = this.reqBody.feed(chunk, off);
        if (this.reqBody.broken) this.reqRaw = true;
        else if (this.reqBody.done) this.reqBody = null;
        continue;
      }
      // A head: find its end, in this chunk or across several.
      const buf = this.reqHead ? Buffer.concat([this.reqHead, chunk.subarray(off)]) : chunk.subarray(off);
      const end = headEnd(buf, this.reqHead ? Math.max(0, this.reqHead.length - 3) : 0);
      if (end === -1) {
        if (buf.length > MAX_HEAD_BYTES) return this.refuse(431);
        if (off > from) out.push(chunk.subarray(from, off));
        this.reqHead = Buffer.from(buf);
        from = off = chunk.length;
        break;
      }
      if (off > from) out.push(chunk.subarray(from, off));
      const consumed = end - (this.reqHead?.length ?? 0);
      out.push(this.onRequestHead(buf.subarray(0, end)));
      this.reqHead = null;
      from = off = off + consumed;
    }
    if (from < chunk.length) out.push(from === 0 ? chunk : chunk.subarray(from));
    if (out.length === 1) this.send(this.app, this.visitor, out[0]!);
    else if (out.length > 1) this.send(this.app, this.visitor, Buffer.concat(out));
  }

  /** Records the request, and returns its head as the app gets it. */
  private onRequestHead(bytes: Buffer): Buffer {
    const head = parseHead(bytes);
    const line = requestLine(head.start);
    if (!line) {
      // Not HTTP/1: from here on the pipe only pipes.
      this.reqRaw = this.resRaw = true;
      return bytes;
    }
    const { keep, user, probe, replayed, changed, hostIndex } = this.vet(head);
    const flight: Flight = { started: this.s.now(), method: line.method, path: line.target, user, probe, replayed, status: 0, bytes: 0 };
    this.pending.push(flight);
    const body = requestBody(head);
    if (body.kind === 'raw' || line.method === 'CONNECT' || (lists(head, 'connection', 'upgrade') && head.fields.some((f) => f.key === 'upgrade'))) {
      // What follows an upgrade request or a CONNECT is the new protocol's (or, refused, is rare enough to pipe).
      this.reqRaw = true;
      this.upgrade = flight;
    } else if (body.kind !== 'none') this.reqBody = new BodyReader(body.kind, body.length);
    const out = changed ? rewriteHead(head, (_, i) => keep[i]!, this.s.opts.hostHeader === 'rewrite' ? (f) => (f === head.fields[hostIndex] ? this.s.hostValue : undefined) : undefined) : bytes;
    const store = this.s.opts.exchanges;
    if (store) {
      const x: Exchange = { id: store.nextId(), tunnel: this.s.opts.tunnel, started: flight.started, ms: 0, user, remoteAddr: forwardedFor(head) ?? this.visitor.remoteAddress ?? '', req: new CapturedSide(), res: new CapturedSide() };
      if (replayed) x.replayed = true;
      x.req.head = Buffer.from(out);
      flight.x = x;
      if (this.reqBody) this.reqBody.sink = (b, s, e) => x.req.take(b, s, e);
    }
    return out;
  }

  /**
   * Which fields reach the app: Porthole's own headers only as ngrok's edge set them (with the
   * per-run proof), never a visitor's copy in any spelling; the proof and probe markers never.
   */
  private vet(head: Head): { keep: boolean[]; user: string | null; probe: boolean; replayed: boolean; changed: boolean; hostIndex: number } {
    let proven = false;
    let probe = false;
    let replayed = false;
    let owned = false;
    let hostIndex = -1;
    for (let i = 0; i < head.fields.length; i++) {
      const f = head.fields[i]!;
      if (f.key === 'host' && hostIndex === -1) hostIndex = i;
      const kind = ownedHeader(f.name);
      if (!kind) continue;
      owned = true;
      if (kind === 'proof' && same(f.value, this.s.proof)) proven = true;
      if (kind === 'probe' && same(f.value, this.s.probe)) probe = true;
      if (kind === 'replay' && same(f.value, this.s.replay)) replayed = true;
    }
    const rewriteHost = this.s.opts.hostHeader === 'rewrite' && hostIndex !== -1 && head.fields[hostIndex]!.value !== this.s.hostValue;
    if (!owned) return { keep: head.fields.map(() => true), user: null, probe: false, replayed: false, changed: rewriteHost, hostIndex };
    let user: string | null = null;
    const keep = head.fields.map((f) => {
      const kind = ownedHeader(f.name);
      if (!kind) return true;
      // Only the dash spelling ngrok's edge writes is the identity; `_` spellings are a visitor's.
      const trusted = proven && (kind === 'email' || kind === 'user') && !f.name.includes('_');
      if (trusted && kind === 'email' && user === null && f.value) user = f.value;
      return trusted;
    });
    return { keep, user, probe, replayed, changed: true, hostIndex };
  }

  // ── app → visitor ──────────────────────────────────────────────────────────────────────────────

  private fromApp(chunk: Buffer): void {
    // The bytes go on first, untouched; following their framing comes after.
    this.send(this.visitor, this.app, chunk);
    if (this.resRaw) {
      if (this.upgrade) this.upgrade.bytes += chunk.length;
      return;
    }
    let off = 0;
    while (off < chunk.length && !this.resRaw) {
      const f = this.pending[0];
      if (this.resBody) {
        const start = off;
        off = this.resBody.feed(chunk, off);
        if (f) {
          f.bytes = this.resBody.payload;
          if (f.sniff && f.sniff.length < SNIFF_BYTES) f.sniff = Buffer.concat([f.sniff, chunk.subarray(start, Math.min(off, start + SNIFF_BYTES))]);
        }
        if (this.resBody.broken) this.resRaw = true;
        else if (this.resBody.done) this.complete(false);
        continue;
      }
      const buf = this.resHead ? Buffer.concat([this.resHead, chunk.subarray(off)]) : chunk.subarray(off);
      const end = headEnd(buf, this.resHead ? Math.max(0, this.resHead.length - 3) : 0);
      if (end === -1) {
        if (buf.length > MAX_HEAD_BYTES) this.resRaw = true;
        else this.resHead = Buffer.from(buf);
        return;
      }
      const consumed = end - (this.resHead?.length ?? 0);
      this.resHead = null;
      off += consumed;
      this.onResponseHead(buf.subarray(0, end));
    }
    // A WebSocket's first frames may share the chunk with its 101.
    if (this.resRaw && this.upgrade && off < chunk.length) this.upgrade.bytes += chunk.length - off;
    if (this.resRaw && this.reqRaw && this.upgrade?.status) this.splice();
  }

  /**
   * Upgraded (a WebSocket, a CONNECT): nothing more to read, so the two sockets are piped natively,
   * as a bare TCP relay would be; the bytes sent are counted from the socket at the end.
   */
  private splice(): void {
    this.spliced = this.visitor.bytesWritten - this.upgrade!.bytes;
    this.visitor.removeAllListeners('data');
    this.app.removeAllListeners('data');
    if (this.visitor.isPaused()) this.visitor.resume();
    if (this.app.isPaused()) this.app.resume();
    this.visitor.pipe(this.app);
    this.app.pipe(this.visitor);
  }

  /** The upgraded connection ended: its record, with every byte sent to the visitor after the 101. */
  private recordUpgrade(fallback: number): void {
    const f = this.upgrade;
    if (!f) return;
    this.upgrade = null;
    if (this.spliced !== undefined) f.bytes = this.visitor.bytesWritten - this.spliced;
    this.record(f, f.status || fallback, false);
  }

  private onResponseHead(bytes: Buffer): void {
    const f = this.pending[0];
    const head = parseHead(bytes);
    const status = statusOf(head.start);
    if (!f || status === null) {
      // An answer to nothing, or not HTTP/1: pass it on, follow no more.
      this.resRaw = true;
      return;
    }
    if (status === 101 || (f.method === 'CONNECT' && status >= 200 && status < 300)) {
      f.status = status;
      if (f.x) f.x.res.head = Buffer.from(bytes);
      this.upgrade = f;
      this.pending.shift();
      this.resRaw = this.reqRaw = true;
      return;
    }
    if (status < 200) return; // 100 Continue, 103 Early Hints: the final answer follows
    f.status = status;
    if (f === this.upgrade) {
      // An upgrade the app declined: its answer is an ordinary one.
      this.upgrade = null;
    }
    if (status >= 400 && status < 500) f.sniff = Buffer.alloc(0);
    const body = responseBody(head, f.method, status);
    this.resBody = new BodyReader(body.kind, body.length);
    if (f.x) {
      const x = f.x;
      x.res.head = Buffer.from(bytes);
      this.resBody.sink = (b, s, e) => x.res.take(b, s, e);
    }
    if (body.kind === 'raw') this.resRaw = true;
    else if (this.resBody.done) this.complete(false);
  }

  /** The oldest pending request's answer ended (or was cut). */
  private complete(cut: boolean): void {
    this.resBody = null;
    const f = this.pending.shift();
    if (f) this.record(f, f.status || 502, cut);
  }

  // ── endings ────────────────────────────────────────────────────────────────────────────────────

  /** The app ended its side: a close-delimited answer is complete; any other unfinished one was cut. */
  private onAppEnd(): void {
    if (this.resBody && (this.resBody.kind === 'close' || this.resBody.kind === 'raw')) this.complete(false);
    this.cutPending();
    if (!this.visitor.destroyed) this.visitor.end();
  }

  /** The app's connection closed (after its end, or reset): the visitor's goes too. */
  private onAppGone(): void {
    this.cutPending();
    this.recordUpgrade(502);
    if (!this.visitor.destroyed && !this.visitor.writableEnded) this.visitor.destroy();
  }

  private cutPending(): void {
    if (this.upgrade && this.upgrade.status === 0) this.upgrade = null; // still in `pending`: cut below
    while (this.pending.length) {
      const f = this.pending.shift()!;
      this.record(f, f.status || 502, true);
    }
    this.resBody = null;
  }

  /** The visitor left: requests still unanswered are 499, answers under way keep their status. */
  private onVisitorGone(): void {
    if (!this.app.destroyed) this.app.destroy();
    for (const f of this.pending.splice(0)) this.record(f, f.status || 499, false);
    this.recordUpgrade(499);
  }

  /** The app can't be reached: the 502 page for the request that came (or comes next), then close. */
  private answerBadGateway(chunk?: Buffer): void {
    if (this.answered502) return;
    let f = this.pending[0];
    if (!f) {
      if (chunk) this.reqHead = this.reqHead ? Buffer.concat([this.reqHead, chunk]) : chunk;
      const buf = this.reqHead;
      const end = buf ? headEnd(buf) : -1;
      if (end === -1) {
        if (buf && buf.length > MAX_HEAD_BYTES) this.visitor.destroy();
        return; // no request yet: answer it when it comes
      }
      const head = parseHead(buf!.subarray(0, end));
      const line = requestLine(head.start);
      const { user, probe } = this.vet(head);
      f = { started: this.s.now(), method: line?.method ?? 'GET', path: line?.target ?? '/', user, probe, replayed: false, status: 502, bytes: 0 };
    }
    this.answered502 = true;
    this.pending.length = 0;
    this.reqHead = null;
    this.upgrade = null;
    const page = badGatewayPage(this.s.hostValue, this.appError);
    f.bytes = Buffer.byteLength(page);
    this.visitor.end(
      `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html; charset=utf-8\r\ncache-control: no-store\r\ncontent-length: ${Buffer.byteLength(page)}\r\nconnection: close\r\n\r\n${page}`,
    );
    this.record(f, 502, false);
  }

  /** A head too large to be one: 431, and the connection closes. */
  private refuse(status: 431): void {
    this.visitor.end(`HTTP/1.1 ${status} Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    this.app.destroy();
  }

  // ── plumbing ───────────────────────────────────────────────────────────────────────────────────

  /** Writes with backpressure: a slow reader pauses the writer's source. */
  private send(dst: Socket, src: Socket, data: Buffer): void {
    if (dst.destroyed || dst.writableEnded) return;
    if (!dst.write(data) && !src.isPaused()) {
      src.pause();
      dst.once('drain', () => src.resume());
    }
  }

  private record(f: Flight, status: number, cut: boolean): void {
    const log = this.s.opts.log;
    if (!log) return;
    const r: RequestRecord = {
      tunnel: this.s.opts.tunnel,
      at: new Date(f.started).toISOString(),
      user: f.user,
      method: f.method,
      path: redactPath(f.path),
      status,
      ms: Math.max(0, Math.round(this.s.now() - f.started)),
      bytes: f.bytes,
    };
    if (cut) r.cut = true;
    if (f.probe) r.probe = true;
    if (f.replayed) r.replayed = true;
    if (f.x && this.s.opts.exchanges) {
      f.x.ms = r.ms;
      this.s.opts.exchanges.add(f.x);
      r.id = f.x.id;
    }
    const check = f.sniff ? hostCheckOf(status, f.sniff.toString('utf8')) : null;
    if (check) r.hostCheck = check;
    log.add(r);
  }
}

/** The visitor's address as ngrok's edge passes it on (the first X-Forwarded-For hop), or undefined. */
function forwardedFor(head: Head): string | undefined {
  const v = head.fields.find((f) => f.key === 'x-forwarded-for')?.value;
  return v ? v.split(',')[0]!.trim() : undefined;
}

/** How long a replay may wait for the app's answer. */
const REPLAY_TIMEOUT_MS = 30_000;

/**
 * A kept request sent again through the pipe's own port, marked as the user's replay (and, when the
 * original carried a believed identity, with this run's proof, so the app is told the same visitor).
 * The body is sent as kept; one that was cut short at 64 KB can't be replayed faithfully.
 */
async function replay(s: Shared, x: Exchange): Promise<Exchange> {
  const store = s.opts.exchanges;
  if (!store) throw new Error('inspection is off for this tunnel');
  if (!x.req.head) throw new Error('the request has no head to replay');
  if (x.req.truncated) throw new Error(`its body was ${x.req.total} bytes and only the first 64 KB were kept, so it can't be sent again as it was`);
  const body = x.req.body();
  if (body === null) throw new Error('its body is no longer kept (the oldest bodies go first), so it cannot be sent again as it was');
  const head = parseHead(x.req.head);
  const chunked = head.fields.some((f) => f.key === 'transfer-encoding' && /chunked/i.test(f.value));
  const marks = [`${REPLAY_HEADER}: ${s.replay.toString('latin1')}`];
  if (x.user !== null && s.proof) marks.push(`${PROOF_HEADER}: ${s.proof.toString('latin1')}`);
  const text = x.req.head.toString('latin1');
  const eol = text.indexOf('\n') + 1;
  const marked = Buffer.from(`${text.slice(0, eol)}${marks.join('\r\n')}\r\n${text.slice(eol)}`, 'latin1');
  const framed = chunked ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]) : body;
  const log = s.opts.log;
  return new Promise<Exchange>((resolve, reject) => {
    const sock = net.connect(s.ownPort, '127.0.0.1');
    const timer = setTimeout(() => finish(new Error(`the app did not answer within ${REPLAY_TIMEOUT_MS / 1000} s`)), REPLAY_TIMEOUT_MS);
    const finish = (err: Error | null, done?: Exchange) => {
      clearTimeout(timer);
      log?.off('request', onRecord);
      sock.destroy();
      if (err) reject(err);
      else resolve(done!);
    };
    const onRecord = (r: RequestRecord) => {
      if (!r.replayed || r.tunnel !== s.opts.tunnel || !r.id) return;
      const got = store.get(r.id);
      if (got) finish(null, got);
    };
    log?.on('request', onRecord);
    sock.on('error', (err) => finish(err));
    sock.on('data', () => {});
    sock.write(Buffer.concat([marked, framed]));
  });
}

function listen(server: net.Server): Promise<{ ok: true; value: number } | { ok: false; errors: PortholeError[] }> {
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
