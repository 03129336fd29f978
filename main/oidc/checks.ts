// pure: the FusionAuth preflight's decisions and texts, from facts the adapter (preflight.ts) gathered.
// No I/O. Every message is built here from non-secret parts; the fixes use FusionAuth's own screen names.
import type { FusionAuthSettings, PreflightCheck } from '../../common/types.js';
import { isLoopbackHost } from '../../common/view-rules.js';
import { scrub } from '../../common/scrub.js';
import { NGROK_REDIRECT_URL } from '../tunnel/policy.js';


/** Order of the report; every report lists all of them (see `skipped`). */
export const CHECK_IDS: readonly PreflightCheck['id'][] = [
  'issuer-url', 'discovery', 'issuer-match', 'grants', 'scopes', 'token-endpoint', 'client-credentials', 'redirect-uri',
];

/** Largest answer Porthole reads from the provider (discovery, token), counted after decompression. */
export const MAX_ANSWER_KB = 128;

const TENANT_ISSUER = 'Tenants > Your Tenant > General > Issuer';
const APP_OAUTH = 'Applications > Your App > OAuth';

export { isLoopbackHost } from '../../common/view-rules.js';

/** Where OpenID Connect Discovery looks for the issuer's document (a trailing slash is dropped first). */
export function discoveryUrlFor(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** `issuer-url`: an absolute https URL, http only for loopback hosts. Returns the URL when it passes. */
export function checkIssuerUrl(issuer: string): { check: PreflightCheck; url?: URL } {
  const fail = (message: string, fix = `In FusionAuth, open ${TENANT_ISSUER}, set it to the URL of your FusionAuth instance (e.g. https://auth.example.com), and enter that same URL here.`) =>
    ({ check: { id: 'issuer-url' as const, status: 'fail' as const, message, fix } });
  if (!issuer.trim()) return fail('The issuer URL is empty.');
  if (issuer !== issuer.trim()) return fail(`The issuer URL "${issuer}" has spaces around it.`, 'Remove the spaces before and after the URL.');
  if (/^acme\.com\/?$/i.test(issuer)) {
    return fail('"acme.com" is FusionAuth\'s default tenant issuer, not a URL: ngrok cannot find FusionAuth with it.',
      `In FusionAuth, open ${TENANT_ISSUER}, change "acme.com" to the URL of your FusionAuth instance (e.g. https://auth.example.com), save, and enter that same URL here.`);
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return fail(`"${issuer}" is not an absolute URL (it needs https:// and a host).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(`"${issuer}" is not an https URL.`);
  if (!url.hostname) return fail(`"${issuer}" names no host.`);
  if (url.username || url.password) return fail('The issuer URL must not carry a user name or password.', 'Remove the user:password@ part from the URL.');
  if (url.search || url.hash) return fail(`"${issuer}" has a query or fragment; an issuer has neither.`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return fail(`"${issuer}" uses plain http; ngrok needs https (plain http is allowed only for localhost, for testing).`,
      `Serve FusionAuth over https, set ${TENANT_ISSUER} to its https URL, and enter that URL here.`);
  }
  const note = url.protocol === 'http:' ? ' (plain http, allowed because the host is loopback)' : '';
  return { check: { id: 'issuer-url', status: 'pass', message: `${issuer} is an absolute URL${note}.` }, url };
}

/** Network-level and HTTP-level reasons why discovery failed, as the adapter classified them. */
export type DiscoveryFailure =
  | { kind: 'dns'; host: string }
  | { kind: 'refused'; host: string }
  | { kind: 'tls'; host: string; code: string }
  | { kind: 'timeout'; seconds: number }
  | { kind: 'too-large'; kb: number }
  | { kind: 'status'; status: number; location?: string }
  | { kind: 'not-json'; contentType: string }
  | { kind: 'no-issuer' }
  | { kind: 'network'; code: string };

/** What a TLS error code means for the user (Node's and OpenSSL's codes). */
function tlsProblem(code: string): { what: string; fix: string } {
  if (/WRONG_VERSION_NUMBER|EPROTO|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/.test(code)) {
    return {
      what: 'it does not speak https on that port (plain http?)',
      fix: 'Check the port in the issuer. If FusionAuth serves plain http there, put it behind an https proxy: ngrok needs an https issuer.',
    };
  }
  if (/ALTNAME|HOSTNAME/.test(code)) {
    return { what: 'its certificate is for another host name', fix: 'Use the host name the certificate names in the issuer, or give FusionAuth a certificate for this host.' };
  }
  if (/EXPIRED|NOT_YET_VALID/.test(code)) {
    return { what: 'its certificate has expired or is not valid yet', fix: 'Renew the certificate of FusionAuth (or of the proxy in front of it).' };
  }
  return {
    what: 'its certificate is not signed by a trusted authority',
    fix: "ngrok accepts only a certificate from a public authority (e.g. Let's Encrypt): give FusionAuth, or the proxy in front of it, such a certificate.",
  };
}

/** `discovery`: message and fix for each way of not getting the document; each names its own cause. */
export function discoveryCheck(url: string, failure?: DiscoveryFailure): PreflightCheck {
  if (!failure) return { id: 'discovery', status: 'pass', message: `FusionAuth's OpenID configuration was found at ${url}.` };
  const fail = (message: string, fix: string): PreflightCheck => ({ id: 'discovery', status: 'fail', message, fix });
  const base = 'The issuer is the address you open FusionAuth with, without /admin (e.g. https://auth.example.com).';
  switch (failure.kind) {
    case 'dns':
      // Offline, every host fails to resolve: the network is as likely a cause as a typo.
      return fail(`DNS lookup failed: the host "${failure.host}" was not found.`, `Check the host name for typos, and your network (offline, no host name resolves). ${base}`);
    case 'refused':
      return fail(`Connection refused by ${failure.host}: nothing listens at that address and port.`, `Check that FusionAuth is running and that the issuer's port is right. ${base}`);
    case 'tls': {
      const { what, fix } = tlsProblem(failure.code);
      return fail(`TLS error talking to ${failure.host} (${failure.code}): ${what}.`, fix);
    }
    case 'timeout':
      return fail(`No complete answer from ${url} within ${failure.seconds} s (timeout).`, 'Check that FusionAuth is running and reachable from this network (a firewall or VPN may be in the way).');
    case 'too-large':
      return fail(`The provider's answer is larger than ${failure.kb} KB: ${url} does not serve an OpenID configuration (FusionAuth's is a few KB).`,
        `The issuer does not lead to FusionAuth. ${base}`);
    case 'status':
      if (failure.status >= 300 && failure.status < 400) {
        return fail(`${url} redirected (HTTP ${failure.status}${failure.location ? ` to ${clip(failure.location, 200)}` : ''}) instead of answering with the OpenID configuration.`,
          `Enter FusionAuth's final address as the issuer (e.g. https:// rather than http://). ${base}`);
      }
      if (failure.status === 404) {
        return fail(`${url} answered HTTP 404 (not found): there is no OpenID configuration there.`, `The issuer is not FusionAuth's address, or it has an extra path. ${base}`);
      }
      if (failure.status === 401 || failure.status === 403) {
        return fail(`${url} answered HTTP ${failure.status}: something in front of FusionAuth refuses the request.`,
          'ngrok reads this document without credentials: let /.well-known/openid-configuration through the proxy or firewall in front of FusionAuth.');
      }
      return fail(`${url} answered HTTP ${failure.status} instead of the OpenID configuration.`,
        failure.status >= 500 ? 'FusionAuth (or a proxy in front of it) is failing: check its health on System > About in the admin UI, then try again.' : `Check the issuer. ${base}`);
    case 'not-json':
      return fail(`${url} did not answer with JSON (content type "${clip(failure.contentType, 80) || 'none'}"): this is not an OpenID configuration.`,
        `The issuer leads to a web page, not to FusionAuth (a login proxy in front of it?). ${base}`);
    case 'no-issuer':
      return fail(`The OpenID configuration at ${url} has no "issuer".`, `In FusionAuth, set ${TENANT_ISSUER} to FusionAuth's own URL, then try again.`);
    case 'network':
      return fail(`Could not read ${url} (${clip(failure.code, 80)}).`, `Check the network connection and that FusionAuth is reachable. ${base}`);
  }
}

/** `issuer-match`: ngrok compares the discovered issuer with the configured one character for character. */
export function checkIssuerMatch(configured: string, rawDiscovered: string): PreflightCheck {
  if (configured === rawDiscovered) return { id: 'issuer-match', status: 'pass', message: `FusionAuth's issuer is exactly ${configured}.` };
  const strip = (s: string) => s.replace(/\/+$/, '');
  // A provider's issuer is never offered as "enter exactly …" advice while it hides non-ASCII characters.
  const odd = nonAscii(rawDiscovered);
  const discovered = clip(rawDiscovered, 200);
  if (odd.length) {
    return {
      id: 'issuer-match', status: 'fail',
      message: `FusionAuth's issuer "${discovered}" holds non-ASCII characters (${odd.join(', ')}): it only looks like ${configured}, and ngrok compares them character for character.`,
      fix: `In FusionAuth, open ${TENANT_ISSUER}, type the issuer again in plain ASCII as ${strip(configured)} (don't paste it) and save. Don't copy FusionAuth's value into Porthole.`,
    };
  }
  let discoveredIsUrl = true;
  try {
    new URL(discovered);
  } catch {
    discoveredIsUrl = false;
  }
  if (/^acme\.com\/?$/i.test(discovered) || !discoveredIsUrl) {
    const isAcme = /^acme\.com\/?$/i.test(discovered);
    return {
      id: 'issuer-match', status: 'fail',
      message: `FusionAuth says its issuer is "${discovered}": ${isAcme ? "that is FusionAuth's default tenant issuer, not a URL" : 'that is not a URL'}, so ngrok will refuse every sign-in (the issuer must equal ${configured}).`,
      fix: `In FusionAuth, open ${TENANT_ISSUER}, change "${discovered}" to ${strip(configured)} and save.`,
    };
  }
  if (strip(configured) === strip(discovered)) {
    const discoveredHas = discovered.endsWith('/');
    return {
      id: 'issuer-match', status: 'fail',
      message: `Trailing slash mismatch: FusionAuth's issuer is ${discovered} (${discoveredHas ? 'with' : 'without'} a trailing "/") but you entered ${configured} (${discoveredHas ? 'without' : 'with'}); ngrok needs them identical.`,
      fix: discoveredHas
        ? `In FusionAuth, open ${TENANT_ISSUER}, remove the trailing "/" (make it ${configured}) and save; or enter exactly ${discovered} here.`
        : `Enter ${discovered} here, without the trailing "/": it must match ${TENANT_ISSUER} in FusionAuth exactly.`,
    };
  }
  return {
    id: 'issuer-match', status: 'fail',
    message: `FusionAuth's issuer is ${discovered} but you entered ${configured}; ngrok needs them identical.`,
    fix: `Enter exactly ${discovered} here, or change ${TENANT_ISSUER} in FusionAuth to ${configured}.`,
  };
}

/** `grants`: the guide's two grants, from `grant_types_supported`. */
export function checkGrants(grantTypesSupported: unknown): PreflightCheck {
  const fix = `In FusionAuth, open ${APP_OAUTH}, tick Authorization Code and Refresh Token under Enabled grants, and save.`;
  if (!Array.isArray(grantTypesSupported)) {
    return { id: 'grants', status: 'warn', message: "FusionAuth's configuration does not list its grant types, so Porthole can't confirm Authorization Code and Refresh Token.", fix };
  }
  const missing = ['authorization_code', 'refresh_token'].filter((g) => !grantTypesSupported.includes(g));
  if (missing.length) {
    return { id: 'grants', status: 'fail', message: `FusionAuth does not offer the ${missing.join(' and ')} grant${missing.length > 1 ? 's' : ''} that ngrok uses.`, fix };
  }
  return { id: 'grants', status: 'pass', message: 'FusionAuth offers the Authorization Code and Refresh Token grants.', fix };
}

/** `scopes`: openid and email offered; email requested whenever an allow-list is set. */
export function checkScopes(scopesSupported: unknown, input: Pick<FusionAuthSettings, 'scopes' | 'allowEmails' | 'allowDomains'>): PreflightCheck {
  const requested = new Set(['openid', ...input.scopes]);
  const allowList = input.allowEmails.length + input.allowDomains.length > 0;
  const needEmail = allowList || requested.has('email');
  const providedFix = `In FusionAuth, open Applications > Your App > Scopes and make sure the email scope is provided (Provided scopes: email), then save.`;
  if (allowList && !requested.has('email')) {
    return {
      id: 'scopes', status: 'fail',
      message: 'An email allow-list is set but the email scope is not requested: ngrok would never learn anyone\'s email, so nobody could get in.',
      fix: 'Add the email scope to the tunnel (Scopes: email, or --scope email).',
    };
  }
  if (!Array.isArray(scopesSupported)) {
    return { id: 'scopes', status: 'warn', message: "FusionAuth's configuration does not list its scopes, so Porthole can't confirm openid and email.", fix: providedFix };
  }
  if (!scopesSupported.includes('openid')) {
    return { id: 'scopes', status: 'fail', message: 'FusionAuth does not offer the openid scope: this is not an OpenID Connect provider as configured.', fix: `Check the issuer: ${TENANT_ISSUER} must be your FusionAuth URL.` };
  }
  if (!scopesSupported.includes('email')) {
    return needEmail
      ? { id: 'scopes', status: 'fail', message: `FusionAuth does not offer the email scope${allowList ? ', which the email allow-list needs' : ''}.`, fix: providedFix }
      : { id: 'scopes', status: 'warn', message: 'FusionAuth does not offer the email scope: ngrok will not know who signed in.', fix: providedFix };
  }
  const unknown = [...requested].filter((s) => !scopesSupported.includes(s));
  if (unknown.length) {
    return { id: 'scopes', status: 'warn', message: `FusionAuth does not list the requested scope${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}.`, fix: 'Remove the scope from the tunnel, or provide it in FusionAuth (Applications > Your App > Scopes).' };
  }
  return { id: 'scopes', status: 'pass', message: `FusionAuth offers openid and email; the tunnel requests ${[...requested].join(' ')}.` };
}

/** What the token endpoint said to a request with a deliberately invalid authorization code. */
export type CredentialsProbe =
  | { kind: 'error'; error: string; reason?: string; description?: string; status: number }
  | { kind: 'tokens' }
  | { kind: 'missing'; field: 'clientId' | 'clientSecret' }
  | { kind: 'unreachable'; detail: string }
  | { kind: 'too-large'; kb: number }
  | { kind: 'no-method'; advertised: string[] };

/**
 * `token-endpoint`: the client secret goes only to the issuer's own origin (FusionAuth serves every
 * endpoint from there). A discovery document naming another host or port, or another scheme such as
 * `file:`, would otherwise receive the secret. Returns the URL when the secret may be sent to it.
 */
export function checkTokenEndpoint(issuer: URL, tokenEndpoint: unknown): { check: PreflightCheck; url?: URL } {
  const id = 'token-endpoint' as const;
  const fix = `Check that the issuer is your FusionAuth itself (not a proxy or a look-alike host): FusionAuth names its token endpoint ${issuer.origin}/oauth2/token.`;
  if (typeof tokenEndpoint !== 'string' || !tokenEndpoint) {
    return { check: { id, status: 'fail', message: "FusionAuth's configuration has no token endpoint.", fix: `Check the issuer: ${TENANT_ISSUER} must be your FusionAuth URL.` } };
  }
  const shown = clip(tokenEndpoint, 200);
  let url: URL;
  try {
    url = new URL(tokenEndpoint);
  } catch {
    return { check: { id, status: 'fail', message: `FusionAuth's configuration names a token endpoint that is not a URL ("${shown}").`, fix } };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { check: { id, status: 'fail', message: `FusionAuth's configuration names a ${clip(url.protocol, 20)} token endpoint ("${shown}"), not an https one: Porthole sends the client secret nowhere else.`, fix } };
  }
  if (url.origin !== issuer.origin) {
    return {
      check: {
        id, status: 'fail',
        message: `The token endpoint is on ${url.origin}, not on the issuer's origin ${issuer.origin}: Porthole does not send the client secret to another origin, so the client id and secret were not checked.`,
        fix,
      },
    };
  }
  return { check: { id, status: 'pass', message: `The token endpoint ${shown} is on the issuer's origin.` }, url };
}

/** `client-credentials`: invalid_grant means the client authenticated; invalid_client means it did not. */
export function checkCredentials(probe: CredentialsProbe, method: string): PreflightCheck {
  const copyFix = `In FusionAuth, open ${APP_OAUTH}, copy the Client Id and the Client secret again (use the copy buttons, no spaces), and paste them here.`;
  const id = 'client-credentials' as const;
  switch (probe.kind) {
    case 'missing':
      return { id, status: 'fail', message: `The ${probe.field === 'clientId' ? 'client id' : 'client secret'} is empty.`, fix: copyFix };
    case 'no-method':
      return { id, status: 'fail', message: `FusionAuth's token endpoint accepts none of client_secret_basic and client_secret_post (it lists ${probe.advertised.join(', ') || 'nothing'}).`, fix: `In FusionAuth, open ${APP_OAUTH} and set Client Authentication to Required (client secret).` };
    case 'unreachable':
      return { id, status: 'fail', message: `FusionAuth's token endpoint could not be reached (${probe.detail}).`, fix: 'Check that FusionAuth is reachable, then try again.' };
    case 'too-large':
      return { id, status: 'fail', message: `The provider's answer is larger than ${probe.kb} KB: its token endpoint does not behave like FusionAuth's.`, fix: `Check the issuer: ${TENANT_ISSUER} must be your FusionAuth URL.` };
    case 'tokens':
      return { id, status: 'warn', message: 'FusionAuth issued tokens for a made-up authorization code: the client id and secret were accepted, but the token endpoint behaves oddly.' };
    case 'error': {
      // The provider's own words, kept short: a misbehaving server must not flood the checklist.
      const said = clip(`${probe.error}${probe.reason ? `/${probe.reason}` : ''}`, 80);
      if (probe.error === 'invalid_grant' || probe.reason === 'auth_code_not_found') {
        return { id, status: 'pass', message: `FusionAuth accepted the client id and secret (${method}); it refused only Porthole's deliberately invalid test code (${said}).` };
      }
      if (probe.error === 'invalid_client' || probe.status === 401) {
        return { id, status: 'fail', message: `FusionAuth rejected the client id or client secret (${said}, using ${method}).`, fix: copyFix };
      }
      if (probe.error === 'unauthorized_client') {
        return { id, status: 'fail', message: `FusionAuth does not let this application use the Authorization Code grant (${said}).`, fix: `In FusionAuth, open ${APP_OAUTH}, tick Authorization Code and Refresh Token under Enabled grants, and save.` };
      }
      return { id, status: 'warn', message: `FusionAuth answered the credentials test with ${said}${probe.description ? ` ("${clip(probe.description, 160)}")` : ''}; Porthole can't tell whether the client secret is right.`, fix: copyFix };
    }
  }
}

/** `redirect-uri`: can't be probed from outside FusionAuth, so it is always listed, as one to do by hand. */
export function redirectCheck(): PreflightCheck {
  return {
    id: 'redirect-uri', status: 'manual',
    message: `Not checkable from here: FusionAuth must list ${NGROK_REDIRECT_URL} as an Authorized redirect URL of the application, or sign-in ends on a FusionAuth error page.`,
    fix: `In FusionAuth, open ${APP_OAUTH}, add ${NGROK_REDIRECT_URL} under Authorized redirect URLs, and save.`,
  };
}

/**
 * `redirect-uri` when FusionAuth's own API showed the application lists ngrok's callback: Porthole
 * set it just now (`set`), or read it back (`found`). Passes, and says how it is known.
 */
function redirectConfirmed(how: 'set' | 'found'): PreflightCheck {
  return {
    id: 'redirect-uri', status: 'pass',
    message: `FusionAuth lists ${NGROK_REDIRECT_URL} as an Authorized redirect URL of the application (${how === 'set' ? 'Porthole set it just now' : "read back from FusionAuth's API"}).`,
  };
}

/** The report with its by-hand redirect check replaced by `redirectConfirmed(how)`; `ok` is unchanged (a pass fails nothing). */
export function withRedirectConfirmed<R extends { checks: PreflightCheck[] }>(report: R, how: 'set' | 'found'): R {
  return { ...report, checks: report.checks.map((c) => (c.id === 'redirect-uri' && c.status === 'manual' ? redirectConfirmed(how) : c)) };
}

/** A check that could not run because an earlier one failed: listed as not checked, never omitted. */
export function skipped(id: PreflightCheck['id'], because: PreflightCheck['id']): PreflightCheck {
  return { id, status: 'skip', message: `Not checked: the ${because} check failed.`, fix: `Fix the ${because} check first.` };
}

/** `U+0430 at character 12`, for each character outside printable ASCII (at most five). */
function nonAscii(s: string): string[] {
  const out: string[] = [];
  [...s].forEach((c, i) => {
    if (/[^\x20-\x7e]/.test(c)) out.push(`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at character ${i + 1}`);
  });
  return out.length > 5 ? [...out.slice(0, 5), `${out.length - 5} more`] : out;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Replaces every form of the secret in the report (belt and braces: the adapter scrubs the provider's words first). */
export function redact(checks: PreflightCheck[], secret: string): PreflightCheck[] {
  if (secret.length < 4) return checks;
  const clean = (t: string) => scrub(t, [secret]);
  return checks.map((c) => ({ ...c, message: clean(c.message), ...(c.fix !== undefined ? { fix: clean(c.fix) } : {}) }));
}
