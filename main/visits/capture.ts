// pure: what the inspector keeps of each request, in memory only — the request and response heads
// and the first 64 KB of each body — under a budget per tunnel (the oldest bodies go first while their
// records stay), and how a kept exchange is shown: sensitive header values and query secrets as
// "[redacted]" unless revealed, bodies decoded for reading.
import { parseHead, requestLine, type Head } from './http-framing.js';
import { redactPath, REDACTED } from './redact.js';

/** How much of each body is kept. */
const BODY_KEPT = 64 * 1024;
/** What one tunnel's kept bodies and heads may use, all together. */
export const TUNNEL_BUDGET = 32 * 1024 * 1024;
/** How many exchanges a tunnel keeps (as many as its request log). */
const EXCHANGES_KEPT = 1000;

/** One side of an exchange as it went by: its head (as the other end got it) and the start of its body. */
export class CapturedSide {
  head: Buffer | null = null;
  private parts: Buffer[] = [];
  kept = 0;
  /** Body bytes that went by, kept or not. */
  total = 0;
  /** The kept body was dropped to stay within the tunnel's budget. */
  evicted = false;

  /** A body range as it passes (copied: the pipe's buffers are not held). */
  take(buf: Buffer, start: number, end: number): void {
    const n = end - start;
    this.total += n;
    const room = BODY_KEPT - this.kept;
    if (room <= 0 || n <= 0) return;
    const part = Buffer.from(buf.subarray(start, start + Math.min(room, n)));
    this.parts.push(part);
    this.kept += part.length;
  }

  body(): Buffer | null {
    if (this.evicted) return null;
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts)];
    return this.parts[0] ?? Buffer.alloc(0);
  }

  /** The body was longer than what is kept. */
  get truncated(): boolean {
    return this.total > this.kept;
  }

  get size(): number {
    return (this.head?.length ?? 0) + (this.evicted ? 0 : this.kept);
  }

  evict(): number {
    if (this.evicted) return 0;
    const freed = this.kept;
    this.parts = [];
    this.evicted = true;
    return freed;
  }
}

/** One request and its answer, as the inspector keeps them. */
export interface Exchange {
  id: string;
  tunnel: string;
  /** When the request arrived (ms since the epoch) and how long until its answer ended. */
  started: number;
  ms: number;
  user: string | null;
  remoteAddr: string;
  req: CapturedSide;
  res: CapturedSide;
  /** Sent by the user's "Replay", straight to the local app. */
  replayed?: true;
}

/** Every tunnel's kept exchanges, oldest first, within each tunnel's budget. */
export class ExchangeStore {
  private readonly byTunnel = new Map<string, { list: Map<string, Exchange>; bytes: number }>();
  private seq = 0;

  constructor(
    readonly budget = TUNNEL_BUDGET,
    readonly kept = EXCHANGES_KEPT,
  ) {}

  /** A fresh id, ngrok-like: `req_…`, unique in this process. */
  nextId(): string {
    this.seq += 1;
    return `req_${Date.now().toString(36)}${this.seq.toString(36).padStart(4, '0')}`;
  }

  add(x: Exchange): void {
    let t = this.byTunnel.get(x.tunnel);
    if (!t) this.byTunnel.set(x.tunnel, (t = { list: new Map(), bytes: 0 }));
    t.list.set(x.id, x);
    t.bytes += x.req.size + x.res.size;
    while (t.list.size > this.kept) {
      const [id, old] = t.list.entries().next().value!;
      t.list.delete(id);
      t.bytes -= old.req.size + old.res.size;
    }
    // Over budget: the oldest bodies go first; heads and records stay.
    for (const old of t.list.values()) {
      if (t.bytes <= this.budget) break;
      t.bytes -= old.req.evict() + old.res.evict();
    }
  }

  get(id: string): Exchange | undefined {
    for (const t of this.byTunnel.values()) {
      const x = t.list.get(id);
      if (x) return x;
    }
    return undefined;
  }

  /** Newest first, optionally of one tunnel, at most `limit`. */
  list(opts: { tunnel?: string; limit?: number } = {}): Exchange[] {
    const out: Exchange[] = [];
    for (const [name, t] of this.byTunnel) if (!opts.tunnel || opts.tunnel === name) out.push(...t.list.values());
    out.sort((a, b) => b.started - a.started);
    return opts.limit !== undefined ? out.slice(0, opts.limit) : out;
  }

  /** Bytes kept for a tunnel (heads and bodies). */
  bytes(tunnel: string): number {
    return this.byTunnel.get(tunnel)?.bytes ?? 0;
  }

  clear(tunnel?: string): void {
    if (tunnel === undefined) this.byTunnel.clear();
    else this.byTunnel.delete(tunnel);
  }
}

/** Header names whose values are credentials: shown as "[redacted]" unless revealed. */
const SENSITIVE = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token|x-csrf-token|x-xsrf-token|x-amz-security-token|x-goog-api-key)$/i;
export const SHOWN_REDACTED = '[redacted]';

/** Whether a header's value is a credential. */
export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE.test(name);
}

/** A head's fields as ngrok's API lists them: `{ Name: [values] }`, names as sent, credentials redacted. */
export function headersOf(head: Head, reveal: boolean): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of head.fields) (out[f.name] ??= []).push(!reveal && isSensitiveHeader(f.name) ? SHOWN_REDACTED : f.value);
  return out;
}

/** The head's bytes with credential values (and secret query values) redacted, for `raw` and the window. */
export function shownHead(bytes: Buffer, reveal: boolean): Buffer {
  if (reveal) return bytes;
  const head = parseHead(bytes);
  const line = requestLine(head.start);
  const lines = head.lines.map((l, i) => {
    if (i === 0 && line) return l.replace(line.target, redactPath(line.target).replaceAll(REDACTED, SHOWN_REDACTED));
    const fi = head.fieldOf[i]!;
    if (fi === -1) return l;
    const f = head.fields[fi]!;
    if (!isSensitiveHeader(f.name)) return l;
    return head.fieldOf[i - 1] === fi ? '' : `${f.name}: ${SHOWN_REDACTED}${l.endsWith('\r\n') ? '\r\n' : '\n'}`;
  });
  return Buffer.from(lines.join(''), 'latin1');
}

/** The request's path as shown: secret query values redacted unless revealed. */
export function shownUri(target: string, reveal: boolean): string {
  return reveal ? target : redactPath(target).replaceAll(REDACTED, SHOWN_REDACTED);
}
