// pure: from what FusionAuth holds (tenants, applications, users) and what the user wants, the list
// of changes Porthole would make, each in words a person approves. Repairs never remove anything:
// redirect URLs and grants are only added, every other setting is sent back as FusionAuth gave it.
import type { Application, GrantType, Tenant, User } from '@fusionauth/typescript-client';
import { fusionAuthError, type FusionAuthError } from '../../common/errors.js';

/** The grants ngrok's OpenID Connect needs (FusionAuth: Applications > OAuth > Enabled grants). */
const REQUIRED_GRANTS = ['authorization_code', 'refresh_token'] as const;
export const DEFAULT_APP_NAME = 'Porthole';

const GRANT_WORDS: Record<string, string> = { authorization_code: 'Authorization Code', refresh_token: 'Refresh Token' };

export interface Wanted {
  /** The FusionAuth base URL: what the tenant's issuer must be. */
  url: string;
  appName: string;
  redirectUrls: string[];
  /** Only with this consent is the tenant's issuer changed. */
  fixIssuer: boolean;
  requireRegistration: boolean;
  registerEmails: string[];
  /** Chosen tenant (needed when several exist). */
  tenantId?: string;
  /** The application id Porthole stored from an earlier run. */
  storedApplicationId?: string;
  /** The id to give a new application (the caller's random UUID: this module stays pure). */
  newApplicationId: string;
}

export interface Found {
  tenants: Tenant[];
  applications: Application[];
  /** Lookups of `registerEmails`: the user, or undefined when FusionAuth has none with that email. */
  users: { email: string; user?: User }[];
}

export type Change =
  | { kind: 'fix-issuer'; tenantId: string; from: string; to: string; text: string }
  | { kind: 'create-application'; applicationId: string; application: Application; text: string }
  | { kind: 'update-application'; applicationId: string; application: Application; text: string }
  | { kind: 'register-user'; userId: string; email: string; applicationId: string; text: string };

export interface Plan {
  tenant: Tenant;
  /** The application as it will be: found (then repaired) or to be created. */
  applicationId: string;
  existing?: Application;
  changes: Change[];
  /** Reasons the plan can't be applied as asked (e.g. a wrong issuer without consent). */
  problems: FusionAuthError[];
}

/** The issuer the tenant must have: the base URL without a trailing slash, as the preflight compares. */
export function issuerFor(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function grantsText(grants: readonly string[]): string {
  const words = grants.map((g) => GRANT_WORDS[g] ?? g);
  return `the ${words.join(' + ')} grant${grants.length > 1 ? 's' : ''}`;
}

/** Picks the tenant: the chosen one, or the only one; several and none chosen is a problem listing them. */
export function pickTenant(tenants: Tenant[], tenantId: string | undefined): { tenant: Tenant } | { error: FusionAuthError } {
  const named = tenants.map((t) => `${t.name ?? '(no name)'} (${t.id})`).join(', ');
  if (tenantId) {
    const tenant = tenants.find((t) => t.id === tenantId);
    if (tenant) return { tenant };
    return { error: fusionAuthError('FUSIONAUTH_TENANT_NOT_FOUND', { tenantId, tenants: named }) };
  }
  if (tenants.length === 1) return { tenant: tenants[0]! };
  if (!tenants.length) return { error: fusionAuthError('FUSIONAUTH_TENANT_NOT_FOUND') };
  return { error: fusionAuthError('FUSIONAUTH_TENANT_REQUIRED', { tenantCount: tenants.length, tenants: named }) };
}

function findApplication(apps: Application[], tenantId: string | undefined, w: Wanted): Application | undefined {
  const mine = apps.filter((a) => !a.tenantId || !tenantId || a.tenantId === tenantId);
  if (w.storedApplicationId) {
    const byId = mine.find((a) => a.id === w.storedApplicationId);
    if (byId) return byId;
  }
  const name = w.appName.trim().toLowerCase();
  return mine.find((a) => (a.name ?? '').trim().toLowerCase() === name);
}

function issuerChange(tenant: Tenant, w: Wanted): { change?: Change; problem?: FusionAuthError } {
  const to = issuerFor(w.url);
  const from = tenant.issuer ?? '';
  if (from === to) return {};
  const name = tenant.name ?? tenant.id ?? 'tenant';
  const text = `change tenant *${name}*'s issuer from \`${from || '(empty)'}\` to \`${to}\` — every application on this tenant signs tokens with it`;
  if (w.fixIssuer) return { change: { kind: 'fix-issuer', tenantId: tenant.id!, from, to, text } };
  return { problem: fusionAuthError('FUSIONAUTH_ISSUER', { tenantName: name, from, to, change: text }) };
}

function newApplication(w: Wanted, tenantId: string): Change {
  const application: Application = {
    name: w.appName,
    tenantId,
    oauthConfiguration: {
      authorizedRedirectURLs: [...w.redirectUrls],
      enabledGrants: [...REQUIRED_GRANTS] as string[] as GrantType[],
      ...(w.requireRegistration ? { requireRegistration: true } : {}),
    },
  };
  const extra = w.requireRegistration ? '; only users registered to it can sign in' : '';
  return {
    kind: 'create-application', applicationId: w.newApplicationId, application,
    text: `create application *${w.appName}* with redirect URL${w.redirectUrls.length > 1 ? 's' : ''} ${list(w.redirectUrls)} and ${grantsText(REQUIRED_GRANTS)}${extra}`,
  };
}

function repair(app: Application, w: Wanted): Change | undefined {
  const oauth = app.oauthConfiguration ?? {};
  const urls = oauth.authorizedRedirectURLs ?? [];
  const grants = (oauth.enabledGrants ?? []).map(String);
  const addUrls = w.redirectUrls.filter((u) => !urls.includes(u));
  const addGrants = REQUIRED_GRANTS.filter((g) => !grants.includes(g));
  const addRegistration = w.requireRegistration && oauth.requireRegistration !== true;
  if (!addUrls.length && !addGrants.length && !addRegistration) return undefined;
  const parts = [
    ...(addUrls.length ? [`add redirect URL${addUrls.length > 1 ? 's' : ''} ${list(addUrls)}`] : []),
    ...(addGrants.length ? [`enable ${grantsText(addGrants)}`] : []),
    ...(addRegistration ? ['require registration (only users registered to it can sign in)'] : []),
  ];
  const application: Application = {
    ...app,
    oauthConfiguration: {
      ...oauth,
      authorizedRedirectURLs: [...urls, ...addUrls],
      enabledGrants: [...grants, ...addGrants] as GrantType[],
      ...(addRegistration ? { requireRegistration: true } : {}),
    },
  };
  return { kind: 'update-application', applicationId: app.id!, application, text: `in application *${app.name}*: ${list(parts)} (its other settings stay as they are)` };
}

function registrations(found: Found, applicationId: string, appName: string): { changes: Change[]; problems: FusionAuthError[] } {
  const changes: Change[] = [];
  const problems: FusionAuthError[] = [];
  for (const { email, user } of found.users) {
    if (!user?.id) {
      problems.push(fusionAuthError('FUSIONAUTH_USER_NOT_FOUND', { email }));
      continue;
    }
    if ((user.registrations ?? []).some((r) => r.applicationId === applicationId)) continue;
    changes.push({ kind: 'register-user', userId: user.id, email, applicationId, text: `register ${email} to *${appName}*` });
  }
  return { changes, problems };
}

/** The plan: what to change, and what stops it. Found nothing to change means `changes` is empty. */
export function planSetup(found: Found, w: Wanted): { plan: Plan } | { error: FusionAuthError } {
  const picked = pickTenant(found.tenants, w.tenantId);
  if ('error' in picked) return picked;
  const { tenant } = picked;
  const changes: Change[] = [];
  const problems: FusionAuthError[] = [];
  const issuer = issuerChange(tenant, w);
  if (issuer.change) changes.push(issuer.change);
  if (issuer.problem) problems.push(issuer.problem);

  const existing = findApplication(found.applications, tenant.id, w);
  const applicationId = existing?.id ?? w.newApplicationId;
  const appChange = existing ? repair(existing, w) : newApplication(w, tenant.id!);
  if (appChange) changes.push(appChange);

  const regs = registrations(found, applicationId, existing?.name ?? w.appName);
  changes.push(...regs.changes);
  problems.push(...regs.problems);
  return { plan: { tenant, applicationId, ...(existing ? { existing } : {}), changes, problems } };
}
