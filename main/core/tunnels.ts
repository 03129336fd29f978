// core: the tunnel operations shared by the settings window (through main/ipc/) and the tray.
// They throw OpError for an expected refusal; the stored settings never hold a secret.
import { NO_VISITS } from '../../common/visitors.js';
import type { FusionAuthSettings, TunnelSpec, TunnelView } from '../../common/types.js';
import { LIMITS, type FusionAuthDraft, type PreflightRequest, type StoredSecret, type PreflightResult, type TunnelDraft, type TunnelEntry, type TunnelExtras, type TunnelTextKind, type VisitsView } from '../../common/contract.js';
import { invalidInput, portholeError } from '../../common/errors.js';
import { fieldFix } from '../../common/fields.js';
import { parseTunnelSpec } from '../tunnel/validate.js';
import { ngrokCommandFor } from '../tunnel/forward-config.js';
import { NGROK_REDIRECT_URL, policyYaml, scopesFor, VAULT_SECRET_REF } from '../tunnel/policy.js';
import { SECRET_KEYS } from '../settings/secrets.js';
import { storedTunnelOf, type StoredTunnel } from '../settings/schema.js';
import type { Core } from './core.js';
import { fail, failAll } from './op-error.js';


/** Where a client secret would go in a spec built for the window; no output shows it (see ngrokCommandFor, policyYaml). */
export const SECRET_PLACEHOLDER = '${FUSIONAUTH_CLIENT_SECRET}';

const stoppedView = (t: StoredTunnel): TunnelView => ({ name: t.name, state: 'stopped', mode: t.mode, target: t.target, since: 0 });

export function findTunnel(core: Core, name: string): StoredTunnel {
  const t = core.deps.store.read().tunnels.find((x) => x.name === name);
  return t ?? fail(portholeError('NOT_FOUND', { field: 'name', message: `There is no tunnel named "${name}".` }));
}

export function viewOf(core: Core, name: string): TunnelView {
  return core.deps.engine.get(name) ?? stoppedView(findTunnel(core, name));
}

function entryOf(core: Core, t: StoredTunnel, views: Map<string, TunnelView>): TunnelEntry {
  const e: TunnelEntry = { name: t.name, target: t.target, mode: t.mode, startWithPorthole: t.startWithPorthole, record: t.record !== false, hostHeader: t.hostHeader ?? 'as-sent', view: views.get(t.name) ?? stoppedView(t) };
  if (t.domain) e.domain = t.domain;
  if (t.pool) e.pool = true;
  const deadline = core.shares.deadline(t.name);
  if (deadline !== undefined) e.deadline = deadline;
  const duration = core.shares.duration(t.name);
  if (deadline !== undefined && duration !== undefined) e.shareMinutes = duration / 60_000;
  if (t.fusionauth) e.fusionauth = { ...t.fusionauth, clientSecret: storedSecret(core, SECRET_KEYS.clientSecret(t.name)) };
  return e;
}

/** A secret as the window sees it: stored or not, and whether the stored one must be entered again. */
export function storedSecret(core: Core, key: string): StoredSecret {
  return core.secrets.mustReenter(key) ? { stored: false, mustReenter: true } : { stored: core.secrets.has(key) };
}
const liveViews = (core: Core): Map<string, TunnelView> => new Map(core.deps.engine.list().map((v) => [v.name, v]));

export function tunnelEntries(core: Core): TunnelEntry[] {
  const views = liveViews(core);
  return core.deps.store.read().tunnels.map((t) => entryOf(core, t, views));
}

/** The checks no schema can make: the previous name exists, the new one is free, public is confirmed. */
function checkDraft(core: Core, draft: TunnelDraft): StoredTunnel | undefined {
  const current = core.deps.store.read();
  const prev = draft.previousName ? current.tunnels.find((t) => t.name === draft.previousName) : undefined;
  if (draft.previousName && !prev) fail(portholeError('NOT_FOUND', { field: 'name', message: `There is no tunnel named "${draft.previousName}".`, fix: '' }));
  const name = draft.name.trim();
  if (current.tunnels.some((t) => t.name === name && t.name !== draft.previousName)) {
    fail(invalidInput('name', `A tunnel named "${name}" already exists.`, 'Choose another name.'));
  }
  if (!prev && current.tunnels.length >= LIMITS.tunnels) {
    fail(invalidInput('name', `Porthole keeps at most ${LIMITS.tunnels} tunnels, and ${current.tunnels.length} are saved.`, 'Remove a tunnel you no longer use, then add this one.'));
  }
  if (draft.mode === 'public' && !draft.confirmPublic) fail(portholeError('CONFIRM_PUBLIC', { field: 'confirmPublic' }));
  return prev;
}

/** The draft as a TunnelSpec: the typed client secret, else the one stored for the tunnel being edited. */
async function specOfDraft(core: Core, draft: TunnelDraft, prev: StoredTunnel | undefined): Promise<TunnelSpec> {
  const typedSecret = draft.fusionauth?.clientSecret ?? '';
  const storedSecret = prev?.fusionauth ? await core.secrets.get(SECRET_KEYS.clientSecret(prev.name)) : undefined;
  const { clientSecret: _typed, ...faPublic } = draft.fusionauth ?? ({} as FusionAuthDraft);
  const r = parseTunnelSpec({
    name: draft.name,
    target: draft.target,
    mode: draft.mode,
    domain: draft.domain,
    pool: draft.pool ?? prev?.pool,
    record: draft.record ?? prev?.record,
    hostHeader: draft.hostHeader ?? prev?.hostHeader,
    fusionauth: draft.fusionauth ? { ...faPublic, clientSecret: typedSecret || storedSecret || '' } : undefined,
  });
  return r.ok ? r.value : failAll(r.errors);
}

/** Add a tunnel, or edit one (`previousName` to rename it). */
export async function saveTunnel(core: Core, draft: TunnelDraft): Promise<TunnelEntry> {
  const { store } = core.deps;
  const prev = checkDraft(core, draft);
  const spec = await specOfDraft(core, draft, prev);
  const next = storedTunnelOf(spec, !!draft.startWithPorthole);
  const renamed = !!prev && prev.name !== spec.name;
  // The secret first: if the keychain refuses, nothing else has changed.
  const newKey = SECRET_KEYS.clientSecret(spec.name);
  if (spec.fusionauth?.clientSecret && (draft.fusionauth?.clientSecret || renamed)) {
    await core.secrets.put(newKey, spec.fusionauth.clientSecret, draft.allowInsecureStorage, 'fusionauth.clientSecret');
  }
  if (prev && renamed) {
    core.shares.clear(prev.name);
    await core.sync.unregister(prev.name);
    await core.secrets.drop(SECRET_KEYS.clientSecret(prev.name));
  }
  if (!spec.fusionauth?.clientSecret && core.secrets.has(newKey)) await core.secrets.drop(newKey);
  const current = store.read();
  const tunnels = current.tunnels.filter((t) => t.name !== prev?.name && t.name !== spec.name);
  const at = prev ? current.tunnels.findIndex((t) => t.name === prev.name) : -1;
  tunnels.splice(at < 0 ? tunnels.length : at, 0, next);
  store.write({ ...current, tunnels });
  // The spec just parsed, secret included: the engine gets it without a second read or parse.
  await core.sync.register(next, spec);
  core.deps.onChange?.();
  return entryOf(core, next, liveViews(core));
}

export async function removeTunnel(core: Core, name: string): Promise<null> {
  findTunnel(core, name);
  core.shares.clear(name);
  await core.sync.unregister(name);
  await core.secrets.drop(SECRET_KEYS.clientSecret(name));
  core.deps.store.update((s) => ({ ...s, tunnels: s.tunnels.filter((t) => t.name !== name) }));
  core.deps.onChange?.();
  return null;
}

/** The part of a start that reads the settings and changes the engine's tunnels (run in the operations' queue). */
export async function prepareStart(core: Core, name: string): Promise<void> {
  const t = findTunnel(core, name);
  await core.sync.ensureSession();
  await core.sync.ensureRegistered(t);
}

/** The start itself; a tunnel removed meanwhile is NOT_FOUND, never started behind the settings' back. */
export async function startPrepared(core: Core, name: string): Promise<TunnelView> {
  findTunnel(core, name);
  if (!core.sync.knows(name)) fail(portholeError('NOT_FOUND', { field: 'name', message: `There is no tunnel named "${name}".` }));
  await core.deps.engine.start(name);
  return viewOf(core, name);
}

export async function startTunnel(core: Core, name: string): Promise<TunnelView> {
  await prepareStart(core, name);
  return startPrepared(core, name);
}

export async function stopTunnel(core: Core, name: string): Promise<TunnelView> {
  findTunnel(core, name);
  // Stopped by hand (or at its deadline): a later start is shared until stopped again.
  core.shares.clear(name);
  if (core.sync.knows(name)) await core.deps.engine.stop(name);
  return viewOf(core, name);
}

/** Share for a set time: start the tunnel if it is stopped, then set its deadline (`null`: until stopped). */
export async function shareFor(core: Core, name: string, minutes: number | null, start: (name: string) => Promise<TunnelView>): Promise<TunnelView> {
  findTunnel(core, name);
  const running = core.deps.engine.get(name);
  if (!running || running.state === 'stopped' || running.state === 'error') await start(name);
  if (minutes === null) core.shares.clear(name);
  else core.shares.set(name, minutes * 60_000);
  core.deps.onChange?.();
  return viewOf(core, name);
}

/** The tunnel's kept requests and who visited it. */
export function listVisits(core: Core, name: string): VisitsView {
  findTunnel(core, name);
  const v = core.deps.visits;
  return { requests: v?.list(name) ?? [], visitors: v?.summary(name) ?? NO_VISITS };
}

export async function verifyTunnel(core: Core, name: string): Promise<TunnelView> {
  const v = viewOf(core, findTunnel(core, name).name);
  if (v.state !== 'online' || !v.url) fail(portholeError('NOT_ONLINE', { field: 'name', message: `Tunnel "${name}" is not online, so there is nothing to verify.` }));
  await core.deps.engine.verify(name);
  return viewOf(core, name);
}

/** A stored tunnel as a TunnelSpec without its secret (for the command and the policy shown and copied). */
function publicSpec(t: StoredTunnel): TunnelSpec {
  const spec: TunnelSpec = { name: t.name, target: t.target, mode: t.mode };
  if (t.domain) spec.domain = t.domain;
  if (t.fusionauth) spec.fusionauth = { ...t.fusionauth, clientSecret: SECRET_PLACEHOLDER };
  return spec;
}

export async function tunnelExtras(core: Core, name: string): Promise<TunnelExtras> {
  const spec = publicSpec(findTunnel(core, name));
  // The policy reads the client secret from an ngrok vault (VAULT_SECRET_REF): shown and copied alike.
  const extras: TunnelExtras = { ngrokCommand: ngrokCommandFor(spec), policyYaml: policyYaml(spec, { secret: VAULT_SECRET_REF }) };
  const url = viewOf(core, name).url;
  if (url) extras.qrDataUrl = await core.deps.qrDataUrl(url);
  return extras;
}

/** The text a copy button copies. Never a secret: the traffic policy names an ngrok vault secret instead. */
export async function tunnelText(core: Core, name: string, kind: TunnelTextKind): Promise<string> {
  const t = findTunnel(core, name);
  if (kind === 'url') {
    const url = viewOf(core, name).url;
    return url ?? fail(portholeError('NOT_ONLINE', { field: 'name', message: `Tunnel "${name}" has no public URL yet.` }));
  }
  if (kind === 'ngrok-command') return ngrokCommandFor(publicSpec(t));
  // Exactly what the window shows: the client secret stays in main, ngrok reads it from its vault.
  return policyYaml(publicSpec(t), { secret: VAULT_SECRET_REF });
}

/** FusionAuth settings for the preflight: the form's values, the stored secret when none was typed. */
async function preflightInput(core: Core, req: PreflightRequest): Promise<FusionAuthSettings> {
  const storedT = req.tunnel ? findTunnel(core, req.tunnel) : undefined;
  const draft: Partial<FusionAuthDraft> = req.fusionauth ?? storedT?.fusionauth ?? {};
  if (!req.fusionauth && !storedT?.fusionauth) {
    fail(invalidInput('fusionauth.issuer', 'fusionauth.issuer is required to check FusionAuth', 'Fill in the FusionAuth issuer URL, client id and client secret.'));
  }
  let clientSecret = draft.clientSecret ?? '';
  if (!clientSecret && req.tunnel) clientSecret = (await core.secrets.get(SECRET_KEYS.clientSecret(req.tunnel))) ?? '';
  if (!clientSecret) {
    fail(invalidInput('fusionauth.clientSecret', 'fusionauth.clientSecret is required to check the client credentials', fieldFix('fusionauth.clientSecret')));
  }
  const fa: FusionAuthSettings = {
    issuer: (draft.issuer ?? '').trim(),
    clientId: (draft.clientId ?? '').trim(),
    clientSecret,
    allowEmails: draft.allowEmails ?? [],
    allowDomains: draft.allowDomains ?? [],
    scopes: draft.scopes ?? [],
  };
  // Check what the tunnel will really request (email is added for an allow-list), as the engine does.
  return { ...fa, scopes: scopesFor(fa) };
}

export async function runPreflight(core: Core, req: PreflightRequest): Promise<PreflightResult> {
  const report = await core.deps.preflight(await preflightInput(core, req));
  return { ...report, redirectUri: NGROK_REDIRECT_URL };
}
