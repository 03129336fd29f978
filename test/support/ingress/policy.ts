// test support: what an endpoint's Bind asks of ngrok's edge for OpenID Connect, as the gate's config.
// Traffic policy rules are evaluated for real with a CEL engine, as ngrok's edge does; the legacy
// agent options (Opts.OIDC) use ngrok's allow_emails / allow_domains semantics.
import { evaluate } from '@marcbachmann/cel-js';
import { parse as parseYaml } from 'yaml';
import type { EdgeGateConfig, EdgeHeaders, EdgeIdentity, IngressGate } from './edge.js';

/** ngrok's default scopes for OpenID Connect when none are given. */
export const DEFAULT_SCOPES = ['openid', 'profile', 'email'];

/** `Opts.TrafficPolicy` as sent (a JSON string, or YAML) → an object; null when unset. */
export function parseTrafficPolicy(text: unknown): any | null {
  if (text === null || text === undefined || text === '') return null;
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parseYaml(text);
    } catch {
      return text; // kept verbatim so a test can see what arrived
    }
  }
}

/** The gate config an endpoint asks for: traffic policy first, else legacy Opts.OIDC; null for none. */
export function gateConfig(trafficPolicy: any | null, oidc: any | null): IngressGate | null {
  return fromPolicy(trafficPolicy) ?? fromLegacy(oidc);
}

/** A remove-headers or add-headers action of the policy, with its rule's expressions. */
interface HeaderAction {
  type: 'remove-headers' | 'add-headers';
  expressions: string[];
  config: any;
}

function fromPolicy(policy: any): IngressGate | null {
  const rules: any[] = Array.isArray(policy?.on_http_request) ? policy.on_http_request : [];
  let oidc: any = null;
  const denyRules: string[][] = [];
  const headerActions: HeaderAction[] = [];
  for (const rule of rules) {
    const actions: any[] = Array.isArray(rule?.actions) ? rule.actions : [];
    const expressions: string[] = Array.isArray(rule?.expressions) ? rule.expressions.map(String) : [];
    for (const action of actions) {
      if (action?.type === 'openid-connect' && !oidc) oidc = action.config ?? {};
      if (action?.type === 'deny') denyRules.push(expressions);
      if (action?.type === 'remove-headers' || action?.type === 'add-headers') headerActions.push({ type: action.type, expressions, config: action.config ?? {} });
    }
  }
  if (!oidc) return null;
  return {
    issuer: String(oidc.issuer_url ?? ''),
    clientId: String(oidc.client_id ?? ''),
    clientSecret: String(oidc.client_secret ?? ''),
    scopes: withOpenid(oidc.scopes),
    isAllowed: (email) => !denyRules.some((exprs) => exprs.every((e) => celTrue(e, email))),
    rewriteHeaders: (headers, identity) => {
      for (const a of headerActions) applyHeaderAction(a, headers, identity);
    },
  };
}

/**
 * One header action on a signed-in visitor's request, as ngrok documents it: remove-headers drops
 * the names (any case); add-headers lower-cases the names, interpolates `${…}` as CEL, and appends
 * to a header that is already there. A rule whose expression cannot be evaluated still removes
 * (fail closed) but does not add.
 */
function applyHeaderAction(a: HeaderAction, headers: EdgeHeaders, identity: EdgeIdentity): void {
  const vars = celVars(identity);
  const applies = a.expressions.every((e) => celBool(e, vars, a.type === 'remove-headers'));
  if (!applies) return;
  if (a.type === 'remove-headers') {
    const names: string[] = Array.isArray(a.config.headers) ? a.config.headers.map((h: unknown) => String(h).toLowerCase()) : [];
    for (const n of names) delete headers[n];
    return;
  }
  const add: Record<string, unknown> = a.config.headers && typeof a.config.headers === 'object' ? a.config.headers : {};
  for (const [name, raw] of Object.entries(add)) {
    const key = name.toLowerCase();
    const value = interpolate(String(raw), vars);
    const had = headers[key];
    headers[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
}

function celVars(identity: EdgeIdentity): object {
  const id: Record<string, string> = {};
  for (const k of ['email', 'name', 'sub'] as const) if (identity[k] !== undefined) id[k] = identity[k]!;
  return { actions: { ngrok: { oidc: { identity: id } } } };
}

function celBool(expr: string, vars: object, onError: boolean): boolean {
  try {
    return evaluate(expr, vars as Record<string, unknown>) === true;
  } catch {
    return onError;
  }
}

/** `${expr}` → the CEL value as text; a variable the identity lacks becomes ''. */
function interpolate(text: string, vars: object): string {
  return text.replace(/\$\{([^}]*)\}/g, (_, expr: string) => {
    try {
      const v = evaluate(expr, vars as Record<string, unknown>);
      return v === undefined || v === null ? '' : String(v);
    } catch {
      return '';
    }
  });
}

function fromLegacy(oidc: any): EdgeGateConfig | null {
  if (!oidc || typeof oidc !== 'object' || !oidc.issuer_url) return null;
  const emails: string[] = (oidc.allow_emails ?? []).map((e: string) => e.toLowerCase());
  const domains: string[] = (oidc.allow_domains ?? []).map((d: string) => d.toLowerCase().replace(/^@/, ''));
  return {
    issuer: String(oidc.issuer_url),
    clientId: String(oidc.client_id ?? ''),
    clientSecret: String(oidc.client_secret ?? ''),
    scopes: withOpenid(oidc.scopes),
    isAllowed: (email) => {
      if (!emails.length && !domains.length) return true;
      if (!email) return false;
      const e = email.toLowerCase();
      return emails.includes(e) || domains.includes(e.slice(e.lastIndexOf('@') + 1));
    },
  };
}

/**
 * One rule expression against the signed-in identity. An expression that cannot be evaluated
 * (e.g. no email claim) counts as true, so a deny rule fails closed.
 */
function celTrue(expr: string, email: string | undefined): boolean {
  const identity = email === undefined ? {} : { email };
  try {
    return evaluate(expr, { actions: { ngrok: { oidc: { identity } } } }) === true;
  } catch {
    return true;
  }
}

function withOpenid(scopes: unknown): string[] {
  const list = Array.isArray(scopes) && scopes.length ? scopes.map(String) : [...DEFAULT_SCOPES];
  return list.includes('openid') ? list : ['openid', ...list];
}
