// The preflight's pure decisions (main/oidc/checks.ts): inputs the real provider can't produce,
// such as FusionAuth's own token-endpoint error shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkCredentials, checkGrants, checkIssuerMatch, checkIssuerUrl, checkScopes, discoveryUrlFor, isLoopbackHost, redact,
} from '../../main/oidc/checks.js';

test('issuer-url: https anywhere, http only on loopback, never acme.com', () => {
  const pass = ['https://auth.example.com', 'https://auth.example.com/', 'https://login.example.com:8443', 'http://localhost:9011', 'http://127.0.0.1:9011', 'http://[::1]:9011'];
  for (const u of pass) assert.equal(checkIssuerUrl(u).check.status, 'pass', u);
  const fail: [string, RegExp][] = [
    ['', /empty/],
    ['acme.com', /default tenant issuer/],
    ['auth.example.com', /not an absolute URL/],
    ['http://auth.example.com', /plain http/],
    ['ftp://auth.example.com', /not an https URL/],
    ['https://auth.example.com?tenant=1', /query or fragment/],
    [' https://auth.example.com', /spaces/],
    ['https://user:pw@auth.example.com', /user name or password/],
  ];
  for (const [u, re] of fail) {
    const { check, url } = checkIssuerUrl(u);
    assert.equal(check.status, 'fail', u);
    assert.match(check.message, re, u);
    assert.ok(check.fix, u);
    assert.equal(url, undefined);
  }
  assert.ok(isLoopbackHost('127.9.9.9') && isLoopbackHost('app.localhost') && !isLoopbackHost('127.0.0.1.example.com'));
});

test('discovery URL: a trailing slash is dropped before the well-known path', () => {
  assert.equal(discoveryUrlFor('https://a.example'), 'https://a.example/.well-known/openid-configuration');
  assert.equal(discoveryUrlFor('https://a.example/'), 'https://a.example/.well-known/openid-configuration');
  assert.equal(discoveryUrlFor('https://a.example/tenant/'), 'https://a.example/tenant/.well-known/openid-configuration');
});

test('issuer-match: exact comparison, with acme.com and trailing slashes named', () => {
  assert.equal(checkIssuerMatch('https://a.example', 'https://a.example').status, 'pass');
  assert.match(checkIssuerMatch('https://a.example', 'acme.com').message, /acme\.com.*default/);
  assert.match(checkIssuerMatch('https://a.example/', 'https://a.example').message, /Trailing slash.*with\)/);
  const other = checkIssuerMatch('https://a.example', 'https://b.example');
  assert.equal(other.status, 'fail');
  assert.match(other.fix!, /Tenants > Your Tenant > General > Issuer/);
  assert.equal(checkIssuerMatch('https://A.example', 'https://a.example').status, 'fail', 'not even case-insensitive: ngrok compares strings');
});

test('grants and scopes', () => {
  assert.equal(checkGrants(['authorization_code', 'refresh_token', 'implicit']).status, 'pass');
  assert.match(checkGrants(['refresh_token']).message, /authorization_code/);
  assert.match(checkGrants(['implicit']).message, /authorization_code and refresh_token grants/);
  assert.equal(checkGrants(undefined).status, 'warn');
  const none = { scopes: [], allowEmails: [], allowDomains: [] };
  assert.equal(checkScopes(['openid', 'email'], none).status, 'pass');
  assert.equal(checkScopes(['openid'], none).status, 'warn', 'no email scope and no allow-list: a warning');
  assert.equal(checkScopes(['openid'], { ...none, scopes: ['email'] }).status, 'fail', 'email requested but not offered');
  assert.equal(checkScopes(['email'], none).status, 'fail', 'no openid');
  assert.equal(checkScopes(undefined, none).status, 'warn');
  assert.equal(checkScopes(['openid', 'email'], { ...none, scopes: ['email', 'groups'] }).status, 'warn', 'unknown scope requested');
  assert.equal(checkScopes(['openid', 'email'], { ...none, allowEmails: ['a@b.example'] }).status, 'fail', 'allow-list without the email scope');
});

test('client-credentials: FusionAuth\'s own error shapes', () => {
  const m = 'client_secret_basic';
  assert.equal(checkCredentials({ kind: 'error', error: 'invalid_grant', status: 400 }, m).status, 'pass');
  // FusionAuth answers an unknown code with invalid_request + error_reason auth_code_not_found
  assert.equal(checkCredentials({ kind: 'error', error: 'invalid_request', reason: 'auth_code_not_found', status: 400 }, m).status, 'pass');
  assert.equal(checkCredentials({ kind: 'error', error: 'invalid_client', reason: 'invalid_client_authentication', status: 401 }, m).status, 'fail');
  assert.equal(checkCredentials({ kind: 'error', error: 'whatever', status: 401 }, m).status, 'fail', 'a 401 is a refused client');
  const grant = checkCredentials({ kind: 'error', error: 'unauthorized_client', reason: 'grant_type_disabled', status: 400 }, m);
  assert.equal(grant.status, 'fail');
  assert.match(grant.fix!, /Enabled grants/);
  assert.equal(checkCredentials({ kind: 'error', error: 'invalid_request', status: 400, description: 'odd' }, m).status, 'warn');
  assert.equal(checkCredentials({ kind: 'missing', field: 'clientSecret' }, m).status, 'fail');
  assert.equal(checkCredentials({ kind: 'no-method', advertised: ['private_key_jwt'] }, 'none').status, 'fail');
});

test('redact: a secret that slipped into a text is replaced', () => {
  const out = redact([{ id: 'discovery', status: 'fail', message: 'x hunter2-secret y', fix: 'hunter2-secret' }], 'hunter2-secret');
  assert.deepEqual(out, [{ id: 'discovery', status: 'fail', message: 'x [redacted] y', fix: '[redacted]' }]);
});
