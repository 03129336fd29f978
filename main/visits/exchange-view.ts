// pure: a kept exchange as the window shows it — each side's start line, headers and body (decoded,
// pretty-printed when JSON, form data or text; else its size and type) — credentials "[redacted]"
// unless revealed, and the request as a curl command that leaves redacted values out.
import { gunzipSync, inflateSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import type { BodyView, ExchangeSideView, ExchangeView } from '../../common/contract.js';
import { headersOf, isSensitiveHeader, shownUri, SHOWN_REDACTED, type CapturedSide, type Exchange } from './capture.js';
import { parseHead, requestLine, type Head } from './http-framing.js';

/** A body decoded for reading (gzip, deflate, br), as far as the kept bytes go. */
function decodedBody(head: Head, body: Buffer): Buffer {
  const enc = head.fields.find((f) => f.key === 'content-encoding')?.value.toLowerCase().trim();
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return gunzipSync(body, { finishFlush: zlib.Z_SYNC_FLUSH });
    if (enc === 'deflate') return inflateSync(body, { finishFlush: zlib.Z_SYNC_FLUSH });
    if (enc === 'br') return brotliDecompressSync(body, { finishFlush: zlib.BROTLI_OPERATION_FLUSH });
  } catch {
    return body;
  }
  return body;
}

const TEXTUAL = /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|javascript|x-www-form-urlencoded|graphql)|image\/svg\+xml)/i;

/** A body for reading: JSON pretty-printed, form data one field a line, text as text, else size and type. */
function bodyView(head: Head, side: CapturedSide): BodyView {
  const type = head.fields.find((f) => f.key === 'content-type')?.value ?? '';
  const base = { size: side.total, type, truncated: side.truncated };
  if (side.evicted) return { kind: 'evicted', ...base };
  const raw = side.body();
  if (!raw || raw.length === 0) return { kind: side.total ? 'binary' : 'empty', ...base };
  const bytes = decodedBody(head, raw);
  const looksText = TEXTUAL.test(type) || (!type && !bytes.subarray(0, 512).includes(0));
  if (!looksText) return { kind: 'binary', ...base };
  const text = bytes.toString('utf8');
  if (/json/i.test(type) || (!type && /^\s*[{[]/.test(text))) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2), ...base };
    } catch {
      return { kind: 'text', text, ...base };
    }
  }
  if (/x-www-form-urlencoded/i.test(type)) {
    const lines = [...new URLSearchParams(text)].map(([k, v]) => `${k} = ${v}`);
    return { kind: 'form', text: lines.join('\n'), ...base };
  }
  return { kind: 'text', text, ...base };
}

function sideView(side: CapturedSide, reveal: boolean): ExchangeSideView | null {
  if (!side.head) return null;
  const head = parseHead(side.head);
  const line = requestLine(head.start);
  const start = line ? `${line.method} ${shownUri(line.target, reveal)} ${line.version}` : head.start;
  const headers: [string, string][] = [];
  for (const [name, values] of Object.entries(headersOf(head, reveal))) for (const v of values) headers.push([name, v]);
  return { start, headers, body: bodyView(head, side) };
}

/** POSIX single quotes, as a shell reads them. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The request as a curl command against `base` (the local app, or the public URL): method, headers
 * (Host, Content-Length and connection-level ones left to curl) and the body when it was kept whole.
 * Redacted values are left out, not printed as "[redacted]", unless revealed.
 */
function curlFor(x: Exchange, base: string, reveal: boolean): string {
  if (!x.req.head) return '';
  const head = parseHead(x.req.head);
  const line = requestLine(head.start);
  if (!line) return '';
  const target = reveal ? line.target : shownUri(line.target, false).replaceAll(SHOWN_REDACTED, '');
  const parts = ['curl', '-X', line.method, sq(`${base.replace(/\/$/, '')}${target}`)];
  const skip = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'trailer', 'upgrade']);
  for (const f of head.fields) {
    if (skip.has(f.key)) continue;
    if (!reveal && isSensitiveHeader(f.name)) continue;
    parts.push('-H', sq(`${f.name}: ${f.value}`));
  }
  const body = x.req.body();
  if (body && body.length && !x.req.truncated) parts.push('--data-binary', sq(body.toString('utf8')));
  return parts.join(' ');
}

/** The window's view of one exchange. */
export function exchangeView(x: Exchange, opts: { reveal: boolean; base: string }): ExchangeView {
  return {
    id: x.id,
    tunnel: x.tunnel,
    at: new Date(x.started).toISOString(),
    ms: x.ms,
    visitor: x.user,
    replayed: x.replayed === true,
    revealed: opts.reveal,
    request: sideView(x.req, opts.reveal),
    response: sideView(x.res, opts.reveal),
    curl: curlFor(x, opts.base, opts.reveal),
  };
}
