// adapter: the FusionAuth preflight, with openid-client (the only importer besides verify.ts and test support).
// It gathers facts over the network and classifies the library's errors; checks.ts decides and words them.
import type * as OC from 'openid-client';
import { openidClient, type OpenidClient } from './openid.js';
import { NGROK_REDIRECT_URL, scopesFor } from '../tunnel/policy.js';
import type { FusionAuthSettings, PreflightCheck, PreflightReport, RunPreflight } from '../../common/types.js';
import { scrub } from '../../common/scrub.js';
import {
  MAX_ANSWER_KB, checkCredentials, checkGrants, checkIssuerMatch, checkIssuerUrl, checkScopes,
  checkTokenEndpoint, discoveryCheck, discoveryUrlFor, isLoopbackHost, redact, redirectCheck, skipped,
} from './checks.js';
import { AnswerTooLarge, cappedFetch } from './capped-fetch.js';
import type { CredentialsProbe, DiscoveryFailure } from './checks.js';

interface PreflightOptions {
  /** Per request (discovery, then the token probe). Default 5000 ms; tests pass less. */
  timeoutMs?: number;
}

// A code no authorization server ever issued: the token endpoint must authenticate the client and
// then refuse the code (invalid_grant), or refuse the client (invalid_client).
const PROBE_CODE = 'porthole-preflight-deliberately-invalid-code';

const TLS_CODES = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** Walks `cause` chains for the first Node system error code (ENOTFOUND, ECONNREFUSED, CERT_…). */
function systemCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('OAUTH_') && code !== 'UND_ERR_SOCKET' && code !== 'ERR_INVALID_ARG_TYPE') return code;
    // undici wraps errors of a connection in an AggregateError (IPv4 + IPv6 attempts)
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length) return systemCode(errors[0]);
  }
  return undefined;
}

/** The first error in the `cause` chain for which `pred` holds. */
function inCauses(err: unknown, pred: (e: { code?: unknown; name?: unknown }) => boolean): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (pred(e as { code?: unknown; name?: unknown })) return true;
  }
  return false;
}

function classifyTransport(err: unknown, url: URL, timeoutMs: number): DiscoveryFailure {
  // Checked before anything else: a cut-off body must not read as "not JSON".
  if (inCauses(err, (e) => e instanceof AnswerTooLarge)) return { kind: 'too-large', kb: MAX_ANSWER_KB };
  if (inCauses(err, (e) => e.code === 'OAUTH_TIMEOUT' || e.code === 'OAUTH_ABORT' || e.name === 'TimeoutError')) {
    return { kind: 'timeout', seconds: Math.round(timeoutMs / 100) / 10 };
  }
  const code = (err as { code?: unknown })?.code;
  const sys = systemCode(err);
  const host = url.host;
  if (sys === 'ENOTFOUND' || sys === 'EAI_AGAIN' || sys === 'EAI_NONAME') return { kind: 'dns', host: url.hostname };
  if (sys === 'ECONNREFUSED') return { kind: 'refused', host };
  if (sys && TLS_CODES.test(sys)) return { kind: 'tls', host, code: sys };
  if (sys === 'UND_ERR_CONNECT_TIMEOUT' || sys === 'ETIMEDOUT') return { kind: 'timeout', seconds: Math.round(timeoutMs / 100) / 10 };
  return { kind: 'network', code: sys ?? (typeof code === 'string' ? code : 'network error') };
}

function classifyDiscovery(client: OpenidClient, err: unknown, url: URL, timeoutMs: number): DiscoveryFailure {
  if (err instanceof client.ClientError) {
    const cause = err.cause as { status?: number; headers?: Headers } | undefined;
    switch (err.code) {
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM': {
        const location = cause?.headers?.get?.('location') ?? undefined;
        return { kind: 'status', status: cause?.status ?? 0, ...(location ? { location } : {}) };
      }
      case 'OAUTH_RESPONSE_IS_NOT_JSON':
        return { kind: 'not-json', contentType: cause?.headers?.get?.('content-type') ?? '' };
      case 'OAUTH_PARSE_ERROR':
        return { kind: 'not-json', contentType: 'application/json, but the body is not JSON' };
      case 'OAUTH_INVALID_RESPONSE':
        return { kind: 'no-issuer' };
    }
  }
  return classifyTransport(err, url, timeoutMs);
}

type Discovered = { config: OC.Configuration; metadata: OC.ServerMetadata };

/** Fetches `<issuer>/.well-known/openid-configuration` with openid-client. Issuer validation is ours
 *  (exact, like ngrok's), so the document URL is given directly and the library doesn't compare. */
async function discover(url: URL, input: FusionAuthSettings, timeoutMs: number): Promise<Discovered | DiscoveryFailure> {
  const insecure = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  const client = await openidClient();
  try {
    const config = await client.discovery(url, input.clientId || 'porthole-preflight', undefined, client.None(), {
      timeout: timeoutMs / 1000,
      // A hostile or broken provider may answer without end, or with a gzip bomb.
      [client.customFetch]: cappedFetch,
      ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
    });
    return { config, metadata: config.serverMetadata() };
  } catch (err) {
    return classifyDiscovery(client, err, url, timeoutMs);
  }
}

/** Picks the client authentication the provider advertises (FusionAuth's default first). */
function pickAuth(advertised: unknown): 'client_secret_basic' | 'client_secret_post' | undefined {
  // RFC 8414: absent means client_secret_basic.
  if (!Array.isArray(advertised)) return 'client_secret_basic';
  if (advertised.includes('client_secret_basic')) return 'client_secret_basic';
  if (advertised.includes('client_secret_post')) return 'client_secret_post';
  return undefined;
}

/** What the token endpoint's refusal says, with every form of the secret scrubbed before anything is shortened. */
function probeFromError(client: OpenidClient, err: unknown, input: FusionAuthSettings, tokenUrl: URL, timeoutMs: number): CredentialsProbe {
  // The provider's words may echo the request (form body, Authorization header).
  const clean = (t: string) => scrub(t, [input.clientSecret]);
  if (err instanceof client.ResponseBodyError) {
    const body = err.cause as { error_reason?: unknown };
    return {
      kind: 'error', error: clean(err.error), status: err.status,
      ...(typeof body?.error_reason === 'string' ? { reason: clean(body.error_reason) } : {}),
      ...(err.error_description ? { description: clean(err.error_description) } : {}),
    };
  }
  if (err instanceof client.WWWAuthenticateChallengeError) {
    const challenge = (err.cause as { parameters?: { error?: string } }[] | undefined)?.[0];
    return { kind: 'error', error: clean(challenge?.parameters?.error ?? 'invalid_client'), status: err.status };
  }
  if (err instanceof client.ClientError && err.code === 'OAUTH_HTTP_REQUEST_FORBIDDEN') {
    return { kind: 'unreachable', detail: 'the token endpoint is plain http' };
  }
  const failure = classifyTransport(err, tokenUrl, timeoutMs);
  if (failure.kind === 'too-large') return { kind: 'too-large', kb: failure.kb };
  return { kind: 'unreachable', detail: failure.kind === 'timeout' ? `timeout after ${failure.seconds} s` : failure.kind === 'network' ? failure.code : failure.kind };
}

/** Sends the secret with a deliberately invalid code; `tokenUrl` has passed checkTokenEndpoint (the issuer's origin). */
async function probeCredentials(metadata: OC.ServerMetadata, tokenUrl: URL, input: FusionAuthSettings, timeoutMs: number): Promise<{ probe: CredentialsProbe; method: string }> {
  const method = pickAuth(metadata.token_endpoint_auth_methods_supported) ?? 'none';
  if (!input.clientId) return { probe: { kind: 'missing', field: 'clientId' }, method };
  if (!input.clientSecret) return { probe: { kind: 'missing', field: 'clientSecret' }, method };
  if (method === 'none') {
    return { probe: { kind: 'no-method', advertised: (metadata.token_endpoint_auth_methods_supported ?? []).map(String) }, method };
  }
  const client = await openidClient();
  const auth = method === 'client_secret_basic' ? client.ClientSecretBasic(input.clientSecret) : client.ClientSecretPost(input.clientSecret);
  // Only the validated endpoint: nothing else in the document can redirect where the secret goes.
  const config = new client.Configuration({ ...metadata, token_endpoint: tokenUrl.href }, input.clientId, undefined, auth);
  config.timeout = timeoutMs / 1000;
  config[client.customFetch] = cappedFetch;
  if (tokenUrl.protocol === 'http:' && isLoopbackHost(tokenUrl.hostname)) client.allowInsecureRequests(config);
  try {
    await client.genericGrantRequest(config, 'authorization_code', { code: PROBE_CODE, redirect_uri: NGROK_REDIRECT_URL });
    return { probe: { kind: 'tokens' }, method };
  } catch (err) {
    return { probe: probeFromError(client, err, input, tokenUrl, timeoutMs), method };
  }
}

/** Builds a preflight with its own timeout; `runPreflight` is the default one. */
export function createPreflight(opts: PreflightOptions = {}): RunPreflight {
  const timeoutMs = opts.timeoutMs ?? 5000;
  return async (input) => {
    let checks: PreflightCheck[];
    try {
      checks = await runChecks(input, timeoutMs);
    } catch (err) {
      // Never throws (RunPreflight's contract): an unexpected error becomes a failed discovery.
      const name = err instanceof Error ? err.name : 'error';
      checks = [
        checkIssuerUrl(input.issuer ?? '').check,
        { id: 'discovery', status: 'fail', message: `The check stopped on an unexpected ${name}.`, fix: 'Try again; if it persists, report it.' },
        ...(['issuer-match', 'grants', 'scopes', 'token-endpoint', 'client-credentials'] as const).map((id) => skipped(id, 'discovery')),
        redirectCheck(),
      ];
    }
    checks = redact(checks, input.clientSecret ?? '');
    const report: PreflightReport = { ok: checks.every((c) => c.status !== 'fail'), checks };
    return report;
  };
}

/** The FusionAuth preflight with the default 5 s timeout per request. */
export const runPreflight: RunPreflight = createPreflight();

// Every report lists all checks in CHECK_IDS order. A check that can't run after an earlier failure
// is reported `skip` ("Not checked: …", never omitted), so the first failure is the cause.
async function runChecks(input: FusionAuthSettings, timeoutMs: number): Promise<PreflightCheck[]> {
  const issuer = input.issuer ?? '';
  const { check: issuerCheck, url } = checkIssuerUrl(issuer);
  const dependent = ['discovery', 'issuer-match', 'grants', 'scopes', 'token-endpoint', 'client-credentials'] as const;
  if (!url) return [issuerCheck, ...dependent.map((id) => skipped(id, 'issuer-url')), redirectCheck()];

  const docUrl = new URL(discoveryUrlFor(issuer));
  const found = await discover(docUrl, input, timeoutMs);
  if (!('config' in found)) {
    return [issuerCheck, discoveryCheck(docUrl.href, found), ...dependent.slice(1).map((id) => skipped(id, 'discovery')), redirectCheck()];
  }
  const { metadata } = found;
  // Scopes are judged on what the tunnel will really request: Porthole adds email itself
  // whenever an allow-list is set (see tunnel/policy.ts).
  const allow = { scopes: input.scopes ?? [], allowEmails: input.allowEmails ?? [], allowDomains: input.allowDomains ?? [] };
  const match = checkIssuerMatch(issuer, String(metadata.issuer));
  const token = checkTokenEndpoint(url, metadata.token_endpoint);
  // The secret leaves only for the issuer's own origin, and only once the provider is the one configured.
  let credentials: PreflightCheck;
  if (match.status === 'fail') credentials = skipped('client-credentials', 'issuer-match');
  else if (!token.url) credentials = skipped('client-credentials', 'token-endpoint');
  else {
    const { probe, method } = await probeCredentials(metadata, token.url, input, timeoutMs);
    credentials = checkCredentials(probe, method);
  }
  return [
    issuerCheck,
    discoveryCheck(docUrl.href),
    match,
    checkGrants(metadata.grant_types_supported),
    checkScopes(metadata.scopes_supported, { scopes: scopesFor(allow), allowEmails: allow.allowEmails, allowDomains: allow.allowDomains }),
    token.check,
    credentials,
    redirectCheck(),
  ];
}
