// pure: error codes, the ngrok error mapping, and the one place user-facing error text lives.
// No I/O. Messages never carry a secret: SDK text is scrubbed before it is passed through.
import type { PortholeError } from './types.js';

/** Porthole's own error codes. Unknown ngrok errors keep their `ERR_NGROK_nnn` as the code. */
export type ErrorCode =
  /** Input refused at the boundary; `field` names the culprit. */
  | 'INVALID_INPUT'
  /** A FusionAuth preflight check failed; the message is that check's. */
  | 'PREFLIGHT_FAILED'
  /** No ngrok authtoken was given. */
  | 'NO_AUTHTOKEN'
  /** ERR_NGROK_105/106/107/300/4018: the authtoken was refused. */
  | 'NGROK_AUTHTOKEN'
  /** ERR_NGROK_108: the plan's limit of simultaneous agent sessions. */
  | 'NGROK_TOO_MANY_SESSIONS'
  /** ERR_NGROK_324: the plan's limit of endpoints per agent session. */
  | 'NGROK_ENDPOINT_LIMIT'
  /** ERR_NGROK_334: the endpoint (domain) is already online elsewhere. */
  | 'NGROK_ENDPOINT_ONLINE'
  /** ERR_NGROK_326 and similar: ngrok refused the requested domain. */
  | 'NGROK_DOMAIN'
  /** ERR_NGROK_387/7088 (issuer), 385/7089 (client id), 386 (client secret). */
  | 'NGROK_OIDC_CONFIG'
  /** ERR_NGROK_5204: ngrok could not verify FusionAuth's ID token. */
  | 'NGROK_OIDC_TOKEN'
  /** ERR_NGROK_5212/7098: OpenID Connect is not available on the account or domain. */
  | 'NGROK_OIDC_NOT_ENABLED'
  /** ERR_NGROK_7008: Edges (labeled tunnels) were retired. */
  | 'NGROK_EDGES_RETIRED'
  /** The TLS handshake with the ngrok ingress failed (custom server_addr / CA, or a TLS-inspecting proxy). */
  | 'NGROK_TLS'
  /** No TCP connection to the ngrok ingress. */
  | 'NGROK_UNREACHABLE'
  /** ngrok failed without a code we know; the SDK's (scrubbed) text is the message. */
  | 'NGROK_FAILED';

interface Text {
  message: string;
  fix?: string;
}

const DASHBOARD_TOKEN = 'https://dashboard.ngrok.com/get-started/your-authtoken';

/** The user-facing text for each of Porthole's codes. `detail` adds context (e.g. the ingress address). */
export function describe(code: ErrorCode, detail: { serverAddr?: string } = {}): Text {
  const addr = detail.serverAddr;
  switch (code) {
    case 'INVALID_INPUT':
      return { message: 'Some input is not valid.', fix: 'Correct the field named in the error.' };
    case 'PREFLIGHT_FAILED':
      return { message: 'The FusionAuth check failed, so the tunnel was not started.', fix: 'Run "Check FusionAuth" and follow the fix shown for the failed check.' };
    case 'NO_AUTHTOKEN':
      return { message: 'No ngrok authtoken is set.', fix: `Copy your authtoken from ${DASHBOARD_TOKEN} and paste it in Settings (or set NGROK_AUTHTOKEN).` };
    case 'NGROK_AUTHTOKEN':
      return { message: 'ngrok rejected the authtoken.', fix: `Copy your authtoken again from ${DASHBOARD_TOKEN} and paste it in Settings; it may have been reset or revoked.` };
    case 'NGROK_TOO_MANY_SESSIONS':
      return { message: 'Your ngrok plan allows no more agent sessions.', fix: 'Stop other ngrok agents using this authtoken (Porthole needs only one for all its tunnels), or upgrade the plan.' };
    case 'NGROK_ENDPOINT_LIMIT':
      return { message: 'Your ngrok plan allows no more endpoints on one agent session.', fix: 'Stop another tunnel first, or upgrade the ngrok plan.' };
    case 'NGROK_ENDPOINT_ONLINE':
      return { message: 'This endpoint is already online in another ngrok agent.', fix: 'Stop the other agent using this domain, or choose another domain (ngrok pooling can share one on purpose).' };
    case 'NGROK_DOMAIN':
      return { message: 'ngrok refused the requested domain.', fix: 'Reserve the domain in the ngrok dashboard (Domains), or leave the domain empty for an assigned one.' };
    case 'NGROK_OIDC_CONFIG':
      return { message: 'ngrok says the OpenID Connect settings are incomplete.', fix: 'Fill in the FusionAuth issuer URL, client id and client secret of the tunnel.' };
    case 'NGROK_OIDC_TOKEN':
      return { message: "ngrok could not verify FusionAuth's ID token.", fix: "Check that the tunnel's issuer equals FusionAuth's tenant issuer exactly (Tenants > Your Tenant > General > Issuer) and that the application signs ID tokens with an asymmetric key (Applications > Edit > JWT)." };
    case 'NGROK_OIDC_NOT_ENABLED':
      return { message: 'OpenID Connect is not available for this ngrok account or domain.', fix: 'Use an ngrok plan that includes OpenID Connect, or the "internal" mode with a Cloud Endpoint that carries the policy.' };
    case 'NGROK_EDGES_RETIRED':
      return { message: 'ngrok retired Edges and labeled tunnels.', fix: 'Use the "internal" mode and a Cloud Endpoint in the ngrok dashboard instead of an Edge.' };
    case 'NGROK_TLS':
      return addr
        ? { message: `The TLS handshake with the ngrok ingress at ${addr} failed.`, fix: 'Give the CA certificate that signs that ingress (--ca-file / Settings), and check that its certificate names this address.' }
        : { message: 'The TLS handshake with ngrok failed.', fix: "A proxy may be inspecting TLS: set its CA certificate in Settings, or ask your network admin to allow connect.ngrok-agent.com." };
    case 'NGROK_UNREACHABLE':
      return addr
        ? { message: `Could not connect to the ngrok ingress at ${addr}.`, fix: 'Check the server address and port, and that the ingress is running.' }
        : { message: 'Could not connect to ngrok.', fix: 'Check the internet connection and that a firewall allows connect.ngrok-agent.com:443.' };
    case 'NGROK_FAILED':
      return { message: 'ngrok reported an error.', fix: 'See the message; https://ngrok.com/docs/errors lists every ngrok error code.' };
  }
}

/** ngrok codes we explain, with Porthole's code for each. */
const NGROK_CODES: Record<string, ErrorCode> = {
  ERR_NGROK_105: 'NGROK_AUTHTOKEN',
  ERR_NGROK_106: 'NGROK_AUTHTOKEN',
  ERR_NGROK_107: 'NGROK_AUTHTOKEN',
  ERR_NGROK_300: 'NGROK_AUTHTOKEN',
  ERR_NGROK_4018: 'NGROK_AUTHTOKEN',
  ERR_NGROK_108: 'NGROK_TOO_MANY_SESSIONS',
  ERR_NGROK_324: 'NGROK_ENDPOINT_LIMIT',
  ERR_NGROK_334: 'NGROK_ENDPOINT_ONLINE',
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
const FATAL: ReadonlySet<string> = new Set<string>(['NO_AUTHTOKEN', 'NGROK_AUTHTOKEN', 'NGROK_TOO_MANY_SESSIONS', 'NGROK_EDGES_RETIRED']);

/** True when retrying the session cannot help (a refused authtoken, the session limit…). */
export function isFatalSessionError(e: PortholeError): boolean {
  return FATAL.has(e.code);
}

/** Removes secrets from SDK text: the given values, and whatever follows "authtoken:" / "secret:". */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  // ngrok's own messages quote the token ("Your authtoken: 2abc…").
  out = out.replace(/((?:auth\s*token|authtoken|secret|password)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1[redacted]');
  return out;
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
export function fromNgrokError(err: unknown, ctx: { serverAddr?: string; secrets?: readonly string[] } = {}): PortholeError {
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : String(err);
  const ngrokCode = typeof (err as { errorCode?: unknown })?.errorCode === 'string' ? (err as { errorCode: string }).errorCode : /(ERR_NGROK_\d+)/.exec(raw)?.[1];
  const text = scrub(sdkText(raw), ctx.secrets);
  const detail = ctx.serverAddr ? { serverAddr: ctx.serverAddr } : {};
  if (ngrokCode) {
    const code = NGROK_CODES[ngrokCode];
    if (code) return { code, ngrokCode, ...describe(code, detail) };
    return { code: ngrokCode, ngrokCode, message: text || ngrokCode, fix: `See https://ngrok.com/docs/errors/${ngrokCode.toLowerCase()}` };
  }
  if (/tls handshake|certificate|UnknownIssuer|webpki/i.test(raw)) return { code: 'NGROK_TLS', ...describe('NGROK_TLS', detail) };
  if (/failed to establish tcp connection|connection refused|dns|resolve|os error 11[13]/i.test(raw)) return { code: 'NGROK_UNREACHABLE', ...describe('NGROK_UNREACHABLE', detail) };
  const generic = describe('NGROK_FAILED');
  return { code: 'NGROK_FAILED', message: text || generic.message, ...(generic.fix ? { fix: generic.fix } : {}) };
}

/** An input error naming its field. */
export function invalidInput(field: string, message: string, fix?: string): PortholeError {
  return { code: 'INVALID_INPUT', field, message, ...(fix ? { fix } : {}) };
}

/** A PortholeError from one of Porthole's own codes, with its standard text unless overridden. */
export function portholeError(code: ErrorCode, override: Partial<Text> = {}): PortholeError {
  const t = describe(code);
  const fix = override.fix ?? t.fix;
  return { code, message: override.message ?? t.message, ...(fix ? { fix } : {}) };
}

/** One line for people: "message (code). fix". */
export function formatError(e: PortholeError): string {
  const code = e.ngrokCode ?? e.code;
  const where = e.field ? `${e.field}: ` : '';
  return `${where}${e.message} (${code})${e.fix ? `. ${e.fix}` : ''}`;
}
