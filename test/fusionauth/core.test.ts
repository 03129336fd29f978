// The window's "Set up FusionAuth for me" operations (main/core/fusionauth.ts) against the FusionAuth
// stand-in, with the real settings store on disk (conf) and the real encrypted secret store: plan
// writes nothing; apply stores the client id in the tunnel and the secret encrypted, never returns
// either secret, keeps the API key only when asked, and finds the application again by its id; with
// the approved plan's lines, writes nothing when FusionAuth changed since and returns the new plan.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFusionAuthSetup, planFusionAuthSetup, FUSIONAUTH_API_KEY_SECRET, type FusionAuthSetupDeps } from '../../main/core/fusionauth.js';
import { createSecretKeeper } from '../../main/core/secret-keeper.js';
import { openSettingsStore } from '../../main/settings/settings-store.js';
import { createAesGcmEncryptor, createSecretStore, SECRET_KEYS } from '../../main/settings/secrets.js';
import { createPreflight } from '../../main/oidc/preflight.js';
import type { StoredTunnel } from '../../main/settings/schema.js';
import { startFusionAuthApi, SUPER_KEY, type StandIn } from '../support/fusionauth-api/index.js';

const KEY = Buffer.alloc(32, 7);
let api: StandIn | undefined;
const dirs: string[] = [];
afterEach(async () => {
  const v = api?.violations ?? [];
  await api?.close();
  api = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  assert.deepEqual(v, [], 'every request and answer matched FusionAuth\'s OpenAPI document');
});

function open(cwd: string, backend = 'aes-256-gcm') {
  const { settings, secretsBackend } = openSettingsStore({ cwd });
  const store = createSecretStore(secretsBackend, createAesGcmEncryptor(KEY, backend));
  const registered: StoredTunnel[] = [];
  const deps: FusionAuthSetupDeps = {
    store: settings, secrets: createSecretKeeper(store), preflight: createPreflight({ timeoutMs: 3000 }),
    sync: { register: async (t) => void registered.push(t) },
  };
  return { deps, store, registered };
}

async function fresh(backend?: string) {
  api = await startFusionAuthApi();
  const cwd = mkdtempSync(join(tmpdir(), 'porthole-fa-core-'));
  dirs.push(cwd);
  const o = open(cwd, backend);
  await o.deps.secrets.load([SECRET_KEYS.clientSecret('web'), FUSIONAUTH_API_KEY_SECRET]);
  return { cwd, ...o, api };
}

const stateOf = (a: StandIn) => JSON.stringify({ t: a.tenants, a: [...a.applications.values()], u: a.users });

test('plan: the lines in words, the issuer change waiting for consent; nothing written anywhere', async () => {
  const { deps, cwd, api } = await fresh();
  const before = stateOf(api);
  const r = await planFusionAuthSetup(deps, { url: api.url, apiKey: SUPER_KEY, tunnel: 'web', requireRegistration: true, register: ['alice@example.test'] });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.value.creates, true);
  assert.equal(r.value.issuer, api.url);
  assert.deepEqual(r.value.lines.map((l) => [l.kind, l.consent ?? null, l.consented]), [
    ['fix-issuer', 'fixIssuer', false], ['create-application', null, true], ['register-user', null, true],
  ]);
  assert.match(r.value.lines[0]!.text, /every application on this tenant signs tokens with it/);
  assert.match(r.value.lines[1]!.text, /only users registered to it can sign in/);
  assert.equal(stateOf(api), before);
  assert.ok(api.calls.every((c) => c.startsWith('GET ')));
  assert.deepEqual(deps.store.read().tunnels, []);
  assert.ok(!JSON.stringify(r).includes(SUPER_KEY));
  assert.throws(() => readFileSync(join(cwd, 'secrets.json')), /ENOENT/);
});

test('apply: refused without consent for the issuer (nothing written), then applied with it: client id in the tunnel, secret encrypted, preflight green', async () => {
  const { deps, cwd, api, registered } = await fresh();
  const req = { url: api.url, apiKey: SUPER_KEY, tunnel: 'web', target: '3000' };
  const before = stateOf(api);
  const refused = await applyFusionAuthSetup(deps, req);
  assert.ok(!refused.ok);
  assert.equal(refused.error.code, 'FUSIONAUTH_ISSUER');
  assert.match(refused.error.message, /Porthole would change tenant \*Default\*'s issuer/);
  assert.equal(refused.error.changes?.length, 1, 'the rest of the plan, shown with the refusal');
  assert.equal(stateOf(api), before);
  assert.deepEqual(deps.store.read().tunnels, []);

  const r = await applyFusionAuthSetup(deps, { ...req, fixIssuer: true });
  assert.ok(r.ok, JSON.stringify(r));
  const secret = api.applications.get(r.value.applicationId)!.oauthConfiguration.clientSecret as string;
  assert.ok(!JSON.stringify(r).includes(secret), 'the client secret is never returned');
  assert.ok(!JSON.stringify(r).includes(SUPER_KEY), 'nor the API key');
  assert.equal(r.value.created, true);
  assert.equal(r.value.apiKeyStored, false);
  assert.ok(r.value.checks.ok, JSON.stringify(r.value.checks));
  // Porthole just wrote the redirect URL itself: the checklist says so, nothing is left to do by hand.
  const redirect = r.value.checks.checks.find((c) => c.id === 'redirect-uri')!;
  assert.deepEqual([redirect.status, /Porthole set it just now/.test(redirect.message)], ['pass', true], redirect.message);
  assert.equal(api.tenants[0]!.issuer, api.url);

  // On disk: the tunnel with its client id, and the secret only as ciphertext.
  const reopened = open(cwd);
  const t = reopened.deps.store.read().tunnels[0]!;
  assert.deepEqual([t.name, t.target, t.mode, t.fusionauth?.issuer, t.fusionauth?.clientId], ['web', '3000', 'oidc', api.url, r.value.clientId]);
  assert.equal(await reopened.store.get(SECRET_KEYS.clientSecret('web')), secret);
  assert.equal(await reopened.store.has(FUSIONAUTH_API_KEY_SECRET), false, 'the API key is not kept unless asked');
  const files = readFileSync(join(cwd, 'settings.json'), 'utf8') + readFileSync(join(cwd, 'secrets.json'), 'utf8');
  assert.ok(!files.includes(secret) && !files.includes(SUPER_KEY));
  assert.equal(registered.at(-1)?.fusionauth?.clientId, r.value.clientId, 'the engine was handed the tunnel');
});

test('again: found by the client id the tunnel stores (even renamed in FusionAuth), nothing to do; allow-lists kept; the API key remembered on request', async () => {
  const { deps, cwd, api } = await fresh();
  api.tenants[0]!.issuer = api.url;
  deps.store.write({ ...deps.store.read(), tunnels: [{ name: 'web', target: '8080', mode: 'oidc', startWithPorthole: true, fusionauth: { issuer: 'https://old.example', clientId: 'old', allowEmails: ['alice@example.test'], allowDomains: [], scopes: ['profile'] } }] });
  const first = await applyFusionAuthSetup(deps, { url: api.url, apiKey: SUPER_KEY, tunnel: 'web', rememberApiKey: true });
  assert.ok(first.ok, JSON.stringify(first));
  assert.equal(first.value.apiKeyStored, true);
  const t = deps.store.read().tunnels[0]!;
  assert.deepEqual(t.fusionauth, { issuer: api.url, clientId: first.value.clientId, allowEmails: ['alice@example.test'], allowDomains: [], scopes: ['profile'] });
  assert.equal(t.startWithPorthole, true);

  api.applications.get(first.value.applicationId)!.name = 'Renamed by an admin';
  // No API key typed: the remembered one is used.
  const plan = await planFusionAuthSetup(deps, { url: api.url, tunnel: 'web' });
  assert.ok(plan.ok, JSON.stringify(plan));
  assert.deepEqual([plan.value.nothingToDo, plan.value.creates, plan.value.applicationId], [true, false, first.value.applicationId]);
  const again = await applyFusionAuthSetup(deps, { url: api.url, tunnel: 'web' });
  assert.ok(again.ok);
  assert.deepEqual([again.value.created, again.value.changes], [false, []]);
  assert.equal(api.applications.size, 1);
  assert.equal(await open(cwd).store.get(FUSIONAUTH_API_KEY_SECRET), SUPER_KEY);
});

test('refusals as data before anything is written: a weak keychain, no target for a new tunnel, no API key, FusionAuth\'s own', async () => {
  const weak = await fresh('basic_text');
  const w = await applyFusionAuthSetup(weak.deps, { url: weak.api.url, apiKey: SUPER_KEY, tunnel: 'web', target: '3000', fixIssuer: true });
  assert.ok(!w.ok);
  assert.deepEqual([w.error.code, w.error.field], ['SECRET_STORAGE_WEAK', 'allowInsecureStorage']);
  assert.deepEqual(weak.api.calls, []);
  const accepted = await applyFusionAuthSetup(weak.deps, { url: weak.api.url, apiKey: SUPER_KEY, tunnel: 'web', target: '3000', fixIssuer: true, allowInsecureStorage: true });
  assert.ok(accepted.ok, JSON.stringify(accepted));
  await weak.api.close();
  api = undefined;

  const { deps, api: a } = await fresh();
  const noTarget = await applyFusionAuthSetup(deps, { url: a.url, apiKey: SUPER_KEY, tunnel: 'web', fixIssuer: true });
  assert.ok(!noTarget.ok);
  assert.deepEqual([noTarget.error.code, noTarget.error.field], ['INVALID_INPUT', 'target']);
  const noKey = await planFusionAuthSetup(deps, { url: a.url, tunnel: 'web' });
  assert.ok(!noKey.ok);
  assert.equal(noKey.error.field, 'fusionauth.apiKey');
  const badKey = await planFusionAuthSetup(deps, { url: a.url, apiKey: 'nope', tunnel: 'web' });
  assert.ok(!badKey.ok);
  assert.equal(badKey.error.code, 'FUSIONAUTH_API_KEY');
  const unknownUser = await planFusionAuthSetup(deps, { url: a.url, apiKey: SUPER_KEY, tunnel: 'web', register: ['nobody@example.test'] });
  assert.ok(!unknownUser.ok);
  assert.equal(unknownUser.error.code, 'FUSIONAUTH_USER_NOT_FOUND');
  assert.deepEqual(a.calls.filter((c) => !c.startsWith('GET ')), []);
  assert.deepEqual(deps.store.read().tunnels, []);
});

test('apply with the approved plan\'s lines: applied as shown', async () => {
  const { deps, api } = await fresh();
  const req = { url: api.url, apiKey: SUPER_KEY, tunnel: 'web', target: '3000', requireRegistration: true, register: ['alice@example.test'] };
  const plan = await planFusionAuthSetup(deps, req);
  assert.ok(plan.ok, JSON.stringify(plan));
  const approved = plan.value.lines.map((l) => l.text);
  assert.equal(approved.length, 3);
  const r = await applyFusionAuthSetup(deps, { ...req, fixIssuer: true, approved });
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.value.changes, approved, 'exactly the lines the user saw');
  assert.ok(r.value.checks.ok, JSON.stringify(r.value.checks));
});

test('the approved plan changes the issuer but its box is not ticked: refused before anything is written', async () => {
  const { deps, api } = await fresh();
  const req = { url: api.url, apiKey: SUPER_KEY, tunnel: 'web', target: '3000' };
  const plan = await planFusionAuthSetup(deps, req);
  assert.ok(plan.ok);
  const before = stateOf(api);
  const r = await applyFusionAuthSetup(deps, { ...req, approved: plan.value.lines.map((l) => l.text) });
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.field], ['FUSIONAUTH_ISSUER', 'fixIssuer']);
  assert.match(r.error.message, /Porthole would change tenant \*Default\*'s issuer/);
  assert.equal(stateOf(api), before);
  assert.deepEqual(deps.store.read().tunnels, []);
});

test('FusionAuth changed between plan and apply (the tenant issuer): nothing written, the new plan returned', async () => {
  const { deps, cwd, api } = await fresh();
  api.tenants[0]!.issuer = api.url;
  const req = { url: api.url, apiKey: SUPER_KEY, tunnel: 'web', target: '3000' };
  const plan = await planFusionAuthSetup(deps, req);
  assert.ok(plan.ok, JSON.stringify(plan));
  assert.deepEqual(plan.value.lines.map((l) => l.kind), ['create-application']);

  // An admin puts the issuer back to FusionAuth's default after the user saw the plan.
  api.tenants[0]!.issuer = 'acme.com';
  const before = stateOf(api);
  const writes = api.calls.filter((c) => !c.startsWith('GET ')).length;
  const r = await applyFusionAuthSetup(deps, { ...req, approved: plan.value.lines.map((l) => l.text), rememberApiKey: true });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'FUSIONAUTH_PLAN_CHANGED');
  assert.match(r.error.message, /nothing was written/);
  assert.ok(r.error.fix);
  assert.deepEqual(r.error.plan?.lines.map((l) => [l.kind, l.consent ?? null, l.consented]), [['fix-issuer', 'fixIssuer', false], ['create-application', null, true]]);
  assert.deepEqual(r.error.changes, r.error.plan?.lines.map((l) => l.text));
  assert.equal(stateOf(api), before, 'the stand-in is unchanged');
  assert.equal(api.calls.filter((c) => !c.startsWith('GET ')).length, writes, 'no write was sent');
  assert.deepEqual(deps.store.read().tunnels, []);
  assert.throws(() => readFileSync(join(cwd, 'secrets.json')), /ENOENT/, 'neither secret nor API key stored');
  assert.ok(!JSON.stringify(r).includes(SUPER_KEY));

  // The new plan, approved with its consent, applies.
  const again = await applyFusionAuthSetup(deps, { ...req, fixIssuer: true, approved: r.error.plan!.lines.map((l) => l.text) });
  assert.ok(again.ok, JSON.stringify(again));
  assert.equal(api.tenants[0]!.issuer, api.url);
});

test('FusionAuth changed between plan and apply (a grant removed from the application): nothing written, the new plan returned', async () => {
  const { deps, api } = await fresh();
  api.tenants[0]!.issuer = api.url;
  const req = { url: api.url, apiKey: SUPER_KEY, tunnel: 'web', target: '3000' };
  const first = await applyFusionAuthSetup(deps, req);
  assert.ok(first.ok, JSON.stringify(first));
  const plan = await planFusionAuthSetup(deps, req);
  assert.ok(plan.ok);
  assert.equal(plan.value.nothingToDo, true);

  const app = api.applications.get(first.value.applicationId)!;
  app.oauthConfiguration.enabledGrants = ['authorization_code'];
  const before = stateOf(api);
  const stored = JSON.stringify(deps.store.read());
  const r = await applyFusionAuthSetup(deps, { ...req, approved: [] });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'FUSIONAUTH_PLAN_CHANGED');
  assert.deepEqual(r.error.plan?.lines.map((l) => l.kind), ['update-application']);
  assert.match(r.error.plan!.lines[0]!.text, /refresh/i);
  assert.equal(r.error.plan?.nothingToDo, false);
  assert.equal(stateOf(api), before, 'the grant is still missing: nothing was written');
  assert.equal(JSON.stringify(deps.store.read()), stored, 'the tunnel is as it was');

  const again = await applyFusionAuthSetup(deps, { ...req, approved: r.error.plan!.lines.map((l) => l.text) });
  assert.ok(again.ok, JSON.stringify(again));
  assert.ok(api.applications.get(first.value.applicationId)!.oauthConfiguration.enabledGrants.includes('refresh_token'));
});
