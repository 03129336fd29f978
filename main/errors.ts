// pure: translates what the ngrok SDK throws into Porthole's errors. The codes and their text live in
// common/errors.ts, imported from there by every module. SDK text is scrubbed before it is passed through.
import { describe, isNgrokCode, scrub } from '../common/errors.js';
import type { PortholeCode, PortholeError } from '../common/errors.js';


/** ngrok codes we explain, with Porthole's code for each. */
const NGROK_CODES: Record<string, PortholeCode> = {
  ERR_NGROK_105: 'NGROK_AUTHTOKEN',
  ERR_NGROK_106: 'NGROK_AUTHTOKEN',
  ERR_NGROK_107: 'NGROK_AUTHTOKEN',
  ERR_NGROK_300: 'NGROK_AUTHTOKEN',
  ERR_NGROK_4018: 'NGROK_AUTHTOKEN',
  ERR_NGROK_108: 'NGROK_TOO_MANY_SESSIONS',
  ERR_NGROK_324: 'NGROK_ENDPOINT_LIMIT',
  ERR_NGROK_334: 'NGROK_ENDPOINT_ONLINE',
  ERR_NGROK_6030: 'NGROK_POOL_MIXED',
  ERR_NGROK_18016: 'NGROK_POOL_MIXED',
  ERR_NGROK_18017: 'NGROK_POOL_MIXED',
  ERR_NGROK_18019: 'NGROK_POOLING_UNAVAILABLE',
  ERR_NGROK_326: 'NGROK_DOMAIN',
  ERR_NGROK_385: 'NGROK_OIDC_CONFIG',
  ERR_NGROK_386: 'NGROK_OIDC_CONFIG',
  ERR_NGROK_387: 'NGROK_OIDC_CONFIG',
  ERR_NGROK_7088: 'NGROK_OIDC_CONFIG',
  ERR_NGROK_7089: 'NGROK_OIDC_CONFIG',
  ERR_NGROK_5204: 'NGROK_OIDC_TOKEN',
  ERR_NGROK_5212: 'NGROK_OIDC_NOT_ENABLED',
  ERR_NGROK_7098: 'NGROK_OIDC_NOT_ENABLED',
  ERR_NGROK_7008: 'NGROK_EDGES_RETIRED',
};

/** Codes that no amount of retrying fixes: the engine stops and shows them. */
const FATAL: ReadonlySet<string> = new Set<PortholeCode>(['NO_AUTHTOKEN', 'NGROK_AUTHTOKEN', 'NGROK_TOO_MANY_SESSIONS', 'NGROK_EDGES_RETIRED']);

/** True when retrying the session cannot help (a refused authtoken, the session limit…). */
export function isFatalSessionError(e: PortholeError): boolean {
  return FATAL.has(e.code);
}

/** The SDK's message without its "failed to …:" prefix and " error_code: …" suffix, on one line. */
function sdkText(raw: string): string {
  return raw
    .replace(/\s*error_code:\s*ERR_NGROK_\d+\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Translates anything the ngrok SDK threw into a PortholeError. Known `errorCode`s get Porthole's
 * text and keep the ngrok code in `ngrokCode`; unknown codes pass through verbatim (scrubbed).
 */
export function fromNgrokError(err: unknown, ctx: { serverAddr?: string; secrets?: readonly string[]; domain?: string; pooled?: boolean } = {}): PortholeError {
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : String(err);
  const ngrokCode = typeof (err as { errorCode?: unknown })?.errorCode === 'string' ? (err as { errorCode: string }).errorCode : /(ERR_NGROK_\d+)/.exec(raw)?.[1];
  const text = scrub(sdkText(raw), ctx.secrets);
  const detail = ctx.serverAddr ? { serverAddr: ctx.serverAddr } : {};
  if (ngrokCode) {
    const code = NGROK_CODES[ngrokCode];
    if (code) return { code, ngrokCode, ...describe(code, { ...detail, ngrokCode, ...(ctx.domain ? { domain: ctx.domain } : {}), ...(ctx.pooled ? { pooled: true } : {}) }) };
    if (isNgrokCode(ngrokCode)) return { code: ngrokCode, ngrokCode, message: text || ngrokCode, fix: `See https://ngrok.com/docs/errors/${ngrokCode.toLowerCase()}` };
  }
  if (/tls handshake|certificate|UnknownIssuer|webpki/i.test(raw)) return { code: 'NGROK_TLS', ...describe('NGROK_TLS', detail) };
  if (/failed to establish tcp connection|connection refused|dns|resolve|os error 11[13]/i.test(raw)) return { code: 'NGROK_UNREACHABLE', ...describe('NGROK_UNREACHABLE', detail) };
  const generic = describe('NGROK_FAILED');
  return { code: 'NGROK_FAILED', message: text || generic.message, ...(generic.fix ? { fix: generic.fix } : {}) };
}

