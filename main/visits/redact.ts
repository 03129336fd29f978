// pure: a request's path as the log keeps it — query values that carry secrets (OAuth codes, tokens,
// signatures, Vite's HMR token) and anything shaped like a JWT replaced by REDACTED — so the request
// log, `--requests` and the window never hold a credential a visitor's URL carried.

export const REDACTED = 'REDACTED';

/** Query parameters whose values are secrets, compared lower-case with `-` read as `_`. */
const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'code',
  'state',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'key',
  'api_key',
  'apikey',
  'secret',
  'client_secret',
  'password',
  'passwd',
  'sig',
  'signature',
  'auth',
  'session',
  'sessionid',
  'session_id',
  'x_amz_signature',
  'x_amz_credential',
  'x_amz_security_token',
  'x_goog_signature',
  'x_goog_credential',
]);

/** Three base64url segments, the first one a JSON object's start (`{"` → `eyJ`): a JWT, JWS or JWE. */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}/g;

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function isSecretName(name: string): boolean {
  return SECRET_PARAMS.has(decode(name).toLowerCase().replace(/-/g, '_'));
}

/** A value with any JWT in it replaced; a percent-encoded one is looked at decoded and replaced whole. */
function redactValue(value: string): string {
  const plain = value.replace(JWT, REDACTED);
  if (plain !== value || !value.includes('%')) return plain;
  return JWT_ANYWHERE.test(decode(value)) ? REDACTED : value;
}
const JWT_ANYWHERE = new RegExp(JWT.source);

/** `path?query` with every secret value replaced; names, order and other values kept as sent. */
export function redactPath(path: string): string {
  const q = path.indexOf('?');
  const base = redactValue(q === -1 ? path : path.slice(0, q));
  if (q === -1) return base;
  const query = path
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return redactValue(pair);
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      return `${name}=${value !== '' && isSecretName(name) ? REDACTED : redactValue(value)}`;
    })
    .join('&');
  return `${base}?${query}`;
}
