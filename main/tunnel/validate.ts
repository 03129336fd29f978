// pure: validates tunnel and session input at the boundary (CLI flags, IPC payloads, the settings file).
// Every error names its field (`target`, `fusionauth.issuer`, `fusionauth.allowEmails[1]`) and says how to fix it.
import { z } from 'zod';
import { AUTH_MODES } from '../../common/types.js';
import type { AuthMode, FusionAuthSettings, PortholeError, SessionSpec, TunnelSpec } from '../../common/types.js';
import { invalidInput } from '../../common/errors.js';
import { fieldFix } from '../../common/fields.js';
import { isLoopbackHost, needsFusionAuth } from '../../common/view-rules.js';

/** Either a value or the errors that stopped it. */
export type Result<T> = { ok: true; value: T } | { ok: false; errors: PortholeError[] };

const NAME_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const HOST_LABELS_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
const IPV4_RE = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const SCOPE_RE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** True for localhost, 127.0.0.0/8 and ::1 (common/view-rules.ts). */
export { isLoopbackHost };

function isHost(host: string): boolean {
  if (/^\[[0-9a-f:.]+\]$/i.test(host)) return true;
  return host === 'localhost' || IPV4_RE.test(host) || HOST_LABELS_RE.test(host.toLowerCase());
}

function isPort(s: string): boolean {
  return /^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 65535;
}

/** `3000` or `host:port` (IPv6 in brackets). */
export function isTarget(s: string): boolean {
  if (isPort(s)) return true;
  const m = /^(.+):(\d+)$/.exec(s);
  return !!m && isHost(m[1]!) && isPort(m[2]!);
}

// An empty value says it is required; a wrong one says what it is not, and the field's fix (common/fields.ts)
// says what to give instead, so the two never say the same thing twice.
export const nameSchema = z
  .string({ error: 'is required' })
  .trim()
  .min(1, { error: 'is required', abort: true })
  .regex(NAME_RE, { error: 'not a tunnel name' });

const targetSchema = z
  .union([z.number(), z.string()], { error: 'is required' })
  .transform((v) => String(v).trim())
  .refine((s) => s !== '', { error: 'is required', abort: true })
  .refine(isTarget, { error: 'not a port from 1 to 65535 or host:port (e.g. 3000 or 127.0.0.1:8080)' });

/** A hostname; tolerates a pasted `https://…/` around it. */
const hostnameSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/^https?:\/\//i, '').replace(/\/$/, '').toLowerCase())
  .refine((s) => HOST_LABELS_RE.test(s), { error: 'not a hostname (e.g. demo.ngrok.app)' });

const issuerSchema = z
  .string({ error: 'is required' })
  .trim()
  .superRefine((s, ctx) => {
    if (!s) return void ctx.addIssue({ code: 'custom', message: 'is required' });
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return void ctx.addIssue({
        code: 'custom',
        message: `not an absolute https URL (e.g. https://auth.example.com)${/^acme\.com\/?$/i.test(s) ? '; "acme.com" is FusionAuth\'s default issuer, not a URL' : ''}`,
      });
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return void ctx.addIssue({ code: 'custom', message: 'not an https URL (e.g. https://auth.example.com)' });
    if (!u.hostname) return void ctx.addIssue({ code: 'custom', message: 'names no host (e.g. https://auth.example.com)' });
    if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) return void ctx.addIssue({ code: 'custom', message: 'not https: plain http is allowed only for localhost' });
    if (u.username || u.password) return void ctx.addIssue({ code: 'custom', message: 'carries a user name or password: give the URL without them' });
    if (u.search || u.hash) return void ctx.addIssue({ code: 'custom', message: 'carries a query or fragment: give the URL without them' });
  });

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'not an email address (e.g. alice@example.com)' }));

/** An email domain; a leading `@` is tolerated and dropped. */
export const emailDomainSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/^@/, '').toLowerCase())
  .refine((s) => HOST_LABELS_RE.test(s), { error: 'not an email domain (e.g. example.com)' });

export const scopeSchema = z.string().trim().regex(SCOPE_RE, { error: 'not a scope name: no spaces or quotes (e.g. profile)' });

const dedupe = <T>(xs: T[]): T[] => [...new Set(xs)];

/** FusionAuth settings, complete: what the OIDC modes need. */
const fusionAuthSchema = z.object({
  issuer: issuerSchema,
  clientId: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }),
  clientSecret: z.string({ error: 'is required' }).min(1, { error: 'is required' }),
  allowEmails: z.array(emailSchema).default([]).transform(dedupe),
  allowDomains: z.array(emailDomainSchema).default([]).transform(dedupe),
  scopes: z.array(scopeSchema).default([]).transform(dedupe),
});

/** FusionAuth settings kept on a `public`/`internal` tunnel: any strings, checked only when used. */
const fusionAuthDraftSchema = z.object({
  issuer: z.string().trim().default(''),
  clientId: z.string().trim().default(''),
  clientSecret: z.string().default(''),
  allowEmails: z.array(z.string().trim()).default([]),
  allowDomains: z.array(z.string().trim()).default([]),
  scopes: z.array(z.string().trim()).default([]),
});

export const authModeSchema = z.enum(AUTH_MODES as [AuthMode, ...AuthMode[]], { error: `not a mode: use one of ${AUTH_MODES.join(', ')}` });

/** The tunnel fields other than the FusionAuth settings. */
const tunnelBaseSchema = z.object({
  name: nameSchema,
  target: targetSchema,
  mode: authModeSchema.default('oidc'),
  domain: z
    .string()
    .optional()
    .transform((s) => (s && s.trim() ? s : undefined))
    .pipe(hostnameSchema.optional()),
  pool: z.boolean({ error: 'must be true or false' }).optional(),
});

export const sessionSpecSchema = z.object({
  authtoken: z.string({ error: 'is required' }).trim().min(1, { error: 'is required', abort: true }).regex(/^\S+$/, { error: 'contains spaces: copy the authtoken alone' }),
  serverAddr: z
    .string()
    .trim()
    .optional()
    .transform((s) => (s ? s : undefined))
    .refine((s) => s === undefined || isTarget(s) && !isPort(s), { error: 'not host:port (e.g. connect.example.com:443)' }),
  caPem: z
    .string()
    .optional()
    .transform((s) => (s && s.trim() ? s : undefined))
    .refine((s) => s === undefined || s.includes('-----BEGIN CERTIFICATE-----'), { error: 'not a PEM certificate (it starts with -----BEGIN CERTIFICATE-----)' }),
});

/** Formats a zod path: ['fusionauth','allowEmails',1] → "fusionauth.allowEmails[1]". */
export function fieldOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function toErrors(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): PortholeError[] {
  return issues.map((i) => {
    const field = fieldOf([...prefix, ...i.path]) || 'input';
    const key = field.replace(/\[\d+\]/g, '');
    const message = i.code === 'invalid_type' && /received undefined/.test(i.message) ? 'is required' : i.message;
    return invalidInput(field, `${field} ${message}`, fieldFix(key));
  });
}

/** A tunnel without its client secret: what the settings file keeps (the secret is in the SecretStore). */
export type PublicTunnelSpec = Omit<TunnelSpec, 'fusionauth'> & { fusionauth?: Omit<FusionAuthSettings, 'clientSecret'> };

const withoutSecret = { complete: fusionAuthSchema.omit({ clientSecret: true }), draft: fusionAuthDraftSchema.omit({ clientSecret: true }) };
const withSecret = { complete: fusionAuthSchema, draft: fusionAuthDraftSchema };

/** Validates one tunnel. OIDC modes need complete FusionAuth settings; other modes keep them as a draft. */
export function parseTunnelSpec(input: unknown): Result<TunnelSpec> {
  return parseTunnel(input, withSecret) as Result<TunnelSpec>;
}

/**
 * The same rules for a tunnel without its client secret (the settings file): a `clientSecret` in the
 * input is dropped, never kept.
 */
export function parsePublicTunnelSpec(input: unknown): Result<PublicTunnelSpec> {
  return parseTunnel(input, withoutSecret);
}

function parseTunnel(input: unknown, fa: typeof withSecret | typeof withoutSecret): Result<PublicTunnelSpec> {
  if (typeof input !== 'object' || input === null) return { ok: false, errors: [invalidInput('input', 'input must be an object', fieldFix('name'))] };
  const raw = input as Record<string, unknown>;
  const base = tunnelBaseSchema.safeParse(raw);
  const errors: PortholeError[] = base.success ? [] : toErrors(base.error.issues);
  const mode = base.success ? base.data.mode : authModeSchema.safeParse(raw.mode ?? 'oidc').data;
  const needsFa = needsFusionAuth(mode);
  let fusionauth: PublicTunnelSpec['fusionauth'];
  if (raw.fusionauth === undefined || raw.fusionauth === null) {
    if (needsFa) errors.push(invalidInput('fusionauth', `fusionauth settings are required for the ${mode} mode`, fieldFix('fusionauth')));
  } else {
    const parsed = (needsFa ? fa.complete : fa.draft).safeParse(raw.fusionauth);
    if (parsed.success) fusionauth = parsed.data;
    else errors.push(...toErrors(parsed.error.issues, ['fusionauth']));
  }
  if (errors.length || !base.success) return { ok: false, errors };
  const { name, target, mode: m, domain, pool } = base.data;
  // ngrok pools endpoints by URL: an assigned (random) URL is nobody else's to join.
  if (pool && !domain && m !== 'internal') return { ok: false, errors: [invalidInput('pool', 'pool needs a reserved domain (or the internal mode): only a URL of your own can be shared with other agents', fieldFix('pool'))] };
  const value: PublicTunnelSpec = { name, target, mode: m };
  if (fusionauth) value.fusionauth = fusionauth;
  if (domain) value.domain = domain;
  // The recording and Host choices travel with the tunnel: callers don't add them back.
  if (raw.record === false) value.record = false;
  if (raw.hostHeader === 'rewrite') value.hostHeader = 'rewrite';
  if (pool) value.pool = true;
  return { ok: true, value };
}

/** Validates how Porthole reaches ngrok (authtoken, custom ingress, CA). */
export function parseSessionSpec(input: unknown): Result<SessionSpec> {
  const r = sessionSpecSchema.safeParse(input ?? {});
  if (!r.success) return { ok: false, errors: toErrors(r.error.issues) };
  const value: SessionSpec = { authtoken: r.data.authtoken };
  if (r.data.serverAddr) value.serverAddr = r.data.serverAddr;
  if (r.data.caPem) value.caPem = r.data.caPem;
  return { ok: true, value };
}

/** parseTunnelSpec as a zod schema, for callers composing schemas (IPC payloads, the settings file). */
export const tunnelSpecSchema = z.unknown().transform((input, ctx): TunnelSpec => {
  const r = parseTunnelSpec(input);
  if (r.ok) return r.value;
  for (const e of r.errors) ctx.issues.push({ code: 'custom', message: e.message, input, path: pathOf(e.field ?? '') });
  return z.NEVER;
});

function pathOf(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}
