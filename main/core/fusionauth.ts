// core: "Set up FusionAuth for me" for the window — plan (nothing written), then apply: FusionAuth
// is changed, the client id lands in the tunnel's settings and the client secret in the secret store.
// Apply writes only the plan the user approved (FUSIONAUTH_PLAN_CHANGED otherwise, with the new plan).
// Neither operation ever returns the client secret or the API key. Results are data: `{ ok, value }`
// or `{ ok: false, error }` with a code and a fix (FUSIONAUTH_* codes: main/fusionauth/errors.ts).
import type { RunPreflight, TunnelSpec } from '../../common/types.js';
import type { FusionAuthApplied, FusionAuthApplyRequest, FusionAuthPlanView, FusionAuthSetupError, FusionAuthSetupRequest, PlanLine } from '../../common/contract.js';
import type { FusionAuthApi } from '../fusionauth/client.js';
import type { Plan } from '../fusionauth/plan.js';
import { NGROK_REDIRECT_URL } from '../tunnel/policy.js';
import { withRedirectConfirmed } from '../oidc/checks.js';
import { prepareSetup, type Prepared, type SetupInput, type SetupResult } from '../fusionauth/setup.js';
import { SECRET_KEYS } from '../settings/secrets.js';
import { storedTunnelOf, type StoredTunnel } from '../settings/schema.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { scopesFor } from '../tunnel/policy.js';
import { parseTunnelSpec } from '../tunnel/validate.js';
import type { EngineSync } from './engine-sync.js';
import { OpError } from './op-error.js';
import type { SecretKeeper } from './secret-keeper.js';

/** Where the API key is kept when the user asks Porthole to remember it (encrypted like every secret). */
export const FUSIONAUTH_API_KEY_SECRET = 'fusionauth-api-key';

/** The ports these operations work through (the same ones the other operations get from main/core). */
export interface FusionAuthSetupDeps {
  store: SettingsStore;
  secrets: SecretKeeper;
  /** Hands the engine the tunnel again once its client id changed (EngineSync.register). */
  sync?: Pick<EngineSync, 'register'>;
  preflight: RunPreflight;
  /** Tests: a client with short timeouts. Default: main/fusionauth/client.ts's. */
  api?: (input: SetupInput) => FusionAuthApi;
}

export type { FusionAuthApplied, FusionAuthApplyRequest, FusionAuthPlanView, FusionAuthSetupRequest, PlanLine } from '../../common/contract.js';
/** A refusal in FusionAuth's words (the contract's FusionAuthSetupError). */
type SetupError = FusionAuthSetupError;
type SetupOutcome<T> = { ok: true; value: T } | { ok: false; error: SetupError };

const refuse = (error: SetupError): { ok: false; error: SetupError } => ({ ok: false, error });

async function apiKeyOf(deps: FusionAuthSetupDeps, req: FusionAuthSetupRequest): Promise<string | undefined> {
  const typed = req.apiKey?.trim();
  if (typed) return typed;
  return deps.secrets.has(FUSIONAUTH_API_KEY_SECRET) ? deps.secrets.get(FUSIONAUTH_API_KEY_SECRET) : undefined;
}

/** The set-up input for `req`: the application found again by the client id this tunnel stores. */
async function inputOf(deps: FusionAuthSetupDeps, req: FusionAuthSetupRequest, fixIssuer: boolean): Promise<SetupOutcome<SetupInput>> {
  let url: URL;
  try { url = new URL(req.url.trim()); } catch {
    return refuse({ code: 'INVALID_INPUT', field: 'fusionauth.url', message: 'The FusionAuth URL is not a URL.', fix: 'Give the address of your FusionAuth, e.g. https://acme.fusionauth.io' });
  }
  const apiKey = await apiKeyOf(deps, req);
  if (!apiKey) return refuse({ code: 'INVALID_INPUT', field: 'fusionauth.apiKey', message: 'A FusionAuth API key is needed to set FusionAuth up.', fix: 'Create one in FusionAuth under Settings > API Keys and paste it here.' });
  const stored = deps.store.read().tunnels.find((t) => t.name === req.tunnel)?.fusionauth?.clientId;
  return {
    ok: true,
    value: {
      url: url.href.replace(/\/+$/, ''), apiKey, fixIssuer,
      requireRegistration: req.requireRegistration === true, registerEmails: req.register ?? [],
      ...(req.tenantId ? { tenantId: req.tenantId } : {}), ...(req.appName?.trim() ? { appName: req.appName.trim() } : {}),
      // FusionAuth's client id is the application's id: what Porthole stored finds the application again.
      ...(stored ? { applicationId: stored } : {}),
    },
  };
}

/** The plan as the window shows it: the issuer change marked as needing its own consent. */
function planViewOf(issuer: string, plan: Plan, fixIssuer: boolean): FusionAuthPlanView {
  const lines = plan.changes.map((c): PlanLine => (c.kind === 'fix-issuer'
    ? { kind: c.kind, text: c.text, consent: 'fixIssuer', consented: fixIssuer }
    : { kind: c.kind, text: c.text, consented: true }));
  return {
    issuer, tenant: { id: plan.tenant.id ?? '', name: plan.tenant.name ?? '' }, applicationId: plan.applicationId,
    creates: !plan.existing, lines, nothingToDo: lines.length === 0,
  };
}

/** Reads FusionAuth and says what applying would change; writes nothing, anywhere. */
export async function planFusionAuthSetup(deps: FusionAuthSetupDeps, req: FusionAuthSetupRequest): Promise<SetupOutcome<FusionAuthPlanView>> {
  // Planned as if the issuer change were allowed, so the window can show it beside its checkbox.
  const input = await inputOf(deps, req, true);
  if (!input.ok) return input;
  const prepared = await prepareSetup(input.value, deps.api?.(input.value));
  if (!prepared.ok) return refuse({ ...prepared.error, ...(prepared.changes ? { changes: prepared.changes } : {}) });
  return { ok: true, value: planViewOf(input.value.url, prepared.value.plan, req.fixIssuer === true) };
}

/**
 * The user approved one plan; FusionAuth may have changed since (another admin, another run). Applying
 * what FusionAuth needs *now* could write changes nobody saw, so a different plan stops here, unwritten.
 */
function planChanged(req: FusionAuthApplyRequest, issuer: string, prepared: Prepared): SetupError | undefined {
  const now = prepared.changes;
  const { approved } = req;
  if (!approved || (approved.length === now.length && approved.every((line, i) => line === now[i]))) return undefined;
  return {
    code: 'FUSIONAUTH_PLAN_CHANGED',
    message: 'FusionAuth changed since the plan was shown, so the plan is different now; nothing was written.',
    fix: 'Review the new plan and apply it if it is what you want.',
    changes: now,
    plan: planViewOf(issuer, prepared.plan, req.fixIssuer === true),
  };
}

/**
 * The tunnel with its FusionAuth settings pointing at the new client (allow-lists kept), checked by the
 * same rules as a saved tunnel: as stored (no secret), and as the engine and the preflight take it.
 */
function tunnelWith(deps: FusionAuthSetupDeps, req: FusionAuthApplyRequest, r: SetupResult): SetupOutcome<{ stored: StoredTunnel; spec: TunnelSpec }> {
  const prev = deps.store.read().tunnels.find((t) => t.name === req.tunnel);
  const fusionauth = { allowEmails: [], allowDomains: [], scopes: [], ...prev?.fusionauth, issuer: r.issuer, clientId: r.clientId };
  const base: StoredTunnel = prev ? { ...prev } : { name: req.tunnel, target: req.target ?? '', mode: 'oidc' as const, startWithPorthole: false };
  const parsed = parseTunnelSpec({ ...base, fusionauth: { ...fusionauth, clientSecret: r.clientSecret } });
  if (!parsed.ok) return refuse({ ...parsed.errors[0]!, field: parsed.errors[0]!.field ?? 'name' });
  return { ok: true, value: { stored: storedTunnelOf(parsed.value, base.startWithPorthole), spec: parsed.value } };
}

/** Refuses before anything is written when the secrets could not be kept afterwards. */
function storageProblem(deps: FusionAuthSetupDeps, req: FusionAuthApplyRequest): SetupError | undefined {
  const info = deps.secrets.storage();
  if (!info.available) return { code: 'SECRET_STORAGE_UNAVAILABLE', field: 'fusionauth.clientSecret', message: 'This system offers no way to encrypt the client secret, so Porthole cannot keep it.', fix: 'Use `porthole fusionauth setup --client-secret-out PATH` instead.' };
  if (info.weak && !req.allowInsecureStorage) return { code: 'SECRET_STORAGE_WEAK', field: 'allowInsecureStorage', message: `No OS keychain is available (backend "${info.backend}"): the client secret would be encrypted with a key stored on this computer.`, fix: 'Tick "store anyway" to accept that, or set up a keychain.' };
  const exists = deps.store.read().tunnels.some((t) => t.name === req.tunnel);
  if (!exists && !req.target) return { code: 'INVALID_INPUT', field: 'target', message: `There is no tunnel named "${req.tunnel}" yet.`, fix: 'Give the local port (or host:port) to share, and Porthole creates the tunnel.' };
  return undefined;
}

/** Reads FusionAuth again and plans, writing nothing: what apply may write, if the user approved it. */
async function replan(deps: FusionAuthSetupDeps, req: FusionAuthApplyRequest): Promise<SetupOutcome<{ input: SetupInput; prepared: Prepared }>> {
  // Against an approved plan, planned as that plan was (the issuer change included), so every line is compared.
  const input = await inputOf(deps, req, req.approved !== undefined || req.fixIssuer === true);
  if (!input.ok) return input;
  const prepared = await prepareSetup(input.value, deps.api?.(input.value));
  if (!prepared.ok) return refuse({ ...prepared.error, ...(prepared.changes ? { changes: prepared.changes } : {}) });
  const changed = planChanged(req, input.value.url, prepared.value);
  if (changed) return refuse(changed);
  const issuer = prepared.value.plan.changes.find((c) => c.kind === 'fix-issuer');
  if (issuer && req.fixIssuer !== true) {
    return refuse({
      code: 'FUSIONAUTH_ISSUER', field: 'fixIssuer', changes: prepared.value.changes,
      message: `The plan changes the tenant's issuer, which needs its own consent: Porthole would ${issuer.text}.`,
      fix: 'Tick the box beside that change, or set the issuer yourself in FusionAuth under Tenants > General > Issuer.',
    });
  }
  return { ok: true, value: { input: input.value, prepared: prepared.value } };
}

/** Applies the plan (with the consents given), stores the credentials, and runs the preflight with them. */
export async function applyFusionAuthSetup(deps: FusionAuthSetupDeps, req: FusionAuthApplyRequest): Promise<SetupOutcome<FusionAuthApplied>> {
  const early = storageProblem(deps, req);
  if (early) return refuse(early);
  const replanned = await replan(deps, req);
  if (!replanned.ok) return replanned;
  const { input, prepared } = replanned.value;
  const applied = await prepared.apply();
  if (!applied.ok) return refuse({ ...applied.error, changes: prepared.changes });
  const r = applied.value;
  const next = tunnelWith(deps, req, r);
  if (!next.ok) return next;
  try {
    // The secret before the settings: if the keychain refuses, the tunnel still points at what works.
    await deps.secrets.put(SECRET_KEYS.clientSecret(req.tunnel), r.clientSecret, req.allowInsecureStorage, 'fusionauth.clientSecret');
    if (req.rememberApiKey) await deps.secrets.put(FUSIONAUTH_API_KEY_SECRET, input.apiKey, req.allowInsecureStorage, 'fusionauth.apiKey');
    deps.store.update((s) => {
      const at = s.tunnels.findIndex((t) => t.name === req.tunnel);
      const tunnels = [...s.tunnels];
      if (at < 0) tunnels.push(next.value.stored); else tunnels[at] = next.value.stored;
      return { ...s, tunnels };
    });
    await deps.sync?.register(next.value.stored, next.value.spec);
  } catch (err) {
    if (err instanceof OpError) return refuse({ ...err.error, changes: r.changes });
    throw err;
  }
  const fa = next.value.spec.fusionauth!;
  const ran = await deps.preflight({ ...fa, scopes: scopesFor(fa) });
  // FusionAuth's answer just showed the redirect URL: the checklist says so instead of "do it by hand".
  const checks = r.redirectUrls.includes(NGROK_REDIRECT_URL) ? withRedirectConfirmed(ran, r.redirectSet ? 'set' : 'found') : ran;
  return {
    ok: true,
    value: {
      issuer: r.issuer, clientId: r.clientId, applicationId: r.applicationId, created: r.created, changes: r.changes,
      tunnel: req.tunnel, apiKeyStored: deps.secrets.has(FUSIONAUTH_API_KEY_SECRET), checks,
    },
  };
}
