// adapter: `fetch` for every request to the OpenID provider, with a size cap on the answer.
// openid-client reads whole bodies into memory; an endless JSON stream or a gzip bomb would grow the
// process without bound (the desktop app runs the preflight in its main process). The cap counts
// decompressed bytes, and a timeout while the body is still arriving stays a timeout.
import { MAX_ANSWER_KB } from './checks.js';

/** The provider answered with more than MAX_ANSWER_KB (after decompression). */
export class AnswerTooLarge extends Error {
  override name = 'AnswerTooLarge';
  constructor() {
    super(`The provider's answer is larger than ${MAX_ANSWER_KB} KB.`);
  }
}

/** Reads the body up to the cap and hands openid-client a buffered Response (same status and headers). */
export async function cappedFetch(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const res = await fetch(url, init);
  if (!res.body) return res;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_ANSWER_KB * 1024) throw new AnswerTooLarge();
      chunks.push(value);
    }
  } catch (err) {
    await reader.cancel().catch(() => {});
    // fetch errors the body stream when its signal fires: report the timeout, not a broken body.
    if (init?.signal?.aborted) throw init.signal.reason;
    throw err;
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  // The body is already decoded: drop the headers that describe the encoded one.
  const headers = new Headers(res.headers);
  headers.delete('content-encoding');
  headers.delete('content-length');
  const empty = res.status === 204 || res.status === 304 || (res.status >= 100 && res.status < 200);
  return new Response(empty ? null : body, { status: res.status, statusText: res.statusText, headers });
}
