// shell: FusionAuth set-up in two steps, so a person (or the CLI's checks) can stand between them:
// `prepareSetup` reads FusionAuth and plans; `apply` writes the plan. Nothing is written before apply.
import { randomUUID } from 'node:crypto';
import { fusionAuthError } from '../../common/errors.js';
import { createFusionAuthApi, type Application, type FusionAuthApi, type FusionAuthError, type Result, type User } from './client.js';
import { NGROK_REDIRECT_URL } from '../tunnel/policy.js';
import { DEFAULT_APP_NAME, issuerFor, pickTenant, planSetup, type Change, type Plan } from './plan.js';

export interface SetupInput {
  url: string;
  apiKey: string;
  tenantId?: string;
  appName?: string;
  /** The application id stored from an earlier run, to find the application again after a rename. */
  applicationId?: string;
  /** Default: ngrok's callback, https://idp.ngrok.com/oauth2/callback. */
  redirectUrls?: string[];
  fixIssuer?: boolean;
  requireRegistration?: boolean;
  registerEmails?: string[];
  timeoutMs?: number;
  maxBytes?: number;
}

export interface SetupResult {
  issuer: string;
  clientId: string;
  applicationId: string;
  /** Never printed or logged: callers store it (encrypted store, 0600 file). */
  clientSecret: string;
  created: boolean;
  /** What was changed, in words; empty when everything was already set up. */
  changes: string[];
  /** The application's Authorized redirect URLs as FusionAuth answered them (after the changes). */
  redirectUrls: string[];
  /** True when this run added a redirect URL (rather than finding them all there). */
  redirectSet: boolean;
}

export interface Prepared {
  plan: Plan;
  /** The plan's changes in words (what a dry run shows). */
  changes: string[];
  /** The client secret of the application found, when it already exists. */
  existingSecret?: string;
  apply(): Promise<Applied>;
}

/** How far an apply got when it stopped: what was done, what may have been (no answer), what was not tried. */
export interface Progress {
  done: string[];
  /** Writes whose answer never came (a timeout): FusionAuth may have applied them. */
  maybeApplied: string[];
  notTried: string[];
}

/** An apply's outcome: the result, or the error with how far it got. */
type Applied = { ok: true; value: SetupResult } | { ok: false; error: FusionAuthError; progress: Progress };

type Fail = { ok: false; error: FusionAuthError };

async function readState(api: FusionAuthApi, input: SetupInput): Promise<Result<Parameters<typeof planSetup>[0]>> {
  const tenants = await api.listTenants();
  if (!tenants.ok) return tenants;
  // Choose the tenant before anything tenant-scoped: with several tenants FusionAuth needs the header.
  const picked = pickTenant(tenants.value, input.tenantId);
  if ('error' in picked) return { ok: false, error: picked.error };
  if (tenants.value.length > 1 || input.tenantId) api.useTenant(picked.tenant.id!);
  const apps = await api.listApplications();
  if (!apps.ok) return apps;
  const users: { email: string; user?: User }[] = [];
  for (const email of input.registerEmails ?? []) {
    const u = await api.userByEmail(email);
    if (!u.ok) return u;
    users.push({ email, ...(u.value ? { user: u.value } : {}) });
  }
  return { ok: true, value: { tenants: tenants.value, applications: apps.value, users } };
}

async function applyChange(api: FusionAuthApi, change: Change): Promise<Result<Application | undefined>> {
  switch (change.kind) {
    case 'fix-issuer': {
      const r = await api.setTenantIssuer(change.tenantId, change.to);
      return r.ok ? { ok: true, value: undefined } : r;
    }
    case 'create-application':
      return api.createApplication(change.applicationId, change.application);
    case 'update-application':
      return api.updateApplication(change.applicationId, change.application);
    case 'register-user': {
      const r = await api.register(change.userId, { applicationId: change.applicationId });
      return r.ok ? { ok: true, value: undefined } : r;
    }
  }
}

async function applyPlan(api: FusionAuthApi, plan: Plan, url: string): Promise<Applied> {
  let app = plan.existing;
  const done: string[] = [];
  const stopped = (error: FusionAuthError, maybeApplied: string[] = [], notTried: string[] = []): Applied => {
    const already = done.length ? ` Already done: ${done.join('; ')}.` : '';
    return { ok: false, error: { ...error, message: `${error.message}${already}` }, progress: { done: [...done], maybeApplied, notTried } };
  };
  // Issuer first: the application and its tokens are only right once the tenant is.
  for (const [i, change] of plan.changes.entries()) {
    const r = await applyChange(api, change);
    const rest = plan.changes.slice(i + 1).map((c) => c.text);
    // A write that timed out may have reached FusionAuth: it is neither done nor merely planned.
    if (!r.ok) return r.error.code === 'FUSIONAUTH_TIMEOUT' ? stopped(r.error, [change.text], rest) : stopped(r.error, [], [change.text, ...rest]);
    if (r.value) app = r.value;
    done.push(change.text);
  }
  // The secret FusionAuth generated or kept: read back, as FusionAuth holds it.
  let secret = app?.oauthConfiguration?.clientSecret;
  if (!secret) {
    const fresh = await api.getApplication(plan.applicationId);
    if (!fresh.ok) return stopped(fresh.error);
    secret = fresh.value?.oauthConfiguration?.clientSecret;
  }
  if (!secret) {
    return stopped(fusionAuthError('FUSIONAUTH_FAILED', { applicationId: plan.applicationId }));
  }
  return {
    ok: true,
    value: {
      issuer: issuerFor(url),
      clientId: app?.oauthConfiguration?.clientId ?? plan.applicationId,
      applicationId: plan.applicationId,
      clientSecret: secret,
      created: !plan.existing,
      changes: done,
      redirectUrls: app?.oauthConfiguration?.authorizedRedirectURLs ?? [],
      redirectSet: plan.changes.some((c) => c.kind === 'create-application' || (c.kind === 'update-application' && (c.application.oauthConfiguration?.authorizedRedirectURLs?.length ?? 0) > (plan.existing?.oauthConfiguration?.authorizedRedirectURLs?.length ?? 0))),
    },
  };
}

/** Reads FusionAuth and plans. Fails on FusionAuth's errors and on problems (e.g. wrong issuer, no consent). */
export async function prepareSetup(input: SetupInput, api: FusionAuthApi = createFusionAuthApi({
  url: input.url, apiKey: input.apiKey,
  ...(input.tenantId ? { tenantId: input.tenantId } : {}),
  ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
  ...(input.maxBytes ? { maxBytes: input.maxBytes } : {}),
})): Promise<{ ok: true; value: Prepared } | Fail & { changes?: string[] }> {
  const state = await readState(api, input);
  if (!state.ok) return state;
  const planned = planSetup(state.value, {
    url: input.url,
    appName: input.appName?.trim() || DEFAULT_APP_NAME,
    redirectUrls: input.redirectUrls?.length ? input.redirectUrls : [NGROK_REDIRECT_URL],
    fixIssuer: input.fixIssuer === true,
    requireRegistration: input.requireRegistration === true,
    registerEmails: input.registerEmails ?? [],
    ...(input.tenantId ? { tenantId: input.tenantId } : {}),
    ...(input.applicationId ? { storedApplicationId: input.applicationId } : {}),
    newApplicationId: randomUUID(),
  });
  if ('error' in planned) return { ok: false, error: planned.error };
  const { plan } = planned;
  const changes = plan.changes.map((c) => c.text);
  if (plan.problems.length) return { ok: false, error: plan.problems[0]!, changes };
  const existingSecret = plan.existing?.oauthConfiguration?.clientSecret;
  return {
    ok: true,
    value: { plan, changes, ...(existingSecret ? { existingSecret } : {}), apply: () => applyPlan(api, plan, input.url) },
  };
}

/** Plans and, unless `dryRun`, applies. On a dry run nothing is written and no secret is returned. */
export async function runSetup(input: SetupInput & { dryRun?: boolean }, api?: FusionAuthApi): Promise<Result<SetupResult | { dryRun: true; changes: string[] }> | Applied> {
  const prepared = await prepareSetup(input, api);
  if (!prepared.ok) return prepared;
  if (input.dryRun) return { ok: true, value: { dryRun: true, changes: prepared.value.changes } };
  return prepared.value.apply();
}
