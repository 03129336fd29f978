// test: the edge's reading of an endpoint's OIDC request (traffic policy via real CEL, legacy options).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SCOPES, gateConfig, parseTrafficPolicy } from '../support/ingress/policy.js';

const porthole = {
  on_http_request: [
    { actions: [{ type: 'openid-connect', config: { issuer_url: 'https://fa.test', client_id: 'cid', client_secret: 'sec', scopes: ['openid', 'email'] } }] },
    {
      expressions: ["!(actions.ngrok.oidc.identity.email in ['a@x.test'] || actions.ngrok.oidc.identity.email.endsWith('@corp.test'))"],
      actions: [{ type: 'deny', config: { status_code: 403 } }],
    },
  ],
};

test('traffic policy: openid-connect config and the deny rule evaluated with CEL', () => {
  const g = gateConfig(porthole, null)!;
  assert.equal(g.issuer, 'https://fa.test');
  assert.equal(g.clientId, 'cid');
  assert.equal(g.clientSecret, 'sec');
  assert.deepEqual(g.scopes, ['openid', 'email']);
  assert.equal(g.isAllowed('a@x.test'), true);
  assert.equal(g.isAllowed('z@corp.test'), true);
  assert.equal(g.isAllowed('b@x.test'), false);
  assert.equal(g.isAllowed('a@x.test.evil'), false);
  assert.equal(g.isAllowed(undefined), false, 'no email claim: the deny rule fails closed');
});

test('traffic policy: no deny rule lets every signed-in user in; AND-ed expressions; no openid-connect → no gate', () => {
  const open = gateConfig({ on_http_request: [{ actions: [{ type: 'openid-connect', config: { issuer_url: 'https://i', client_id: 'c', client_secret: 's' } }] }] }, null)!;
  assert.equal(open.isAllowed('anyone@anywhere.test'), true);
  assert.equal(open.isAllowed(undefined), true);
  assert.deepEqual(open.scopes, DEFAULT_SCOPES);

  const both = gateConfig(
    {
      on_http_request: [
        { actions: [{ type: 'openid-connect', config: { issuer_url: 'https://i', client_id: 'c', client_secret: 's', scopes: ['email'] } }] },
        {
          expressions: ["actions.ngrok.oidc.identity.email.startsWith('x')", "actions.ngrok.oidc.identity.email.endsWith('@bad.test')"],
          actions: [{ type: 'deny' }],
        },
      ],
    },
    null,
  )!;
  assert.deepEqual(both.scopes, ['openid', 'email']);
  assert.equal(both.isAllowed('xy@bad.test'), false);
  assert.equal(both.isAllowed('y@bad.test'), true);
  assert.equal(both.isAllowed('xy@good.test'), true);

  assert.equal(gateConfig({ on_http_request: [{ actions: [{ type: 'deny' }] }] }, null), null);
  assert.equal(gateConfig(null, null), null);
});

test('legacy Opts.OIDC: allow_emails / allow_domains; both empty = every signed-in user', () => {
  const g = gateConfig(null, { issuer_url: 'https://fa.test', client_id: 'c', client_secret: 's', allow_emails: ['A@x.test'], allow_domains: ['corp.test'] })!;
  assert.equal(g.issuer, 'https://fa.test');
  assert.deepEqual(g.scopes, DEFAULT_SCOPES);
  assert.equal(g.isAllowed('a@x.test'), true);
  assert.equal(g.isAllowed('b@corp.test'), true);
  assert.equal(g.isAllowed('b@sub.corp.test'), false);
  assert.equal(g.isAllowed('b@x.test'), false);
  assert.equal(g.isAllowed(undefined), false);
  const all = gateConfig(null, { issuer_url: 'https://fa.test', client_id: 'c', client_secret: 's', scopes: ['email'] })!;
  assert.deepEqual(all.scopes, ['openid', 'email']);
  assert.equal(all.isAllowed('who@ever.test'), true);
});

test('parseTrafficPolicy: JSON string, YAML string, unset', () => {
  assert.deepEqual(parseTrafficPolicy(JSON.stringify(porthole)), porthole);
  assert.deepEqual(parseTrafficPolicy('on_http_request:\n  - actions:\n      - type: deny\n'), { on_http_request: [{ actions: [{ type: 'deny' }] }] });
  assert.equal(parseTrafficPolicy(null), null);
  assert.equal(parseTrafficPolicy(''), null);
});
