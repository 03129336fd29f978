// pure: HTTP/1.x framing as the recording pipe needs it — where a head ends, what it says, and where
// each body ends (Content-Length, chunked with trailers, or the connection's close) — without copying
// or changing a byte of a body. Heads are read as latin1, so writing a head back gives the same bytes.

/** A head longer than this is not HTTP the pipe will parse (Node's own limit is 16 KB). */
export const MAX_HEAD_BYTES = 64 * 1024;

const LF = 10;
const CR = 13;

/**
 * The index just past the blank line that ends a head in `buf` (searching from `from`), or -1 while
 * it is incomplete. Bare LF line ends are accepted, as Node's parser accepts them.
 */
export function headEnd(buf: Buffer, from = 0): number {
  let i = buf.indexOf(LF, from);
  while (i !== -1) {
    const next = buf[i + 1];
    if (next === LF) return i + 2;
    if (next === CR && buf[i + 2] === LF) return i + 3;
    i = buf.indexOf(LF, i + 1);
  }
  return -1;
}

/** One header line of a head as sent: the name in its own case, the value trimmed. */
interface Field {
  name: string;
  value: string;
  /** The name lower-cased, for comparisons. */
  key: string;
}

/** A parsed head: the start line, its fields, and its lines as sent (line ends included). */
export interface Head {
  start: string;
  fields: Field[];
  /** Every line including its line end; lines[0] is the start line, the last one is the blank line. */
  lines: string[];
  /** For each line, the index into `fields` it belongs to (-1 for the start and blank lines). */
  fieldOf: number[];
}

/** Splits a complete head (as found by headEnd) into lines and fields. Obsolete line folding joins the field above. */
export function parseHead(bytes: Buffer): Head {
  const text = bytes.toString('latin1');
  const lines = text.split(/(?<=\n)/);
  const fields: Field[] = [];
  const fieldOf: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r?\n$/, '');
    if (i === 0 || line === '') {
      fieldOf.push(-1);
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && fields.length) {
      const f = fields[fields.length - 1]!;
      f.value = `${f.value} ${line.trim()}`;
      fieldOf.push(fields.length - 1);
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    fields.push({ name, key: name.toLowerCase(), value: colon === -1 ? '' : line.slice(colon + 1).trim() });
    fieldOf.push(fields.length - 1);
  }
  return { start: lines[0]!.replace(/\r?\n$/, ''), fields, lines, fieldOf };
}

/** The head's bytes with some fields dropped and some values replaced; every other byte as it was. */
export function rewriteHead(head: Head, keep: (f: Field, index: number) => boolean, replace?: (f: Field) => string | undefined): Buffer {
  let out = '';
  for (let i = 0; i < head.lines.length; i++) {
    const fi = head.fieldOf[i]!;
    const line = head.lines[i]!;
    if (fi === -1) {
      out += line;
      continue;
    }
    const f = head.fields[fi]!;
    if (!keep(f, fi)) continue;
    const value = replace?.(f);
    if (value === undefined) out += line;
    else if (head.fieldOf[i - 1] !== fi) out += `${f.name}: ${value}${line.endsWith('\r\n') ? '\r\n' : '\n'}`;
  }
  return Buffer.from(out, 'latin1');
}

/** The values of every field named `key` (lower case). */
function values(head: Head, key: string): string[] {
  const out: string[] = [];
  for (const f of head.fields) if (f.key === key) out.push(f.value);
  return out;
}

/** Whether a comma-separated field (Connection, Transfer-Encoding) lists `token`. */
export function lists(head: Head, key: string, token: string): boolean {
  return values(head, key).some((v) => v.split(',').some((t) => t.trim().toLowerCase() === token));
}

interface RequestLine {
  method: string;
  target: string;
  version: string;
}

/** `GET /x HTTP/1.1` → its parts; null when it isn't a request line. */
export function requestLine(start: string): RequestLine | null {
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP\/\d\.\d)$/.exec(start);
  return m ? { method: m[1]!, target: m[2]!, version: m[3]! } : null;
}

/** `HTTP/1.1 200 OK` → 200; null when it isn't a status line. */
export function statusOf(start: string): number | null {
  const m = /^HTTP\/\d\.\d (\d{3})(?: |$)/.exec(start);
  return m ? Number(m[1]) : null;
}

/** How a message's body is delimited. 'raw': framing the pipe can't follow; it stops parsing and only pipes. */
type BodyKind = 'none' | 'length' | 'chunked' | 'close' | 'raw';

/** A Content-Length, or null when absent; NaN when present but unusable (differing or not a number). */
function contentLength(head: Head): number | null {
  const vs = values(head, 'content-length').flatMap((v) => v.split(',').map((s) => s.trim()));
  if (!vs.length) return null;
  if (!vs.every((v) => /^\d{1,15}$/.test(v) && v === vs[0])) return Number.NaN;
  return Number(vs[0]);
}

/** The last transfer coding, lower case, or null. */
function lastCoding(head: Head): string | null {
  const codings = values(head, 'transfer-encoding').flatMap((v) => v.split(',').map((s) => s.trim().toLowerCase())).filter(Boolean);
  return codings.length ? codings[codings.length - 1]! : null;
}

/** How a request's body ends (RFC 9112 §6.3): chunked, a length, or no body. */
export function requestBody(head: Head): { kind: BodyKind; length: number } {
  const coding = lastCoding(head);
  if (coding !== null) return { kind: coding === 'chunked' ? 'chunked' : 'raw', length: 0 };
  const n = contentLength(head);
  if (n === null || n === 0) return { kind: 'none', length: 0 };
  return Number.isNaN(n) ? { kind: 'raw', length: 0 } : { kind: 'length', length: n };
}

/** How a response's body ends, given the request's method and the status (RFC 9112 §6.3). */
export function responseBody(head: Head, method: string, status: number): { kind: BodyKind; length: number } {
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) return { kind: 'none', length: 0 };
  const coding = lastCoding(head);
  if (coding !== null) return { kind: coding === 'chunked' ? 'chunked' : 'close', length: 0 };
  const n = contentLength(head);
  if (n === null) return { kind: 'close', length: 0 };
  if (Number.isNaN(n)) return { kind: 'raw', length: 0 };
  return n === 0 ? { kind: 'none', length: 0 } : { kind: 'length', length: n };
}

const enum Chunk {
  Size,
  SizeExt,
  Data,
  DataEnd,
  Trailer,
}

/** A chunk-size line longer than this is not one (extensions included). */
const MAX_CHUNK_LINE = 4096;

/**
 * Follows one body through the bytes that carry it, without copying them: feed() says how many of
 * the given bytes belong to the body. `payload` counts the body's own bytes (chunk framing and
 * trailers excluded). A chunked body whose framing is broken turns `broken`: the pipe then stops
 * parsing the connection and only pipes it.
 */
export class BodyReader {
  done = false;
  broken = false;
  payload = 0;
  /** Told of each range of the body's own bytes as it passes (the inspector's capture); unset costs nothing. */
  sink?: (buf: Buffer, start: number, end: number) => void;
  private remaining: number;
  private chunk = Chunk.Size;
  private size = 0;
  private lineBytes = 0;
  private digits = 0;

  constructor(
    readonly kind: BodyKind,
    length = 0,
  ) {
    this.remaining = length;
    if (kind === 'none') this.done = true;
  }

  /** Consumes body bytes from buf[off…]; returns the index just past the last one consumed. */
  feed(buf: Buffer, off: number): number {
    if (this.done) return off;
    switch (this.kind) {
      case 'length': {
        const n = Math.min(this.remaining, buf.length - off);
        this.remaining -= n;
        this.payload += n;
        this.sink?.(buf, off, off + n);
        if (this.remaining === 0) this.done = true;
        return off + n;
      }
      case 'chunked':
        return this.chunked(buf, off);
      default:
        // 'close' and 'raw': everything to the end of the connection is body.
        this.payload += buf.length - off;
        this.sink?.(buf, off, buf.length);
        return buf.length;
    }
  }

  private chunked(buf: Buffer, off: number): number {
    let i = off;
    while (i < buf.length && !this.done && !this.broken) {
      switch (this.chunk) {
        case Chunk.Data: {
          const n = Math.min(this.remaining, buf.length - i);
          this.remaining -= n;
          this.payload += n;
          this.sink?.(buf, i, i + n);
          i += n;
          if (this.remaining === 0) this.chunk = Chunk.DataEnd;
          break;
        }
        case Chunk.DataEnd: {
          const c = buf[i++]!;
          if (c === LF) this.chunk = Chunk.Size;
          else if (c !== CR) this.broken = true;
          break;
        }
        case Chunk.Size:
        case Chunk.SizeExt: {
          const c = buf[i++]!;
          if (++this.lineBytes > MAX_CHUNK_LINE) {
            this.broken = true;
            break;
          }
          if (c === LF) {
            if (this.digits === 0) {
              this.broken = true;
              break;
            }
            this.lineBytes = 0;
            this.digits = 0;
            if (this.size === 0) this.chunk = Chunk.Trailer;
            else {
              this.remaining = this.size;
              this.size = 0;
              this.chunk = Chunk.Data;
            }
          } else if (this.chunk === Chunk.Size) {
            const d = hexDigit(c);
            if (d >= 0 && this.digits < 13) {
              this.size = this.size * 16 + d;
              this.digits++;
            } else if (c === 0x3b /* ; */ || c === 0x20 || c === 0x09 || c === CR) this.chunk = Chunk.SizeExt;
            else this.broken = true;
          }
          break;
        }
        case Chunk.Trailer: {
          const c = buf[i++]!;
          if (c === LF) {
            if (this.lineBytes === 0) this.done = true;
            this.lineBytes = 0;
          } else if (c !== CR && ++this.lineBytes > MAX_HEAD_BYTES) this.broken = true;
          break;
        }
      }
    }
    return i;
  }
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
