// test: the Traffic Policy generated from FusionAuth settings — its exact shape, and its CEL rule
// evaluated by a real CEL engine against emails that must and must not get in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '@marcbachmann/cel-js';
import { parse as parseYaml } from 'yaml';
import { celString, denyExpression, policyYaml, scopesFor, trafficPolicyFor, VAULT_SECRET_REF } from '../../main/tunnel/policy.js';
import type { FusionAuthSettings, TunnelSpec } from '../../common/types.js';

const fa: FusionAuthSettings = { issuer: 'https://auth.example.com', clientId: 'cid', clientSecret: 'csecret', allowEmails: [], allowDomains: [], scopes: [] };

// Forged identity headers removed before the sign-in, in every spelling a framework reads as them
// (CGI, WSGI, Rack and PHP fold `_` into `-`), the signed-in identity's added after it.
const SPELLINGS = (n: string) => [n, n.replace(/-(?=[^-]*$)/, '_'), n.replace('-', '_'), n.replace(/-/g, '_')];
const REMOVE_IDENTITY = {
  type: 'remove-headers',
  config: { headers: ['X-Forwarded-Email', 'X-Forwarded-User', 'X-Porthole-Proof', 'X-Porthole-Probe', 'X-Porthole-Replay'].flatMap(SPELLINGS) },
};
const ADD_IDENTITY = { type: 'add-headers', config: { headers: { 'X-Forwarded-Email': '${actions.ngrok.oidc.identity.email}', 'X-Forwarded-User': '${actions.ngrok.oidc.identity.name}' } } };

test('no allow-list: only the openid-connect action, scope openid', () => {
  assert.deepEqual(trafficPolicyFor(fa), {
    on_http_request: [{ actions: [REMOVE_IDENTITY, { type: 'openid-connect', config: { issuer_url: 'https://auth.example.com', client_id: 'cid', client_secret: 'csecret', scopes: ['openid'] } }, ADD_IDENTITY] }],
  });
});

test('emails and domains: email scope added, then a 403 deny for everyone else', () => {
  assert.deepEqual(trafficPolicyFor({ ...fa, allowEmails: ['a@x.test'], allowDomains: ['corp.test'], scopes: ['email', 'profile', 'openid'] }), {
    on_http_request: [
      { actions: [REMOVE_IDENTITY, { type: 'openid-connect', config: { issuer_url: 'https://auth.example.com', client_id: 'cid', client_secret: 'csecret', scopes: ['openid', 'email', 'profile'] } }, ADD_IDENTITY] },
      {
        expressions: ["!(actions.ngrok.oidc.identity.email in ['a@x.test'] || actions.ngrok.oidc.identity.email.endsWith('@corp.test'))"],
        actions: [{ type: 'deny', config: { status_code: 403 } }],
      },
    ],
  });
  assert.deepEqual(scopesFor({ ...fa, allowDomains: ['x.test'] }), ['openid', 'email']);
  // While recording in the oidc mode, the identity headers need an email and a name.
  assert.deepEqual(scopesFor(fa, { identity: true }), ['openid', 'email', 'profile']);
  assert.deepEqual(scopesFor({ ...fa, scopes: ['profile', 'groups'] }, { identity: true }), ['openid', 'email', 'profile', 'groups']);
  assert.equal(denyExpression(fa), undefined);
});

function denies(expr: string, email: string): boolean {
  return evaluate(expr, { actions: { ngrok: { oidc: { identity: { email } } } } }) === true;
}

test('the deny rule, evaluated as CEL, lets exactly the allowed users in', () => {
  const expr = denyExpression({ ...fa, allowEmails: ['alice@example.test', 'bob@other.test'], allowDomains: ['corp.test', 'sub.example.org'] })!;
  for (const ok of ['alice@example.test', 'bob@other.test', 'carol@corp.test', 'd@sub.example.org']) assert.equal(denies(expr, ok), false, ok);
  for (const no of ['mallory@example.test', 'x@evilcorp.test', 'x@corp.test.evil', 'alice@example.test.x', 'corp.test', '']) assert.equal(denies(expr, no), true, no);
  const onlyDomains = denyExpression({ ...fa, allowDomains: ['corp.test'] })!;
  assert.equal(denies(onlyDomains, 'z@corp.test'), false);
  assert.equal(denies(onlyDomains, 'z@corp.tester'), true);
});

test('CEL strings are quoted safely: a quote cannot break out of the literal', () => {
  assert.equal(celString("o'brien@x.test"), "'o\\'brien@x.test'");
  const expr = denyExpression({ ...fa, allowEmails: ["o'brien@x.test", "x' || true || '"] })!;
  assert.equal(denies(expr, "o'brien@x.test"), false);
  assert.equal(denies(expr, 'anyone@else.test'), true, 'an injected "|| true" must not open the door');
  assert.equal(evaluate(celString('a\\b\nc')), 'a\\b\nc');
});

test('policyYaml: the same policy as YAML for each mode, the secret as a vault reference', () => {
  const spec: TunnelSpec = { name: 'web', target: '3000', mode: 'oidc', fusionauth: { ...fa, allowEmails: ['a@x.test'] } };
  const vault = { ...spec.fusionauth!, clientSecret: VAULT_SECRET_REF };
  assert.equal(VAULT_SECRET_REF, "${secrets.get('porthole', 'fusionauth_client_secret')}");
  assert.deepEqual(parseYaml(policyYaml(spec)), trafficPolicyFor(vault, { identity: true }), 'what the recording tunnel binds');
  assert.deepEqual(parseYaml(policyYaml({ ...spec, record: false })), trafficPolicyFor(vault));
  assert.deepEqual(parseYaml(policyYaml({ ...spec, mode: 'oidc-legacy' })), trafficPolicyFor(vault));
  const internal = parseYaml(policyYaml({ ...spec, mode: 'internal' }));
  assert.deepEqual(internal.on_http_request.at(-1), { actions: [{ type: 'forward-internal', config: { url: 'https://web.internal' } }] });
  assert.equal(internal.on_http_request[0].actions[1].config.client_secret, VAULT_SECRET_REF);
  assert.equal(internal.on_http_request.length, 3);
  assert.deepEqual(parseYaml(policyYaml({ name: 'web', target: '3000', mode: 'public' })), { on_http_request: [] });
  assert.match(policyYaml({ name: 'web', target: '3000', mode: 'public' }), /anyone with the URL/);
  for (const mode of ['oidc', 'oidc-legacy', 'internal'] as const) assert.ok(!policyYaml({ ...spec, mode }).includes('csecret'), mode);
});

test('policyYaml: the vault form says how to create the secret; `secret` substitutes anything else', () => {
  const spec: TunnelSpec = { name: 'web', target: '3000', mode: 'oidc', fusionauth: fa };
  const text = policyYaml(spec);
  assert.match(text, /^# .*\n# The client secret is not in this file/);
  assert.match(text, /^#\s+ngrok api vaults create --name porthole$/m);
  assert.match(text, /^#\s+ngrok api secrets create --vault-id \S.* --name fusionauth_client_secret --value "\$FUSIONAUTH_CLIENT_SECRET"$/m);
  assert.match(text, /ngrok\.com\/docs\/traffic-policy\/secrets/);
  const placeholder = policyYaml(spec, { secret: '${S}' });
  assert.equal(parseYaml(placeholder).on_http_request[0].actions[1].config.client_secret, '${S}');
  assert.ok(!placeholder.includes('vault'), 'no vault how-to when the secret is not the vault reference');
  assert.equal(parseYaml(policyYaml(spec, { secret: 'the-real-one' })).on_http_request[0].actions[1].config.client_secret, 'the-real-one');
  assert.ok(!policyYaml({ name: 'web', target: '3000', mode: 'public' }).includes('vault'), 'public: nothing to create');
});
