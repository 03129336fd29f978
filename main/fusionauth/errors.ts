// pure: what went wrong talking to FusionAuth's API, as FusionAuthErrors: which code applies to what
// the transport saw. The codes and their words are common/errors.ts's (FusionAuthCode).
import { fusionAuthError, type FusionAuthError, type FusionAuthFieldError } from '../../common/errors.js';
import { scrub as scrubSecrets } from '../../common/scrub.js';

export type { FusionAuthCode, FusionAuthError, FusionAuthFieldError as FieldError } from '../../common/errors.js';

/** What the transport saw; `describeFailure` turns it into an error. */
export type Failure =
  | { kind: 'http'; method: string; path: string; status: number; body: unknown }
  | { kind: 'redirect'; method: string; path: string; status: number; location?: string }
  | { kind: 'transport'; method: string; path: string; error: unknown; timeoutMs: number }
  | { kind: 'too-large'; method: string; path: string; maxBytes: number }
  | { kind: 'not-json'; method: string; path: string; status: number }
  | { kind: 'shape'; method: string; path: string; field: string; problem: string };

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
function fieldErrorsOf(body: unknown, secrets: readonly string[] = []): FusionAuthFieldError[] {
  if (!body || typeof body !== 'object') return [];
  const out: FusionAuthFieldError[] = [];
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
  const endpoint = `${f.method} ${endpointOf(f.path)}`;
  const name = (f.error as { name?: unknown })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return fusionAuthError('FUSIONAUTH_TIMEOUT', { host, endpoint, seconds: f.timeoutMs / 1000 });
  const sys = systemCode(f.error) ?? 'network error';
  const what = sys === 'ENOTFOUND' || sys === 'EAI_AGAIN' ? 'the host name does not resolve'
    : sys === 'ECONNREFUSED' ? 'the connection was refused'
      : /CERT|SSL|TLS|SELF_SIGNED/.test(sys) ? `its TLS certificate was not accepted (${sys})` : sys;
  return fusionAuthError('FUSIONAUTH_UNREACHABLE', { host, what });
}

function httpError(f: Extract<Failure, { kind: 'http' }>, ctx: { host: string; accepted: boolean; secrets: readonly string[] }): FusionAuthError {
  const detail = { endpoint: `${f.method} ${endpointOf(f.path)}`, method: f.method, path: endpointOf(f.path), status: f.status };
  if (f.status === 401) return fusionAuthError(ctx.accepted ? 'FUSIONAUTH_API_PERMISSION' : 'FUSIONAUTH_API_KEY', detail);
  const fieldErrors = fieldErrorsOf(f.body, ctx.secrets);
  if (f.status === 400 && fieldErrors.length) {
    const what = fieldErrors.map((e) => `${e.field ? `${e.field}: ` : ''}${e.message || e.code}`).join('; ');
    return fusionAuthError('FUSIONAUTH_REFUSED', { ...detail, what }, { fieldErrors });
  }
  return fusionAuthError('FUSIONAUTH_FAILED', detail);
}

export function describeFailure(f: Failure, ctx: { host: string; accepted: boolean; secrets: readonly string[] }): FusionAuthError {
  const endpoint = `${f.method} ${endpointOf(f.path)}`;
  switch (f.kind) {
    case 'transport':
      return transportError(f, ctx.host);
    case 'too-large':
      return fusionAuthError('FUSIONAUTH_RESPONSE_TOO_LARGE', { endpoint, kib: Math.round(f.maxBytes / 1024) });
    case 'not-json':
      return fusionAuthError('FUSIONAUTH_BAD_RESPONSE', { endpoint, status: f.status });
    case 'shape':
      return fusionAuthError('FUSIONAUTH_BAD_RESPONSE', { endpoint, what: `${scrub(f.field, ctx.secrets)} ${f.problem}` });
    case 'redirect':
      return fusionAuthError('FUSIONAUTH_REDIRECT', { endpoint, status: f.status, ...(f.location ? { location: scrub(f.location, ctx.secrets).slice(0, 200) } : {}) });
    case 'http':
      return httpError(f, ctx);
  }
}
