// pure: what went wrong talking to FusionAuth's API, in FusionAuth's words (which screen, which
// endpoint, which field). Codes are this module's own: they travel inside FusionAuthOutcome (common/contract.ts), never as PortholeError codes.
import { scrub as scrubSecrets } from '../../common/scrub.js';

export type FusionAuthErrorCode =
  | 'FUSIONAUTH_API_KEY' // 401 on the first call: the key is wrong (or may not even list tenants)
  | 'FUSIONAUTH_API_PERMISSION' // 401 after an accepted call: the key lacks one endpoint
  | 'FUSIONAUTH_TENANT_REQUIRED'
  | 'FUSIONAUTH_TENANT_NOT_FOUND'
  | 'FUSIONAUTH_ISSUER'
  | 'FUSIONAUTH_USER_NOT_FOUND'
  | 'FUSIONAUTH_REFUSED' // 400 with fieldErrors / generalErrors
  | 'FUSIONAUTH_UNREACHABLE'
  | 'FUSIONAUTH_TIMEOUT'
  | 'FUSIONAUTH_RESPONSE_TOO_LARGE'
  | 'FUSIONAUTH_BAD_RESPONSE'
  | 'FUSIONAUTH_FAILED'
  | 'FUSIONAUTH_PLAN_CHANGED'; // FusionAuth changed between the plan shown and Apply: nothing written

export interface FieldError {
  /** FusionAuth's field path, e.g. `application.oauthConfiguration.authorizedRedirectURLs`; '' for general errors. */
  field: string;
  code: string;
  message: string;
}

export interface FusionAuthError {
  code: FusionAuthErrorCode;
  message: string;
  fix: string;
  /** FusionAuth's own errors, one per field, when it refused a request (400). */
  fieldErrors?: FieldError[];
  /** The request at fault, e.g. `PUT /api/application`. */
  endpoint?: string;
}

/** What the transport saw; `describeFailure` turns it into words. */
export type Failure =
  | { kind: 'http'; method: string; path: string; status: number; body: unknown }
  | { kind: 'transport'; method: string; path: string; error: unknown; timeoutMs: number }
  | { kind: 'too-large'; method: string; path: string; maxBytes: number }
  | { kind: 'not-json'; method: string; path: string; status: number };

const UUID_SEGMENT = /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi;

/** The endpoint as FusionAuth's API key screen lists it: `/api/application`, not `/api/application/<id>`. */
export function endpointOf(path: string): string {
  return path.replace(UUID_SEGMENT, '').replace(/\?.*$/, '') || '/';
}

function systemCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length) return systemCode(errors[0]);
  }
  return undefined;
}

/** The one scrubber (every encoding of a secret), then bounded: FusionAuth's text is data, never trusted length. */
function scrub(text: string, secrets: readonly string[]): string {
  const out = scrubSecrets(text, secrets);
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

/** FusionAuth's `fieldErrors` / `generalErrors`, flattened, scrubbed and bounded (at most 20). */
export function fieldErrorsOf(body: unknown, secrets: readonly string[] = []): FieldError[] {
  if (!body || typeof body !== 'object') return [];
  const out: FieldError[] = [];
  const one = (field: string, e: unknown) => {
    const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
    out.push({ field: scrub(field, secrets), code: scrub(String(code ?? ''), secrets), message: scrub(String(message ?? ''), secrets) });
  };
  const fe = (body as { fieldErrors?: unknown }).fieldErrors;
  // FusionAuth sends a map { "application.name": [ {code, message} ] }; the OpenAPI document
  // describes a plain list, so accept that too.
  if (Array.isArray(fe)) for (const e of fe) one('', e);
  else if (fe && typeof fe === 'object') {
    for (const [field, list] of Object.entries(fe)) for (const e of Array.isArray(list) ? list : [list]) one(field, e);
  }
  const ge = (body as { generalErrors?: unknown }).generalErrors;
  if (Array.isArray(ge)) for (const e of ge) one('', e);
  return out.slice(0, 20);
}

function transportError(f: Extract<Failure, { kind: 'transport' }>, host: string): FusionAuthError {
  const name = (f.error as { name?: unknown })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return {
      code: 'FUSIONAUTH_TIMEOUT', endpoint: `${f.method} ${endpointOf(f.path)}`,
      message: `FusionAuth at ${host} did not answer ${f.method} ${endpointOf(f.path)} within ${f.timeoutMs / 1000} s.`,
      fix: 'Check that FusionAuth is running and reachable from this machine, then try again.',
    };
  }
  const sys = systemCode(f.error) ?? 'network error';
  const what = sys === 'ENOTFOUND' || sys === 'EAI_AGAIN' ? 'the host name does not resolve'
    : sys === 'ECONNREFUSED' ? 'the connection was refused'
      : /CERT|SSL|TLS|SELF_SIGNED/.test(sys) ? `its TLS certificate was not accepted (${sys})` : sys;
  return {
    code: 'FUSIONAUTH_UNREACHABLE',
    message: `FusionAuth at ${host} can't be reached: ${what}.`,
    fix: 'Check the FusionAuth URL (the address of your FusionAuth instance, e.g. https://acme.fusionauth.io) and that it is running.',
  };
}

function httpError(f: Extract<Failure, { kind: 'http' }>, ctx: { host: string; accepted: boolean; secrets: readonly string[] }): FusionAuthError {
  const endpoint = `${f.method} ${endpointOf(f.path)}`;
  if (f.status === 401 && !ctx.accepted) {
    return {
      code: 'FUSIONAUTH_API_KEY', endpoint,
      message: `FusionAuth refused the API key (401 on ${endpoint}).`,
      fix: `Check the key under Settings > API Keys in FusionAuth (copy it again; it may have been deleted). If the key is restricted, allow ${f.method} on ${endpointOf(f.path)}.`,
    };
  }
  if (f.status === 401) {
    return {
      code: 'FUSIONAUTH_API_PERMISSION', endpoint,
      message: `The API key is not allowed to call ${endpoint} (401).`,
      fix: `In FusionAuth, Settings > API Keys > edit this key: allow ${f.method} on the endpoint ${endpointOf(f.path)} (or remove the key's endpoint restrictions).`,
    };
  }
  const fieldErrors = fieldErrorsOf(f.body, ctx.secrets);
  if (f.status === 400 && fieldErrors.length) {
    const lines = fieldErrors.map((e) => `${e.field ? `${e.field}: ` : ''}${e.message || e.code}`);
    return {
      code: 'FUSIONAUTH_REFUSED', endpoint, fieldErrors,
      message: `FusionAuth refused ${endpoint}: ${lines.join('; ')}`,
      fix: 'Correct the field FusionAuth names (in Porthole\'s input, or in FusionAuth\'s admin console) and run the set-up again.',
    };
  }
  return {
    code: 'FUSIONAUTH_FAILED', endpoint,
    message: `FusionAuth answered ${endpoint} with HTTP ${f.status}.`,
    fix: f.status >= 500 ? 'FusionAuth had an internal error: check its logs (System > Logs), then try again.' : 'Check the FusionAuth URL and your FusionAuth version (1.69 or later), then try again.',
  };
}

export function describeFailure(f: Failure, ctx: { host: string; accepted: boolean; secrets: readonly string[] }): FusionAuthError {
  switch (f.kind) {
    case 'transport':
      return transportError(f, ctx.host);
    case 'too-large':
      return {
        code: 'FUSIONAUTH_RESPONSE_TOO_LARGE', endpoint: `${f.method} ${endpointOf(f.path)}`,
        message: `FusionAuth's answer to ${f.method} ${endpointOf(f.path)} is larger than ${Math.round(f.maxBytes / 1024)} KiB; Porthole stopped reading it.`,
        fix: 'Check that the URL points at FusionAuth itself (not a proxy or another site).',
      };
    case 'not-json':
      return {
        code: 'FUSIONAUTH_BAD_RESPONSE', endpoint: `${f.method} ${endpointOf(f.path)}`,
        message: `The answer to ${f.method} ${endpointOf(f.path)} is not JSON (HTTP ${f.status}): this does not look like FusionAuth's API.`,
        fix: 'Give the base URL of your FusionAuth instance, e.g. https://acme.fusionauth.io (no path).',
      };
    case 'http':
      return httpError(f, ctx);
  }
}
